package dev.pushwire.core.internal;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Converts Netty's header and query types to the plain immutable maps of the public API. */
final class HttpMaps {
  private HttpMaps() {}

  static Map<String, List<String>> headers(HttpHeaders headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : headers) {
      out.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
          .add(e.getValue());
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Packs {@code headers} into one string, names lower case, each name and value ended by a line
   * feed (neither can hold one: the HTTP codec splits lines on it). An open connection keeps its
   * request headers this way, in one object of about their size on the wire, instead of Netty's
   * header map of some thirty objects.
   */
  static String pack(HttpHeaders headers) {
    StringBuilder sb = new StringBuilder(256);
    for (Map.Entry<String, String> e : headers) {
      sb.append(e.getKey().toLowerCase(Locale.ROOT)).append('\n').append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  /** The headers {@link #pack} packed, as the public API's map. */
  static Map<String, List<String>> unpack(String packed) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    int i = 0;
    while (i < packed.length()) {
      int nameEnd = packed.indexOf('\n', i);
      int valueEnd = packed.indexOf('\n', nameEnd + 1);
      out.computeIfAbsent(packed.substring(i, nameEnd), k -> new ArrayList<>(1))
          .add(packed.substring(nameEnd + 1, valueEnd));
      i = valueEnd + 1;
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  static Map<String, List<String>> query(QueryStringDecoder decoder) {
    Map<String, List<String>> params = decoder.parameters();
    if (params.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }
}

package dev.pushwire.server.internal;

import java.net.ConnectException;
import java.net.URI;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Reading what users type for the {@code client} and {@code publish} commands. */
public final class ClientOptions {
  private ClientOptions() {}

  /**
   * {@code Name: value} headers as entries.
   *
   * @throws IllegalArgumentException naming the first header without a name and a colon
   */
  public static List<Map.Entry<String, String>> headers(List<String> headers) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0 || h.substring(0, colon).isBlank()) {
        throw new IllegalArgumentException(
            "bad header '" + h + "' (expected 'Name: value', for example 'X-API-Key: KEY')");
      }
      out.add(
          new AbstractMap.SimpleImmutableEntry<>(
              h.substring(0, colon).trim(), h.substring(colon + 1).trim()));
    }
    return out;
  }

  /**
   * A WebSocket URI from what the user typed: {@code ws://} and {@code wss://} as they are, {@code
   * http://} and {@code https://} turned into them, and a bare {@code host:port/path} taken as
   * {@code ws://}.
   *
   * @throws IllegalArgumentException if it is not a URL with a host
   */
  public static URI webSocketUri(String text) {
    String t = text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://")) {
      t = "ws://" + t.substring(7);
    } else if (lower.startsWith("https://")) {
      t = "wss://" + t.substring(8);
    } else if (!lower.startsWith("ws://") && !lower.startsWith("wss://")) {
      if (lower.contains("://")) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a WebSocket URL (expected ws://HOST:PORT/PATH)");
      }
      t = "ws://" + t;
    }
    URI uri;
    try {
      uri = URI.create(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getMessage());
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + text + "' has no host (expected ws://HOST:PORT/PATH)");
    }
    if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
      uri =
          URI.create(
              uri.getScheme()
                  + "://"
                  + uri.getRawAuthority()
                  + "/"
                  + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }
    return uri;
  }

  /**
   * A one-line reason for {@code e}: the first message in its chain of causes, past the wrappers of
   * asynchronous code, or the name of the failure when none has a message.
   */
  public static String rootMessage(Throwable e) {
    Throwable first = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CompletionException || t instanceof ExecutionException) {
        continue;
      }
      if (first == null) {
        first = t;
      }
      if (t instanceof ConnectException) {
        return t.getMessage() == null ? "connection refused" : t.getMessage();
      }
      String m = t.getMessage();
      if (m != null && !m.isBlank()) {
        return m;
      }
    }
    Throwable named = first != null ? first : e;
    return named.getClass().getSimpleName();
  }
}

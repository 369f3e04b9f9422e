package dev.pushwire.bench.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A checked {@code ws://} or {@code http://} address on this machine. The load generator only
 * targets loopback addresses: its numbers are meant to compare servers on the same machine, and a
 * flood aimed elsewhere by a typo is a mistake it refuses to make.
 */
public final class Target {
  private final URI uri;
  private final InetSocketAddress address;

  private Target(URI uri, InetSocketAddress address) {
    this.uri = uri;
    this.address = address;
  }

  /** A WebSocket address, {@code ws://127.0.0.1:9876/path?query}. */
  public static Target webSocket(String url) {
    return parse(url, "ws", 80);
  }

  /** An HTTP address, {@code http://127.0.0.1:9876/api/publish}. */
  public static Target http(String url) {
    return parse(url, "http", 80);
  }

  private static Target parse(String url, String scheme, int defaultPort) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
    }
    if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase(scheme)) {
      String hint =
          scheme.equals("ws") && "wss".equalsIgnoreCase(uri.getScheme()) ? " (no TLS)" : "";
      throw new IllegalArgumentException("'" + url + "' must start with " + scheme + "://" + hint);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("'" + url + "' has no host");
    }
    InetAddress host;
    try {
      host = InetAddress.getByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + url + "': unknown host " + uri.getHost());
    }
    if (!host.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "'"
              + url
              + "' is not on this machine: the load generator only targets loopback addresses"
              + " (127.0.0.0/8, ::1, localhost)");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    URI normal =
        URI.create(
            scheme
                + "://"
                + uri.getRawAuthority()
                + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    return new Target(normal, new InetSocketAddress(host, port));
  }

  /** The normalised URI (a path of {@code /} when none was given). */
  public URI uri() {
    return uri;
  }

  /** The resolved socket address. */
  public InetSocketAddress address() {
    return address;
  }

  /** The {@code Host} header value. */
  public String hostHeader() {
    return uri.getRawAuthority();
  }

  /** Path and query, as sent in a request line. */
  public String pathAndQuery() {
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** The values of query parameter {@code name}, decoded. */
  public List<String> queryParams(String name) {
    List<String> out = new ArrayList<>();
    String q = uri.getRawQuery();
    if (q == null) {
      return out;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}

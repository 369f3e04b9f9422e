package dev.pushwire.client.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The URIs of the nodes a client connects to: their check, their token, and their rotation. */
final class NodeUris {
  private NodeUris() {}

  /**
   * Checks that {@code uri} is an absolute {@code ws://} or {@code wss://} URI with a host and no
   * fragment; returns it.
   */
  static URI check(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("ws") || scheme.equals("wss"))
        || uri.getHost() == null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "uri: bad value '"
              + uri
              + "' (expected ws://host[:port]/path or wss://host[:port]/path without a fragment)");
    }
    return uri;
  }

  /** {@code uri} with {@code token=TOKEN} added to its query. */
  static URI withToken(URI uri, String token) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery() + "&";
    return URI.create(
        uri.getScheme()
            + "://"
            + uri.getRawAuthority()
            + path
            + "?"
            + query
            + "token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  /** Checks {@code uris}; the supplier returns them in turn, starting with the first. */
  static Supplier<URI> rotation(List<URI> uris) {
    if (uris.isEmpty()) {
      throw new IllegalArgumentException(
          "uris: bad value '[]' (expected at least one ws:// or wss:// URI)");
    }
    List<URI> copy = List.copyOf(uris);
    copy.forEach(NodeUris::check);
    return new Rotation(copy);
  }

  private static final class Rotation implements Supplier<URI> {
    private final List<URI> uris;
    private int next;

    Rotation(List<URI> uris) {
      this.uris = uris;
    }

    @Override
    public URI get() {
      URI uri = uris.get(next);
      next = (next + 1) % uris.size();
      return uri;
    }
  }
}

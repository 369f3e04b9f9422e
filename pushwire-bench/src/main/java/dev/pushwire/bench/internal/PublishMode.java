package dev.pushwire.bench.internal;

/**
 * How fan-out publishes, as written after {@code --publish}: {@code ws} (send on a plain WebSocket
 * to the subscribers' URL, for servers that broadcast what they receive), {@code ws=URL} (the same
 * to another URL), {@code http=URL} (Pushwire's {@code POST /api/publish}) or {@code socket=URL}
 * (Pushwire's publisher socket, {@code ws://HOST:PORT/publish?channel=NAME}).
 */
public record PublishMode(Kind kind, String url) {
  /** The ways to publish. */
  public enum Kind {
    WS,
    HTTP,
    SOCKET
  }

  /** Parses {@code spec}; throws {@link IllegalArgumentException} with the accepted forms. */
  public static PublishMode parse(String spec) {
    String s = spec.trim();
    int eq = s.indexOf('=');
    String name = eq < 0 ? s : s.substring(0, eq);
    String url = eq < 0 ? null : s.substring(eq + 1).trim();
    Kind kind =
        switch (name) {
          case "ws" -> Kind.WS;
          case "http" -> Kind.HTTP;
          case "socket" -> Kind.SOCKET;
          default ->
              throw new IllegalArgumentException(
                  "--publish '" + spec + "': expected ws, ws=URL, http=URL or socket=URL");
        };
    if (url != null && url.isEmpty() || url == null && kind != Kind.WS) {
      throw new IllegalArgumentException(
          "--publish " + name + " needs a URL: " + name + "=" + example(kind));
    }
    // Check the URL now, so that a typo is a usage error and not a failed run.
    if (url != null) {
      if (kind == Kind.HTTP) {
        Target.http(url);
      } else {
        Target.webSocket(url);
      }
    }
    return new PublishMode(kind, url);
  }

  private static String example(Kind kind) {
    return kind == Kind.HTTP
        ? "http://127.0.0.1:9876/api/publish"
        : "ws://127.0.0.1:9876/publish?channel=news";
  }
}

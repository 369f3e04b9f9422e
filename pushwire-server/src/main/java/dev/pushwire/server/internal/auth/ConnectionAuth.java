package dev.pushwire.server.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.TimerHandle;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.CommandHandler;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.UserResolver;
import dev.pushwire.server.AuthSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Connection tokens of subscriber connections: checks the token a handshake presents ({@code
 * ?token=} or {@code Authorization: Bearer}), refusing a bad one, or none when anonymous
 * connections are off, with 401 before the upgrade; names the token's {@code sub} as the
 * connection's user (the hub's {@link UserResolver}); keeps each connection's claims for {@link
 * ChannelRules}; closes a connection with {@link #TOKEN_EXPIRED} when its token expires; and runs
 * the {@code pushwire.v1} command {@code refresh}, which renews it.
 *
 * <p>A {@code pushwire.v1} client may instead send its token in its first command, {@code connect}:
 * when anonymous connections are off, such a client's upgrade is accepted without a token and the
 * connection is held unauthenticated (only {@code connect} and {@code ping} run; other commands get
 * {@code unauthorized}) until a valid {@code connect}; it is closed with {@link #AUTH_REQUIRED}
 * after {@code auth.connect-timeout} without one, or right after a bad one.
 */
public final class ConnectionAuth implements UserResolver, CommandHandler {
  /** The query parameter that carries a token. */
  public static final String TOKEN_PARAM = "token";

  /** The close code of a connection whose token expired. */
  public static final int TOKEN_EXPIRED = 4001;

  /** The close reason of a connection whose token expired. */
  public static final String TOKEN_EXPIRED_REASON = "token expired";

  /** The close reason of a connection that did not authenticate with {@code connect}. */
  public static final String AUTH_REQUIRED = "authentication required";

  /** The {@code pushwire.v1} command that carries the token of a connection opened without one. */
  public static final String CONNECT = "connect";

  /** The {@code pushwire.v1} command that renews a connection's token. */
  public static final String REFRESH = "refresh";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenVerifier verifier;
  private final boolean anonymous;
  private final Duration clockSkew;
  private final Clock clock;
  private final Map<Long, VerifiedToken> tokens = new ConcurrentHashMap<>();
  private final Map<Long, TimerHandle> expiries = new ConcurrentHashMap<>();
  private final Duration connectTimeout;
  private final Map<Long, TimerHandle> unauthenticated = new ConcurrentHashMap<>();
  private volatile WebSocketServer server;
  private volatile Hub hub;

  /** For {@code settings}; {@link TokenVerifier#of} explains the errors it throws. */
  public ConnectionAuth(AuthSettings settings, Clock clock) {
    this.verifier = TokenVerifier.of(settings, clock);
    this.anonymous = settings.anonymousAllowed();
    if (!anonymous && verifier == null) {
      throw new IllegalArgumentException(
          "auth.anonymous: false needs a token key (auth.hmac-secret, auth.public-key or"
              + " auth.jwks-file)");
    }
    this.clockSkew = settings.clockSkew();
    this.connectTimeout = settings.connectTimeout();
    this.clock = clock;
  }

  /** The token a request presents, or {@code null}. */
  static String presented(Function<String, String> query, Function<String, String> header) {
    String token = query.apply(TOKEN_PARAM);
    if (token != null && !token.isBlank()) {
      return token.trim();
    }
    String auth = header.apply("Authorization");
    if (auth != null) {
      String a = auth.trim();
      int space = a.indexOf(' ');
      if (space > 0 && a.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
        String t = a.substring(space + 1).trim();
        return t.isEmpty() ? null : t;
      }
    }
    return null;
  }

  /** The hub whose connections' users {@code connect} sets. */
  public void hub(Hub hub) {
    this.hub = hub;
  }

  /**
   * Accepts a subscriber's handshake, or refuses it with 401 (never {@code null}). A {@code
   * pushwire.v1} client without a token is accepted: it authenticates with {@code connect}.
   */
  public HandshakeDecision check(HandshakeRequest request) {
    String token = presented(request::queryParam, request::header);
    if (token == null
        && verifier != null
        && request.requestedSubprotocols() != null
        && request.requestedSubprotocols().contains(Hub.SUBPROTOCOL)) {
      return HandshakeDecision.accept();
    }
    if (token == null || verifier == null) {
      return anonymous
          ? HandshakeDecision.accept()
          : HandshakeDecision.reject(
              401, "a token is needed: ?token=JWT or Authorization: Bearer JWT");
    }
    try {
      verifier.verify(token, TokenKind.CONNECTION);
      return HandshakeDecision.accept();
    } catch (TokenException e) {
      return HandshakeDecision.reject(401, e.getMessage());
    }
  }

  /** Verifies the connection's token again and keeps its claims; the user is its {@code sub}. */
  @Override
  public String user(ConnectionInfo connection) {
    String token = presented(connection::queryParam, connection::header);
    if (token == null || verifier == null) {
      return null;
    }
    try {
      VerifiedToken t = verifier.verify(token, TokenKind.CONNECTION);
      tokens.put(connection.connectionId(), t);
      return t.subject();
    } catch (TokenException e) {
      return null; // expired since the handshake: opened() closes it
    }
  }

  /** The token verifier, or {@code null} when no key is configured. */
  public TokenVerifier verifier() {
    return verifier;
  }

  /** The claims of connection {@code id}'s token, or {@code null} for anonymous connections. */
  public VerifiedToken token(long id) {
    return tokens.get(id);
  }

  /**
   * After the hub set up the connection: schedules its close with {@link #TOKEN_EXPIRED} at its
   * token's {@code exp} (plus the clock skew).
   */
  public void opened(WebSocketServer server, ConnectionInfo connection) {
    this.server = server;
    long id = connection.connectionId();
    VerifiedToken t = tokens.get(id);
    if (t == null) {
      if (verifier != null && presented(connection::queryParam, connection::header) != null) {
        server.disconnect(id, TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
      } else if (verifier != null
          && !anonymous
          && Hub.SUBPROTOCOL.equals(connection.subprotocol())) {
        unauthenticated.put(
            id,
            server.after(
                connectTimeout,
                () -> {
                  if (unauthenticated.remove(id) != null) {
                    server.disconnect(id, TOKEN_EXPIRED, AUTH_REQUIRED);
                  }
                }));
      }
      return;
    }
    scheduleExpiry(server, id, t);
  }

  private void scheduleExpiry(WebSocketServer server, long id, VerifiedToken t) {
    Instant deadline = t.expiresAt().plus(clockSkew);
    Duration delay = Duration.between(clock.instant(), deadline);
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    TimerHandle h =
        server.after(delay, () -> server.disconnect(id, TOKEN_EXPIRED, TOKEN_EXPIRED_REASON));
    TimerHandle old = expiries.put(id, h);
    if (old != null) {
      old.cancel();
    }
  }

  @Override
  public boolean handles(String op) {
    return (REFRESH.equals(op) || CONNECT.equals(op)) && verifier != null;
  }

  /** Before {@code connect}, only {@code connect} and {@code ping}: the rest is unauthorized. */
  @Override
  public void admit(ConnectionInfo connection, String op) {
    if (!CONNECT.equals(op)
        && !"ping".equals(op)
        && unauthenticated.containsKey(connection.connectionId())) {
      throw new HubException(
          ErrorCode.UNAUTHORIZED, "authenticate first: {\"op\":\"connect\",\"token\":JWT}");
    }
  }

  /**
   * {@code refresh {"token": JWT}}: replaces the token of a connection that has one with a newer
   * one for the same {@code sub}, moving its close to the new {@code exp}. Replies {@code
   * {"expiresAt": SECONDS}}. A bad or expired token is answered {@code bad_request}; another {@code
   * sub}, or a connection without a token, {@code forbidden}.
   */
  @Override
  public CompletionStage<String> handle(ConnectionInfo connection, String op, String command) {
    long id = connection.connectionId();
    String token;
    try {
      JsonNode t = JSON.readTree(command).get("token");
      token = t != null && t.isTextual() ? t.textValue() : null;
    } catch (IOException e) {
      token = null;
    }
    if (CONNECT.equals(op)) {
      return connect(id, token);
    }
    if (token == null) {
      return CompletableFuture.failedFuture(
          new HubException(ErrorCode.BAD_REQUEST, "\"token\" is missing or not a string"));
    }
    VerifiedToken current = tokens.get(id);
    if (current == null) {
      return CompletableFuture.failedFuture(
          new HubException(
              ErrorCode.FORBIDDEN,
              "this connection has no token to refresh; connect with ?token= or a Bearer header"));
    }
    VerifiedToken next;
    try {
      next = verifier.verify(token, TokenKind.CONNECTION);
    } catch (TokenException e) {
      return CompletableFuture.failedFuture(
          new HubException(ErrorCode.BAD_REQUEST, e.getMessage()));
    }
    if (!next.subject().equals(current.subject())) {
      return CompletableFuture.failedFuture(
          new HubException(ErrorCode.FORBIDDEN, "the new token is for another user"));
    }
    tokens.put(id, next);
    WebSocketServer s = server;
    if (s != null) {
      scheduleExpiry(s, id, next);
    }
    return CompletableFuture.completedFuture(
        "{\"expiresAt\":" + next.expiresAt().getEpochSecond() + "}");
  }

  /**
   * {@code connect {"token": JWT}}: authenticates a connection opened without a token, making the
   * token's {@code sub} its user and scheduling its close at {@code exp}. Replies {@code {"user":
   * SUB, "expires": SECONDS}}. A missing, bad or expired token is answered {@code unauthorized} and
   * the connection closed with {@link #TOKEN_EXPIRED} ({@link #AUTH_REQUIRED}); a connection that
   * already has a token gets {@code bad_request}.
   */
  private CompletionStage<String> connect(long id, String token) {
    if (tokens.containsKey(id)) {
      return CompletableFuture.failedFuture(
          new HubException(
              ErrorCode.BAD_REQUEST, "this connection is already authenticated; use refresh"));
    }
    WebSocketServer s = server;
    VerifiedToken t;
    try {
      if (token == null) {
        throw new TokenException("\"token\" is missing or not a string");
      }
      t = verifier.verify(token, TokenKind.CONNECTION);
    } catch (TokenException e) {
      if (s != null && unauthenticated.containsKey(id)) {
        // after the error reply has gone out
        s.after(Duration.ofMillis(100), () -> s.disconnect(id, TOKEN_EXPIRED, AUTH_REQUIRED));
      }
      return CompletableFuture.failedFuture(
          new HubException(ErrorCode.UNAUTHORIZED, e.getMessage()));
    }
    tokens.put(id, t);
    TimerHandle timeout = unauthenticated.remove(id);
    if (timeout != null) {
      timeout.cancel();
    }
    Hub h = hub;
    if (h != null) {
      h.setUser(id, t.subject());
    }
    if (s != null) {
      scheduleExpiry(s, id, t);
    }
    try {
      return CompletableFuture.completedFuture(
          JSON.writeValueAsString(
              Map.of("user", t.subject(), "expires", t.expiresAt().getEpochSecond())));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Forgets a closed connection. */
  public void closed(long id) {
    tokens.remove(id);
    TimerHandle pending = unauthenticated.remove(id);
    if (pending != null) {
      pending.cancel();
    }
    TimerHandle h = expiries.remove(id);
    if (h != null) {
      h.cancel();
    }
  }
}

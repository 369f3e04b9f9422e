package dev.pushwire.core;

import dev.pushwire.core.internal.NettyWebSocketServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * An embeddable WebSocket server (RFC 6455 with RFC 7692 permessage-deflate) on Netty, with the
 * event API of Swoole's WebSocket server: handshake, open, message, close and plain HTTP request
 * events, and {@code push(id, data)} to any connection from any thread.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.create(ServerSettings.newBuilder().port(9876).build());
 * server.onOpen((srv, conn) -> srv.push(conn.connectionId(), "Hey. " + conn.connectionId()))
 *       .onMessage((srv, msg) -> srv.push(msg.connectionId(), msg.text()))
 *       .onClose((srv, event) -> System.out.println(event.connectionId() + " closed"));
 * server.start();
 * }</pre>
 *
 * <p>Listeners run on the connection's event loop and must never block it. Every operation is safe
 * to call from any thread. Set the listeners before {@link #start()}.
 */
public interface WebSocketServer extends AutoCloseable {

  /** A server with {@code settings}; nothing is bound until {@link #start()}. */
  static WebSocketServer create(ServerSettings settings) {
    return new NettyWebSocketServer(settings);
  }

  /** Decides on each valid upgrade request (default: accept). */
  WebSocketServer onHandshake(HandshakeListener listener);

  /** Called when a connection has opened. */
  WebSocketServer onOpen(OpenListener listener);

  /** Called for each whole message from a client. */
  WebSocketServer onMessage(MessageListener listener);

  /** Called once when an opened connection has closed. */
  WebSocketServer onClose(CloseListener listener);

  /**
   * Answers plain HTTP requests on the same port (default: 404, or 426 for a GET on a WebSocket
   * path without an upgrade).
   */
  WebSocketServer onRequest(RequestListener listener);

  /**
   * Binds and starts serving; returns once the port is bound.
   *
   * @return the bound port (useful with port 0)
   * @throws java.io.UncheckedIOException when the port cannot be bound or TLS files cannot be read
   */
  int start();

  /** The bound port, or -1 before {@link #start()}. */
  int port();

  /** The settings this server was created with. */
  ServerSettings settings();

  /** Queues a text message to one connection. Returns false if there is no such connection. */
  boolean push(long connectionId, String text);

  /** Queues a binary message to one connection. Returns false if there is no such connection. */
  boolean push(long connectionId, byte[] data);

  /**
   * Queues a binary message (the buffer's remaining bytes, copied) to one connection. Returns false
   * if there is no such connection.
   */
  boolean push(long connectionId, ByteBuffer data);

  /**
   * Queues a text message to every open connection. The frame is built (and compressed) once and
   * shared. Returns the number of connections it was queued to.
   */
  int broadcast(String text);

  /** Queues a binary message to every open connection; see {@link #broadcast(String)}. */
  int broadcast(byte[] data);

  /** Queues a binary message to every open connection; see {@link #broadcast(String)}. */
  int broadcast(ByteBuffer data);

  /** Queues a text message to each of {@code connectionIds} that exists. */
  int broadcast(Collection<Long> connectionIds, String text);

  /** Queues a binary message to each of {@code connectionIds} that exists. */
  int broadcast(Collection<Long> connectionIds, byte[] data);

  /**
   * Queues a text message, given as its UTF-8 bytes, to each of {@code connectionIds} that exists:
   * for text that is already UTF-8, which {@link #broadcast(Collection, String)} would decode and
   * encode again. The array is only read during the call.
   *
   * @throws IllegalArgumentException if {@code utf8} is not well-formed UTF-8 (a text frame must
   *     be, RFC 6455 section 8.1)
   */
  int broadcastText(Collection<Long> connectionIds, byte[] utf8);

  /** Queues a binary message to each of {@code connectionIds} that exists. */
  int broadcast(Collection<Long> connectionIds, ByteBuffer data);

  /** Whether a connection with this id is open. */
  boolean exists(long connectionId);

  /**
   * Closes a connection with {@code code} and {@code reason} after the messages already queued for
   * it. Returns false if there is no such connection.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent (see {@link
   *     CloseCodes#isValidOnWire}) or the reason is longer than 123 bytes in UTF-8
   */
  boolean disconnect(long connectionId, int code, String reason);

  /**
   * Makes a connection that cannot keep up (a slow consumer, see {@link
   * ServerSettings#slowConsumerTimeout()}) close with {@code code} and {@code reason}, whatever the
   * server's {@link ServerSettings#slowConsumerPolicy()}: for clients that can recover what they
   * miss when told to reconnect. The close frame goes after what is already queued. Returns false
   * if there is no such connection.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent (see {@link
   *     CloseCodes#isValidOnWire}) or the reason is longer than 123 bytes in UTF-8
   */
  boolean closeWhenSlow(long connectionId, int code, String reason);

  /** The ids of the open connections (a snapshot). */
  Set<Long> connections();

  /** The number of open connections. */
  int connectionCount();

  /** What the server knows about a connection, if it is open. */
  Optional<ConnectionInfo> connectionInfo(long connectionId);

  /** Runs {@code task} every {@code period} on an event loop until cancelled or stopped. */
  TimerHandle tick(Duration period, Runnable task);

  /** Runs {@code task} once after {@code delay} on an event loop. */
  TimerHandle after(Duration delay, Runnable task);

  /** A snapshot of the counters. */
  ServerStats stats();

  /**
   * Stops: stops accepting, closes every connection with 1001 after what is queued for it, waits
   * for the peers' close replies and then releases the threads, all within {@code grace}; whatever
   * is still open at the deadline is closed at once. Idempotent.
   */
  void stop(Duration grace);

  /** {@link #stop(Duration)} with a 5 second grace period. */
  @Override
  default void close() {
    stop(Duration.ofSeconds(5));
  }
}

package dev.pushwire.core;

import dev.pushwire.core.internal.client.NettyWebSocketClient;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A WebSocket client (RFC 6455 with RFC 7692 permessage-deflate) on Netty, for {@code ws://} and
 * {@code wss://} URIs, with optional automatic reconnect.
 *
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.create(URI.create("ws://127.0.0.1:9876/"),
 *     ClientSettings.newBuilder().reconnect(ReconnectPolicy.newBuilder().build()).build());
 * client.onOpen(c -> c.sendText("hello"))
 *       .onMessage((c, msg) -> System.out.println(msg.text()))
 *       .onClose((c, event) -> System.out.println("closed " + event.code()));
 * client.connect().toCompletableFuture().join();
 * }</pre>
 *
 * <p>Messages reach {@link #onMessage} whole: fragments are joined and inflated first. They arrive
 * as {@link Message} and close events as {@link CloseEvent}, both with a {@code connectionId} of 0
 * (the peer is the server). A close event carries the code and reason of the server's close frame;
 * without one, those this client sent (for example 1009 for a message over the limit), or 1006 when
 * the connection was lost. {@link CloseEvent#byServer()} is true when this client did not start the
 * close: the server sent the first close frame or the connection was lost.
 *
 * <p>Listeners and the returned stages complete on the client's event loop: never block in them.
 * Every method is safe to call from any thread. Set the listeners before {@link #connect()}.
 *
 * <p>With {@link ClientSettings#reconnect()} enabled, a connection that ends without this client
 * closing it (the server closed it, or it was lost) is followed by new attempts with backoff; each
 * failed attempt is reported to {@link #onError}, and when the policy gives up {@link #onError}
 * receives a {@link java.io.IOException} saying so. {@link #close(int, String)} and {@link
 * #shutdown()} never reconnect.
 */
public interface WebSocketClient extends AutoCloseable {

  /**
   * A client for {@code uri} ({@code ws://} or {@code wss://}) that creates its own event-loop
   * threads; nothing connects until {@link #connect()}.
   *
   * @throws IllegalArgumentException if {@code uri} is not an absolute ws or wss URI with a host
   * @throws java.io.UncheckedIOException if {@link ClientSettings#trustedCaFile()} cannot be read
   */
  static WebSocketClient create(URI uri, ClientSettings settings) {
    return new NettyWebSocketClient(uri, settings, null);
  }

  /**
   * A client that runs on {@code group}, an epoll or NIO {@link io.netty.channel.IoEventLoopGroup}
   * owned by the caller; {@link #shutdown()} leaves it running.
   *
   * @see #create(URI, ClientSettings)
   */
  static WebSocketClient create(URI uri, ClientSettings settings, EventLoopGroup group) {
    return new NettyWebSocketClient(uri, settings, group);
  }

  /** Called each time a connection has opened (after the handshake), reconnects included. */
  WebSocketClient onOpen(Consumer<WebSocketClient> listener);

  /** Called for each whole message from the server. */
  WebSocketClient onMessage(BiConsumer<WebSocketClient, Message> listener);

  /** Called once per opened connection, when it has closed. */
  WebSocketClient onClose(BiConsumer<WebSocketClient, CloseEvent> listener);

  /**
   * Called for failures that no returned stage reports: failed reconnect attempts, protocol errors,
   * exceptions thrown by the other listeners.
   */
  WebSocketClient onError(BiConsumer<WebSocketClient, Throwable> listener);

  /**
   * Connects and performs the handshake. The stage completes when the connection is open and fails
   * when the connection, TLS or the handshake fails or times out; a failed {@code connect()} is not
   * retried. If the client is already open the stage is complete; if it is connecting or waiting to
   * reconnect, the stage completes with the next open and fails when the client stops trying.
   */
  CompletionStage<Void> connect();

  /** Sends a text message; the stage completes when it was written, or fails if not open. */
  CompletionStage<Void> sendText(String text);

  /**
   * Sends a binary message (a copy of {@code data}); the stage completes when it was written, or
   * fails if not open.
   */
  CompletionStage<Void> sendBinary(byte[] data);

  /**
   * Sends a ping with {@code payload} (at most 125 bytes). The stage completes when the server's
   * pong with the same payload (or one for a later ping) arrives, and fails if the connection
   * closes first.
   *
   * @throws IllegalArgumentException if {@code payload} is longer than 125 bytes
   */
  CompletionStage<Void> ping(byte[] payload);

  /**
   * Starts the closing handshake with {@code code} and {@code reason}, and stops reconnecting. The
   * stage completes when the connection has closed: after the server's close frame, or after {@link
   * ClientSettings#closeTimeout()}. Completes at once when nothing is open.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent (see {@link
   *     CloseCodes#isValidOnWire}) or the reason is longer than 123 bytes in UTF-8
   */
  CompletionStage<Void> close(int code, String reason);

  /** Whether a connection is open (handshake done, close not started). */
  boolean isOpen();

  /** The subprotocol the server chose for the open connection, or {@code null}. */
  String subprotocol();

  /**
   * The extensions the server accepted for the open connection, as sent in {@code
   * Sec-WebSocket-Extensions}, or an empty string.
   */
  String extensions();

  /** The URI this client connects to. */
  URI uri();

  /** The settings this client was created with. */
  ClientSettings settings();

  /**
   * Closes with 1001 (going away), stops reconnecting and releases the event-loop threads if the
   * client created them. Waits up to {@link ClientSettings#closeTimeout()} for the close unless
   * called on the event loop. Idempotent; the client cannot connect again.
   */
  void shutdown();

  /** {@link #shutdown()}. */
  @Override
  default void close() {
    shutdown();
  }
}

package dev.pushwire.bench.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes each message as a text message on one WebSocket connection. Two uses: a server that
 * broadcasts whatever a client sends ({@code ws}; what comes back is the publisher's own copy and
 * is dropped), and Pushwire's publisher socket ({@code socket}, with an API key; what comes back is
 * an error reply, counted by its text).
 */
public final class WebSocketPublisher implements Publisher {
  private final BenchClient client;
  private final Target target;
  private final String apiKey;
  private final boolean repliesAreErrors;
  private final Connections connections = new Connections();
  private final Failures errors = new Failures();
  private final LongAdder echoes = new LongAdder();
  private long sent;
  private Channel channel;

  /**
   * A publisher to {@code target}; {@code apiKey} (may be null) goes in {@code X-API-Key}; when
   * {@code repliesAreErrors}, each message from the server counts as a refused publication.
   */
  public WebSocketPublisher(
      BenchClient client, Target target, String apiKey, boolean repliesAreErrors) {
    this.client = client;
    this.target = target;
    this.apiKey = apiKey;
    this.repliesAreErrors = repliesAreErrors;
  }

  @Override
  public void open() throws Exception {
    HttpHeaders headers = new DefaultHttpHeaders();
    if (apiKey != null) {
      headers.set("X-API-Key", apiKey);
    }
    var opened = client.open(target, headers, new Replies(), connections);
    if (!opened.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("publisher: no connection to " + target + " within 30 s");
    }
    if (!opened.isSuccess()) {
      throw new IllegalStateException(
          "publisher: cannot connect to " + target + ": " + Failures.reason(opened.cause()));
    }
    channel = opened.getNow();
  }

  @Override
  public void publish(long seq, int size) {
    if (!channel.isActive()) {
      errors.add("publisher connection closed");
      return;
    }
    byte[] body = Payload.encode(seq, System.nanoTime(), size);
    channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(body)), channel.voidPromise());
    sent++;
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public void awaitAnswers(Duration timeout) {
    // Nothing to wait for: a WebSocket publication has no answer unless it failed.
  }

  @Override
  public long sent() {
    return sent;
  }

  @Override
  public Failures errors() {
    return errors;
  }

  @Override
  public String describe() {
    return (repliesAreErrors ? "socket " : "ws ") + target;
  }

  @Override
  public void close() {
    connections.closeAll(Duration.ofSeconds(2));
  }

  /** What the server sends the publisher. */
  private final class Replies extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (repliesAreErrors && msg instanceof WebSocketFrame f) {
          String text = f.content().toString(java.nio.charset.StandardCharsets.UTF_8);
          errors.add(text.length() > 100 ? text.substring(0, 100) : text);
        } else {
          echoes.increment();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}

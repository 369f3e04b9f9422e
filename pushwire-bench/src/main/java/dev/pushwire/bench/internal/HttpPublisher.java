package dev.pushwire.bench.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes with Pushwire's HTTP API: {@code POST /api/publish} with {@code
 * {"channel":"news","data":"<payload>"}} and the key in {@code X-API-Key}. Keeps a few keep-alive
 * connections, each with up to {@code pipeline} requests in flight (HTTP/1.1 pipelining: answers
 * come back in order); further requests queue per connection, and the payload's time stamp is taken
 * when a request is made, so queueing counts in the publish-to-receive latency. Requests made
 * between two {@link #flush()} calls go out together, as the WebSocket publishers' frames do, so
 * that both ways of publishing reach the server in the same bursts. A response that is not 2xx
 * counts as a refused publication.
 *
 * <p>With one request in flight per connection, each publication waits for a full round trip: the
 * publisher's loop wakes the server's, which answers and wakes the publisher's again. On a busy
 * machine each wake-up can take milliseconds, so a few connections publish only a few hundred
 * messages per second while both processes mostly wait (issue #16); pipelining keeps the server fed
 * as the publisher socket does.
 */
public final class HttpPublisher implements Publisher {
  private final BenchClient client;
  private final Target target;
  private final String path;
  private final String apiKey;
  private final String channelJson;
  private final int connectionCount;
  private final int pipeline;
  private final List<Lane> lanes = new ArrayList<>();
  // Requests made since the last flush, by lane; touched by the publishing thread only.
  private List<List<FullHttpRequest>> unsent = List.of();
  private final Failures errors = new Failures();
  private final AtomicLong answered = new AtomicLong();
  private long sent;
  private int next;

  /**
   * A publisher to {@code target} (path {@code /} means {@code /api/publish}) for {@code channel},
   * using {@code connections} connections with up to {@code pipeline} requests in flight on each.
   */
  public HttpPublisher(
      BenchClient client,
      Target target,
      String apiKey,
      String channel,
      int connections,
      int pipeline) {
    this.client = client;
    this.target = target;
    this.path = target.pathAndQuery().equals("/") ? "/api/publish" : target.pathAndQuery();
    this.apiKey = apiKey;
    StringBuilder sb = new StringBuilder();
    Json.string(sb, channel);
    this.channelJson = sb.toString();
    this.connectionCount = Math.max(1, connections);
    this.pipeline = Math.max(1, pipeline);
  }

  @Override
  public void open() throws Exception {
    Bootstrap b =
        new Bootstrap()
            .group(client.group())
            .channel(client.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    Lane lane = new Lane(ch);
                    ch.pipeline()
                        .addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), lane);
                    synchronized (lanes) {
                      lanes.add(lane);
                    }
                  }
                });
    List<List<FullHttpRequest>> batches = new ArrayList<>();
    for (int i = 0; i < connectionCount; i++) {
      ChannelFuture f = b.connect(target.address()).awaitUninterruptibly();
      if (!f.isSuccess()) {
        throw new IllegalStateException(
            "publisher: cannot connect to " + target + ": " + Failures.reason(f.cause()));
      }
      batches.add(new ArrayList<>());
    }
    unsent = batches;
  }

  @Override
  public void publish(long seq, int size) {
    byte[] payload = Payload.encode(seq, System.nanoTime(), size);
    String body =
        "{\"channel\":"
            + channelJson
            + ",\"data\":\""
            + new String(payload, StandardCharsets.US_ASCII)
            + "\"}";
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
    FullHttpRequest req =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, content);
    req.headers()
        .set(HttpHeaderNames.HOST, target.hostHeader())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    if (apiKey != null) {
      req.headers().set("X-API-Key", apiKey);
    }
    unsent.get(next++ % unsent.size()).add(req);
    sent++;
  }

  @Override
  public void flush() {
    for (int i = 0; i < unsent.size(); i++) {
      List<FullHttpRequest> batch = unsent.get(i);
      if (!batch.isEmpty()) {
        Lane lane;
        synchronized (lanes) {
          lane = lanes.get(i);
        }
        lane.submit(new ArrayList<>(batch));
        batch.clear();
      }
    }
  }

  @Override
  public void awaitAnswers(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (answered.get() < sent && System.nanoTime() < deadline) {
      Progress.sleepUntil(System.nanoTime() + 5_000_000L);
    }
    long missing = sent - answered.get();
    for (long i = 0; i < missing; i++) {
      errors.add("no HTTP answer within " + timeout.toSeconds() + " s");
    }
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
    return "http POST "
        + target.uri().resolve(path)
        + " x"
        + connectionCount
        + (pipeline > 1 ? " (pipeline " + pipeline + ")" : "");
  }

  @Override
  public void close() {
    synchronized (lanes) {
      for (Lane l : lanes) {
        l.channel.close().awaitUninterruptibly(2_000);
      }
    }
  }

  /** One keep-alive connection with its queue of requests; used on its event loop. */
  private final class Lane extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Channel channel;
    private final ArrayDeque<FullHttpRequest> queue = new ArrayDeque<>();
    private int inFlight;

    Lane(Channel channel) {
      this.channel = channel;
    }

    void submit(List<FullHttpRequest> batch) {
      channel
          .eventLoop()
          .execute(
              () -> {
                queue.addAll(batch);
                sendMore();
              });
    }

    /** Writes queued requests while fewer than {@code pipeline} are unanswered, with one flush. */
    private void sendMore() {
      boolean wrote = false;
      while (inFlight < pipeline) {
        FullHttpRequest req = queue.poll();
        if (req == null) {
          break;
        }
        if (!channel.isActive()) {
          req.release();
          errors.add("HTTP connection closed");
          answered.incrementAndGet();
          continue;
        }
        inFlight++;
        channel.write(req, channel.voidPromise());
        wrote = true;
      }
      if (wrote) {
        channel.flush();
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
      int code = res.status().code();
      if (code < 200 || code > 299) {
        String text = res.content().toString(StandardCharsets.UTF_8);
        errors.add("HTTP " + code + (text.isEmpty() ? "" : " " + trim(text)));
      }
      answered.incrementAndGet();
      if (inFlight > 0) {
        inFlight--;
      }
      sendMore();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      for (; inFlight > 0; inFlight--) {
        errors.add("HTTP connection closed");
        answered.incrementAndGet();
      }
      sendMore();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private String trim(String s) {
      return s.length() > 100 ? s.substring(0, 100) : s;
    }
  }
}

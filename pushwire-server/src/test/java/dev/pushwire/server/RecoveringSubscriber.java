package dev.pushwire.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@code pushwire.v1} client as docs/PROTOCOL.md tells one to behave, on the JDK's WebSocket:
 * subscribes to one channel, keeps the offset and epoch of the last push, and when its connection
 * drops, reconnects to the next node in its list and subscribes again with {@code since} = that
 * position. Records every push, every subscribe reply, and how many pushes came from recovery.
 */
final class RecoveringSubscriber implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "recovering-subscriber");
            t.setDaemon(true);
            return t;
          });
  private static final long RETRY_MILLIS = 100;

  /** One push: its position, its data (a JSON string's text), and on which connection it came. */
  record Push(long offset, String epoch, String data, int connection) {}

  /**
   * One subscribe reply.
   *
   * @param since the position sent, or {@code null}
   * @param recovered the reply's {@code recovered}
   * @param offset the channel's offset when the subscription went live
   */
  record Reply(String node, Push since, boolean recovered, long offset, String epoch) {}

  private final String name;
  private final String channel;
  private final List<String> urls;
  private final AtomicInteger ids = new AtomicInteger();
  private final List<Push> pushes = new ArrayList<>();
  private final List<Reply> replies = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> notices = new ArrayList<>();
  private final CompletableFuture<Void> firstReply = new CompletableFuture<>();
  private int urlIndex;
  private int connections;
  private WebSocket socket;
  private Push last;
  private Push sentSince;
  private long recoverUpTo = -1;
  private String recoverEpoch;
  private long recovered;
  private int reconnects;
  private boolean paused;
  private boolean closed;

  private RecoveringSubscriber(String name, String channel, List<String> urls) {
    this.name = name;
    this.channel = channel;
    this.urls = List.copyOf(urls);
  }

  /**
   * A client that connects to {@code urls.get(0)} and subscribes to {@code channel}; waits for the
   * first reply. Other URLs are where it goes, in turn, when its node is gone.
   */
  static RecoveringSubscriber connect(String name, String channel, List<String> urls)
      throws Exception {
    RecoveringSubscriber s = new RecoveringSubscriber(name, channel, urls);
    s.open();
    s.firstReply.get(15, TimeUnit.SECONDS);
    return s;
  }

  String name() {
    return name;
  }

  /** The pushes received, in order. */
  synchronized List<Push> pushes() {
    return List.copyOf(pushes);
  }

  /** The subscribe replies, in order. */
  synchronized List<Reply> replies() {
    return List.copyOf(replies);
  }

  /** Error replies and connection failures, for messages. */
  /** The codes of the {@code unsubscribed} notices it got (and acted on by subscribing again). */
  synchronized List<String> notices() {
    return List.copyOf(notices);
  }

  synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  /** How many pushes came from history after a subscribe with {@code since}. */
  synchronized long recovered() {
    return recovered;
  }

  /** How many times it connected again after a lost connection. */
  synchronized int reconnects() {
    return reconnects;
  }

  /** The node URL it is connected to (or trying). */
  synchronized String url() {
    return urls.get(urlIndex);
  }

  /** Waits until {@code n} pushes arrived. */
  boolean awaitPushes(int n, Duration timeout) {
    try {
      await().atMost(timeout).until(() -> pushes().size() >= n);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** Closes its connection and stays away until {@link #resume}. */
  void pause() {
    WebSocket ws;
    synchronized (this) {
      paused = true;
      ws = socket;
      socket = null;
    }
    if (ws != null) {
      ws.abort();
    }
  }

  /** Connects again (to the same node) and subscribes with {@code since}. */
  void resume() {
    synchronized (this) {
      paused = false;
      reconnects++;
    }
    open();
  }

  @Override
  public void close() {
    WebSocket ws;
    synchronized (this) {
      closed = true;
      ws = socket;
    }
    if (ws != null) {
      ws.abort();
    }
  }

  @Override
  public synchronized String toString() {
    return name
        + "{"
        + url()
        + ", pushes="
        + pushes.size()
        + ", last="
        + last
        + ", reconnects="
        + reconnects
        + ", replies="
        + replies
        + ", errors="
        + errors
        + "}";
  }

  // ---- connection ---------------------------------------------------------------------------

  private void open() {
    String url;
    synchronized (this) {
      if (closed || paused) {
        return;
      }
      url = urls.get(urlIndex);
    }
    JdkWebSocketClient.to(url)
        .connectTimeout(Duration.ofSeconds(2))
        .subprotocols("pushwire.v1")
        .onOpen(this::opened)
        .onText((c, text) -> onMessage(c.socket(), text))
        .onEnd((c, close) -> lost(c.socket(), "closed " + close.code() + " " + close.reason()))
        .connectAsync()
        .whenComplete(
            (client, e) -> {
              if (e != null) {
                synchronized (this) {
                  errors.add("connect to " + url + ": " + e);
                  urlIndex = (urlIndex + 1) % urls.size();
                }
                TIMER.schedule(this::open, RETRY_MILLIS, TimeUnit.MILLISECONDS);
              }
            });
  }

  private void lost(WebSocket ws, String why) {
    synchronized (this) {
      if (ws != socket || closed || paused) {
        return;
      }
      socket = null;
      errors.add("lost " + urls.get(urlIndex) + ": " + why);
      urlIndex = (urlIndex + 1) % urls.size();
      reconnects++;
    }
    TIMER.schedule(this::open, RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void subscribe(WebSocket ws) {
    String command;
    synchronized (this) {
      if (ws != socket) {
        return;
      }
      sentSince = last;
      command =
          "{\"id\":"
              + ids.incrementAndGet()
              + ",\"op\":\"subscribe\",\"channel\":\""
              + channel
              + "\""
              + (last == null
                  ? ""
                  : ",\"since\":{\"offset\":"
                      + last.offset()
                      + ",\"epoch\":\""
                      + last.epoch()
                      + "\"}")
              + "}";
    }
    ws.sendText(command, true);
  }

  private void onMessage(WebSocket ws, String text) {
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (Exception e) {
      synchronized (this) {
        errors.add("not JSON: " + text);
      }
      return;
    }
    if (m.has("id")) {
      onReply(ws, m);
      return;
    }
    if (!m.has("channel")) {
      return; // a direct push ({"data":...}): not part of the channel's stream
    }
    if (m.has("unsubscribed")) {
      // The node lost track of the stream (Redis lost its data): subscribe again from the last
      // push.
      synchronized (this) {
        notices.add(m.get("unsubscribed").get("code").asText());
      }
      subscribe(ws);
      return;
    }
    synchronized (this) {
      Push p =
          new Push(
              m.get("offset").asLong(),
              m.get("epoch").asText(),
              m.get("data").asText(),
              ws == socket ? connections : -connections);
      pushes.add(p);
      last = p;
      if (p.epoch().equals(recoverEpoch) && p.offset() <= recoverUpTo) {
        recovered++;
      }
    }
  }

  private void onReply(WebSocket ws, JsonNode m) {
    if (m.has("error")) {
      synchronized (this) {
        errors.add("subscribe: " + m.get("error"));
      }
      // The node could not subscribe (its broker is unreachable): try again soon, same node.
      TIMER.schedule(() -> subscribe(ws), 300, TimeUnit.MILLISECONDS);
      return;
    }
    JsonNode r = m.get("result");
    synchronized (this) {
      Reply reply =
          new Reply(
              urls.get(urlIndex),
              sentSince,
              r.get("recovered").asBoolean(),
              r.get("offset").asLong(),
              r.get("epoch").asText());
      replies.add(reply);
      if (reply.recovered()) {
        recoverUpTo = reply.offset();
        recoverEpoch = reply.epoch();
      }
    }
    firstReply.complete(null);
  }

  private void opened(JdkWebSocketClient client) {
    WebSocket ws = client.socket();
    boolean keep;
    synchronized (this) {
      keep = !closed && !paused;
      if (keep) {
        socket = ws;
        connections++;
      }
    }
    if (!keep) {
      ws.abort();
      return;
    }
    subscribe(ws);
  }
}

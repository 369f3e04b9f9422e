package dev.pushwire.hub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@code pushwire.v1} subscriber of one channel on the JDK's WebSocket client, that follows the
 * client rules of docs/PROTOCOL.md ("Guarantees", "Recovery") and counts exactly what it gets: it
 * reconnects after any close and resubscribes with {@code since} = the last offset it handled,
 * resubscribes likewise on an {@code unsubscribed} notice, and keeps the signals it was given.
 *
 * <p>It never fills a gap by itself: a push that skips offsets, or comes in another epoch, without
 * a signal first, is counted as a <em>silent gap</em>, the one thing a correct server never causes.
 * {@link #stall()} stops it reading (the JDK client then stops reading its socket), so that the
 * server sees a slow consumer.
 */
public final class V1TestClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A publication it handled. */
  public record Push(long offset, String epoch, String data) {}

  /**
   * Offsets {@code from} to {@code to} of {@code epoch} that it was told it will not get: before
   * its first subscription, a reported {@code lost} range, or the rest of an epoch that ended.
   */
  public record Coverage(String epoch, long from, long to, String why) {
    boolean covers(long offset, String e) {
      return epoch.equals(e) && offset >= from && offset <= to;
    }
  }

  private final Supplier<URI> uri;
  private final String channel;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Object lock = new Object();

  // Guarded by lock.
  private final List<Push> pushes = new ArrayList<>();
  private final List<String> signals = new ArrayList<>();
  private final List<long[]> lostRanges = new ArrayList<>();
  private final List<Coverage> coverage = new ArrayList<>();
  private final List<Integer> closeCodes = new ArrayList<>();
  private final List<Boolean> recoveredFlags = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private long lastOffset = -1;
  private String lastEpoch;
  private long duplicates;
  private long silentGaps;
  private long epochResets;
  private boolean subscribed;
  private boolean stalled;
  private boolean closing;
  private int nextId = 1;
  private WebSocket ws;
  private long lastHeardNanos;
  private boolean resumed; // since the last connection ended: only then is silence suspicious

  private final List<String> log = new CopyOnWriteArrayList<>();

  /**
   * Connects to {@code uri} (asked again before each reconnect) and subscribes to {@code channel}.
   */
  public V1TestClient(Supplier<URI> uri, String channel) {
    this.uri = uri;
    this.channel = channel;
    connect();
    timer.scheduleWithFixedDelay(this::abortIfSilent, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * What a real client's liveness timeout does: a connection that has been silent for {@link
   * #SILENCE_NANOS} after {@link #resume()} is taken as dead, and the client reconnects (recording
   * 1006). The JDK's client was seen, on a loaded machine, to report neither a close nor an error
   * after the server had closed the connection in the middle of the data queued for it.
   */
  private void abortIfSilent() {
    WebSocket w;
    synchronized (lock) {
      if (closing || !resumed || ws == null || System.nanoTime() - lastHeardNanos < SILENCE_NANOS) {
        return;
      }
      w = ws;
      ws = null;
      resumed = false;
      subscribed = false;
      closeCodes.add(1006);
    }
    note("silent for " + TimeUnit.NANOSECONDS.toSeconds(SILENCE_NANOS) + " s: reconnecting");
    w.abort();
    retry();
  }

  private static final long SILENCE_NANOS = TimeUnit.SECONDS.toNanos(20);

  /** Stops reading: nothing more is taken from the socket until {@link #resume()}. */
  public void stall() {
    synchronized (lock) {
      stalled = true;
    }
  }

  /** Reads again. */
  public void resume() {
    WebSocket w;
    synchronized (lock) {
      stalled = false;
      resumed = true;
      lastHeardNanos = System.nanoTime();
      w = ws;
    }
    if (w != null) {
      w.request(1);
    }
  }

  private void connect() {
    synchronized (lock) {
      if (closing) {
        return;
      }
      subscribed = false;
    }
    http.newWebSocketBuilder()
        .subprotocols("pushwire.v1")
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri.get(), new Listener())
        .whenComplete(
            (w, e) -> {
              if (e != null) {
                note("connect failed: " + e);
                retry();
              }
            });
  }

  private void retry() {
    synchronized (lock) {
      if (closing) {
        return;
      }
    }
    timer.schedule(this::connect, 100, TimeUnit.MILLISECONDS);
  }

  private void subscribe(WebSocket w) {
    String since;
    int id;
    synchronized (lock) {
      since =
          lastEpoch == null
              ? ""
              : ",\"since\":{\"offset\":" + lastOffset + ",\"epoch\":\"" + lastEpoch + "\"}";
      id = nextId++;
    }
    send(
        w, "{\"id\":" + id + ",\"op\":\"subscribe\",\"channel\":\"" + channel + "\"" + since + "}");
  }

  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

  /** The JDK client allows one outstanding send: chain them, never block a listener thread. */
  private void send(WebSocket w, String text) {
    synchronized (this) {
      sending =
          sending
              .handle((v, e) -> null)
              .thenCompose(v -> w.sendText(text, true))
              .whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      note("send failed: " + e);
                    }
                  });
    }
  }

  private void handle(WebSocket w, String text) {
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (Exception e) {
      note("not JSON: " + text);
      return;
    }
    boolean resubscribe = false;
    synchronized (lock) {
      if (m.has("id")) {
        if (m.has("error")) {
          errors.add(m.get("error").get("code").asText());
          // unavailable (the broker is down): ask again shortly
          resubscribe = true;
        } else {
          reply(m.get("result"));
        }
      } else if (m.has("unsubscribed")) {
        signals.add("unsubscribed:" + m.get("unsubscribed").get("code").asText());
        subscribed = false;
        resubscribe = true;
      } else if (m.has("offset")) {
        push(m.get("offset").asLong(), m.get("epoch").asText(), m.get("data").toString());
      }
    }
    if (resubscribe) {
      if (m.has("error")) {
        timer.schedule(() -> subscribe(w), 200, TimeUnit.MILLISECONDS);
      } else {
        subscribe(w);
      }
    }
  }

  /** Under lock: a subscribe reply. */
  private void reply(JsonNode r) {
    subscribed = true;
    boolean recovered = r.get("recovered").asBoolean();
    recoveredFlags.add(recovered);
    long offset = r.get("offset").asLong();
    String epoch = r.get("epoch").asText();
    if (recovered) {
      return; // the missed publications follow, from lastOffset + 1
    }
    boolean epochEnded = lastEpoch != null && !lastEpoch.equals(epoch);
    if (epochEnded) {
      epochResets++;
      signals.add("epoch:" + lastEpoch + "->" + epoch);
      coverage.add(new Coverage(lastEpoch, lastOffset + 1, Long.MAX_VALUE, "epoch ended"));
    }
    if (r.has("lost")) {
      long from = r.get("lost").get("from").asLong();
      long to = r.get("lost").get("to").asLong();
      lostRanges.add(new long[] {from, to});
      coverage.add(new Coverage(epoch, from, to, "lost"));
      signals.add("lost:" + from + "-" + to);
      lastOffset = to; // what history still holds follows
      lastEpoch = epoch;
      return;
    }
    if (epochEnded) {
      lastOffset = 0; // the new epoch follows from its start
      lastEpoch = epoch;
      return;
    }
    if (lastEpoch == null) {
      coverage.add(new Coverage(epoch, 1, offset, "before the first subscription"));
    } else if (offset > lastOffset) {
      coverage.add(new Coverage(epoch, lastOffset + 1, offset, "not recovered"));
    }
    lastOffset = offset;
    lastEpoch = epoch;
  }

  /**
   * Whether it either handled the publication at {@code offset} of {@code epoch} or was told it
   * would not (see {@link Coverage}).
   */
  public boolean accountsFor(long offset, String epoch) {
    synchronized (lock) {
      for (Push p : pushes) {
        if (p.offset() == offset && p.epoch().equals(epoch)) {
          return true;
        }
      }
      return coverage.stream().anyMatch(c -> c.covers(offset, epoch));
    }
  }

  /** What it was told it would not get. */
  public List<Coverage> coverage() {
    synchronized (lock) {
      return List.copyOf(coverage);
    }
  }

  /** Under lock: a push, checked against the last one. */
  private void push(long offset, String epoch, String data) {
    if (lastEpoch != null && epoch.equals(lastEpoch)) {
      if (offset <= lastOffset) {
        duplicates++;
        return;
      }
      if (offset > lastOffset + 1) {
        silentGaps += offset - lastOffset - 1;
        note("silent gap " + lastOffset + " -> " + offset + " in " + epoch);
      }
    } else if (lastEpoch != null) {
      silentGaps++;
      note("silent epoch change " + lastEpoch + " -> " + epoch);
    }
    lastOffset = offset;
    lastEpoch = epoch;
    pushes.add(new Push(offset, epoch, data));
  }

  private void note(String line) {
    log.add(line);
  }

  /** The publications handled, in order. */
  public List<Push> pushes() {
    synchronized (lock) {
      return List.copyOf(pushes);
    }
  }

  /** How many publications it handled. */
  public int received() {
    synchronized (lock) {
      return pushes.size();
    }
  }

  /** The last position handled: offset, or -1. */
  public long lastOffset() {
    synchronized (lock) {
      return lastOffset;
    }
  }

  /** The epoch of the last position handled, or null. */
  public String lastEpoch() {
    synchronized (lock) {
      return lastEpoch;
    }
  }

  /** Whether its subscription is live now. */
  public boolean subscribed() {
    synchronized (lock) {
      return subscribed;
    }
  }

  /** Offsets the server reported as lost (from {@code lost} ranges). */
  public long lostReported() {
    synchronized (lock) {
      return lostRanges.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
    }
  }

  /** Every signal, in order: unsubscribed notices, lost ranges, epoch resets. */
  public List<String> signals() {
    synchronized (lock) {
      return List.copyOf(signals);
    }
  }

  /** The close codes of the connections it had, in order. */
  public List<Integer> closeCodes() {
    synchronized (lock) {
      return List.copyOf(closeCodes);
    }
  }

  /** The {@code recovered} flag of each subscribe reply. */
  public List<Boolean> recoveredFlags() {
    synchronized (lock) {
      return List.copyOf(recoveredFlags);
    }
  }

  public long duplicates() {
    synchronized (lock) {
      return duplicates;
    }
  }

  /** Offsets skipped (and epoch changes) with no signal before them: must stay 0. */
  public long silentGaps() {
    synchronized (lock) {
      return silentGaps;
    }
  }

  public long epochResets() {
    synchronized (lock) {
      return epochResets;
    }
  }

  /** Error codes of refused subscribes. */
  public List<String> errors() {
    synchronized (lock) {
      return List.copyOf(errors);
    }
  }

  /** What went wrong on the way, for assertion messages. */
  public List<String> log() {
    return List.copyOf(log);
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "V1TestClient{received="
          + pushes.size()
          + ", last="
          + lastOffset
          + "@"
          + lastEpoch
          + ", duplicates="
          + duplicates
          + ", silentGaps="
          + silentGaps
          + ", signals="
          + signals
          + ", closes="
          + closeCodes
          + ", recovered="
          + recoveredFlags
          + ", errors="
          + errors
          + ", log="
          + log
          + '}';
    }
  }

  @Override
  public void close() {
    WebSocket w;
    synchronized (lock) {
      closing = true;
      w = ws;
    }
    if (w != null) {
      w.abort();
    }
    timer.shutdownNow();
  }

  private final class Listener implements WebSocket.Listener {
    // One per connection: a connection dropped in the middle of a message must not leave its first
    // part in front of the next connection's first message.
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket w) {
      synchronized (lock) {
        ws = w;
        lastHeardNanos = System.nanoTime();
      }
      w.request(1);
      subscribe(w);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        handle(w, text);
      }
      boolean more;
      synchronized (lock) {
        more = !stalled;
        lastHeardNanos = System.nanoTime();
      }
      if (more) {
        w.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
      synchronized (lock) {
        if (ws != w) {
          return null; // given up on already (abortIfSilent)
        }
        resumed = false;
        closeCodes.add(statusCode);
        subscribed = false;
        ws = null;
      }
      note("closed " + statusCode + " " + reason);
      retry();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      synchronized (lock) {
        if (ws != w) {
          return; // given up on already (abortIfSilent)
        }
        resumed = false;
        closeCodes.add(1006);
        subscribed = false;
        ws = null;
      }
      note("error " + error);
      retry();
    }
  }
}

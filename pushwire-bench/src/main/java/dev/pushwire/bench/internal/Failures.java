package dev.pushwire.bench.internal;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of failures by a short, human reason: {@code Connection refused}, {@code HTTP 503}. */
public final class Failures {
  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** Counts one failure with {@code reason}. */
  public void add(String reason) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Counts one failure caused by {@code cause}. */
  public void add(Throwable cause) {
    add(reason(cause));
  }

  /** All failures. */
  public long total() {
    long t = 0;
    for (LongAdder a : counts.values()) {
      t += a.sum();
    }
    return t;
  }

  /** Reason to count, sorted by reason. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The short reason for {@code e}: the message without Netty's native call prefix. */
  public static String reason(Throwable e) {
    if (e instanceof WebSocketClientHandshakeException h && h.response() != null) {
      return "HTTP " + h.response().status().code();
    }
    if (e instanceof ConnectTimeoutException) {
      return "connect timeout";
    }
    if (e instanceof HandshakeTimeoutException) {
      return "handshake timeout";
    }
    if (e instanceof ClosedChannelException) {
      return "closed during handshake";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    if (m == null || m.isBlank()) {
      return root.getClass().getSimpleName();
    }
    int cut = m.indexOf(" failed: "); // "connect(..) failed: Connection refused"
    if (cut >= 0) {
      m = m.substring(cut + " failed: ".length());
    }
    int colon = m.indexOf(": /"); // "Connection refused: /127.0.0.1:9"
    if (colon >= 0) {
      m = m.substring(0, colon);
    }
    return m.length() > 80 ? m.substring(0, 80) : m;
  }
}

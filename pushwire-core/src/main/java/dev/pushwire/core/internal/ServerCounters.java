package dev.pushwire.core.internal;

import dev.pushwire.core.ServerStats;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters; LongAdders so that event loops never contend on one cache line. */
final class ServerCounters {
  final LongAdder connectionsOpened = new LongAdder();
  final LongAdder messagesIn = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder messagesOut = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder slowConsumerDrops = new LongAdder();
  final LongAdder slowConsumerCloses = new LongAdder();
  private final Map<String, LongAdder> handshakesRefused = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> protocolCloses = new ConcurrentHashMap<>();

  void handshakeRefused(String reason) {
    handshakesRefused.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  void protocolClose(int code) {
    protocolCloses.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  ServerStats snapshot(long connections) {
    Map<String, Long> refused = new TreeMap<>();
    handshakesRefused.forEach((k, v) -> refused.put(k, v.sum()));
    Map<Integer, Long> closes = new TreeMap<>();
    protocolCloses.forEach((k, v) -> closes.put(k, v.sum()));
    return new ServerStats(
        connections,
        connectionsOpened.sum(),
        messagesIn.sum(),
        bytesIn.sum(),
        messagesOut.sum(),
        bytesOut.sum(),
        slowConsumerDrops.sum(),
        slowConsumerCloses.sum(),
        Map.copyOf(refused),
        Map.copyOf(closes));
  }
}

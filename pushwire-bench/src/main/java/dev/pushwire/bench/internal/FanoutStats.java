package dev.pushwire.bench.internal;

import java.util.concurrent.atomic.LongAdder;

/** What all subscribers of a fan-out run received, updated from every event loop. */
final class FanoutStats {
  final LongAdder deliveries = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder other = new LongAdder();
  final LatencyRecorder latency = new LatencyRecorder();
  volatile DeliveryWindow window;

  void delivered(long seq, long latencyNanos) {
    deliveries.increment();
    latency.record(latencyNanos);
    DeliveryWindow w = window;
    if (w != null) {
      w.delivered(seq);
    }
  }
}

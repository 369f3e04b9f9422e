package dev.pushwire.bench.internal;

import java.util.concurrent.atomic.LongAdder;

/** What all subscribers of a fan-out run received, updated from every event loop. */
final class FanoutStats {
  final LongAdder deliveries = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder other = new LongAdder();
  final LatencyRecorder latency = new LatencyRecorder();
  // pushwire.v1 subscribers only (V1Reader).
  final LongAdder subscribed = new LongAdder();
  final Failures subscribeFailures = new Failures();
  final LongAdder offsetsSkipped = new LongAdder();
  final Failures offsetErrors = new Failures();
  final Failures told = new Failures();
  final LongAdder toldOffsets = new LongAdder();
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

package dev.pushwire.server.internal.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

/**
 * The process's meters: the JVM's memory, GC, threads, classes, processors, uptime and file
 * descriptors, and Netty's buffer memory.
 */
final class RuntimeMeters implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** Registers the process's meters in {@code registry}. */
  RuntimeMeters(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    bindNettyMemory(registry);
  }

  @Override
  public void close() {
    gc.close();
  }

  private static void bindNettyMemory(MeterRegistry registry) {
    ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
      ByteBufAllocatorMetric metric = provider.metric();
      String name = allocator.getClass().getSimpleName();
      Gauge.builder(
              "pushwire.netty.allocator.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
          .description("Memory held by Netty's buffer allocator")
          .tags(Tags.of("allocator", name, "area", "direct"))
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("pushwire.netty.allocator.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
          .description("Memory held by Netty's buffer allocator")
          .tags(Tags.of("allocator", name, "area", "heap"))
          .baseUnit("bytes")
          .register(registry);
    }
    if (PlatformDependent.usedDirectMemory() >= 0) {
      Gauge.builder("pushwire.netty.direct.used", PlatformDependent::usedDirectMemory)
          .description(
              "Direct memory Netty has reserved, of at most pushwire_netty_direct_max_bytes")
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("pushwire.netty.direct.max", PlatformDependent::maxDirectMemory)
          .description("Direct memory Netty may reserve")
          .baseUnit("bytes")
          .register(registry);
    }
  }
}

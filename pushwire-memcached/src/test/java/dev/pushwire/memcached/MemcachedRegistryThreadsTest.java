package dev.pushwire.memcached;

import static dev.pushwire.hub.testing.Stages.join;
import static dev.pushwire.memcached.MemcachedRegistryAcrossNodesTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.HubException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who shuts down the threads a {@link MemcachedRegistry} runs on: whoever made them. A pool passed
 * in is the caller's and outlives the registry; the registry's own pool ends with {@link
 * MemcachedRegistry#close()}.
 */
class MemcachedRegistryThreadsTest {
  @RegisterExtension static final MemcachedProcess memcached = new MemcachedProcess();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @BeforeEach
  void flush() {
    memcached.flushAll();
  }

  @Test
  void aPoolPassedInCarriesTheRegistriesAndOutlivesTheirClose() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              made.incrementAndGet();
              Thread t = new Thread(r, "test-shared-pool");
              t.setDaemon(true);
              return t;
            });
    Set<Thread> before = registryThreads();
    try {
      MemcachedRegistry a = MemcachedRegistry.connect(config("a"), Clock.systemUTC(), pool);
      MemcachedRegistry b = MemcachedRegistry.connect(config("b"), Clock.systemUTC(), pool);
      join(a.register(record("a", 1, 1)));
      join(b.register(record("b", 1, 2)));
      assertThat(join(a.connections()))
          .extracting(ConnectionRecord::id)
          .containsExactly("a:1", "b:1");
      assertThat(made).as("threads of the pool passed in").hasPositiveValue();
      assertThat(registryThreads()).as("no threads of the registries' own").isSubsetOf(before);

      a.close();

      assertThat(pool.isShutdown()).isFalse();
      assertThat(pool.submit(() -> "still running").get(30, TimeUnit.SECONDS))
          .isEqualTo("still running");
      join(b.register(record("b", 2, 3)));
      assertThat(join(b.connections()))
          .extracting(ConnectionRecord::id)
          .containsExactly("a:1", "b:1", "b:2");
      var closed = a.connections().toCompletableFuture();
      assertThatThrownBy(closed::join)
          .hasCauseInstanceOf(HubException.class)
          .hasMessageContaining("closed");
      b.close();
      assertThat(pool.isShutdown()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theRegistrysOwnThreadsEndWithClose() {
    Set<Thread> before = registryThreads();
    MemcachedRegistry a = MemcachedRegistry.connect(config("a"));
    Set<Thread> own;
    try {
      join(a.register(record("a", 1, 1)));
      assertThat(join(a.connections())).extracting(ConnectionRecord::id).containsExactly("a:1");
      own = registryThreads();
      own.removeAll(before);
      assertThat(own).as("threads the registry made").isNotEmpty();
    } finally {
      a.close();
    }
    await("the registry's threads ended")
        .atMost(WAIT)
        .until(() -> own.stream().noneMatch(Thread::isAlive));
  }

  private static MemcachedConfig config(String node) {
    return MemcachedConfig.newBuilder(memcached.uri()).nodeId(node).build();
  }

  private static Set<Thread> registryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("pushwire-memcached-"))
        .collect(Collectors.toSet());
  }
}

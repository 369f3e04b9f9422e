package dev.pushwire.memcached;

import static dev.pushwire.hub.testing.Stages.join;
import static dev.pushwire.memcached.MemcachedRegistryAcrossNodesTest.entry;
import static dev.pushwire.memcached.MemcachedRegistryAcrossNodesTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.testing.Stages;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What {@link MemcachedRegistry} does when Memcached goes away: fail fast, log once, and write its
 * records again when Memcached is back (empty, as Memcached always restarts).
 */
class MemcachedRegistryRestartTest {
  @RegisterExtension static final MemcachedProcess memcached = new MemcachedProcess();

  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Far longer than a call that fails fast takes on a busy machine: a call that waited for the
   * timeout instead (the default is 2 s) is told apart by a wide margin.
   */
  private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(10);

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger registryLog = (Logger) LoggerFactory.getLogger(MemcachedRegistry.class);
  private MemcachedRegistry a;

  @BeforeEach
  void start() throws Exception {
    memcached.start();
    memcached.flushAll();
    logged.start();
    registryLog.addAppender(logged);
    a =
        MemcachedRegistry.connect(
            MemcachedConfig.newBuilder(memcached.uri())
                .nodeId("a")
                .reconnectInterval(Duration.ofMillis(200))
                .operationTimeout(OPERATION_TIMEOUT)
                .build());
  }

  @AfterEach
  void stop() {
    registryLog.detachAppender(logged);
    a.close();
  }

  @Test
  void whileMemcachedIsDownCallsFailFastTheOutageIsLoggedOnceAndRecordsComeBackAfter()
      throws Exception {
    join(a.register(record("a", 1, 1)));
    join(a.addPresence("news", entry("a", 1)));
    memcached.stop();
    await("a noticed").atMost(WAIT).until(() -> !a.isAvailable());

    for (int i = 2; i <= 51; i++) {
      long start = System.nanoTime();
      var registering = a.register(record("a", i, i)).toCompletableFuture();
      assertThatThrownBy(() -> registering.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(HubException.class)
          .hasMessageContaining("Memcached at 127.0.0.1:" + memcached.port())
          .satisfies(e -> assertThat(((HubException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(OPERATION_TIMEOUT.dividedBy(2));
    }
    assertThat(a.lastError()).isNotNull();
    long warnings =
        logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count();
    assertThat(warnings).as("50 failures, logged once or twice, not 50 times").isBetween(1L, 3L);

    memcached.start(); // empty
    await("the records are back without a refresh call")
        .atMost(WAIT)
        .until(() -> Stages.succeeds(a.connectionCount()) && join(a.connectionCount()) == 51);
    assertThat(join(a.connections())).hasSize(51);
    assertThat(join(a.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:1");
    await("a available").atMost(WAIT).until(a::isAvailable);
  }

  @Test
  void refreshWritesBackWhatMemcachedLost() {
    for (int i = 1; i <= 3; i++) {
      join(a.register(record("a", i, i)));
    }
    join(a.addPresence("chat", entry("a", 2)));
    memcached.flushAll();
    assertThat(join(a.connections())).isEmpty();

    join(a.refresh());

    assertThat(join(a.connections()))
        .extracting(ConnectionRecord::id)
        .containsExactly("a:1", "a:2", "a:3");
    assertThat(join(a.presence("chat")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:2");
    assertThat(join(a.connectionCount())).isEqualTo(3);
  }
}

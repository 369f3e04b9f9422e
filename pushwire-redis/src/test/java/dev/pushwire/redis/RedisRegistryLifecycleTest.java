package dev.pushwire.redis;

import static dev.pushwire.hub.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.PresenceEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisRegistry} records over time: TTL expiry of a dead node, and restoring lost ones. */
class RedisRegistryLifecycleTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<RedisRegistry> registries = new ArrayList<>();

  @BeforeEach
  void cleanRedis() throws Exception {
    redis.start();
    redis.flushAll();
  }

  @AfterEach
  void closeRegistries() {
    registries.forEach(RedisRegistry::close);
  }

  @Test
  void aDeadNodesRecordsVanishAfterTheTtlWhileALiveNodesStay() throws Exception {
    RedisRegistry a = registry("a");
    RedisRegistry b = registry("b");
    join(a.register(record("a", 1)));
    join(a.addPresence("news", entry("a", 1)));
    join(b.register(record("b", 1)));
    join(b.addPresence("news", entry("b", 1)));
    assertThat(join(b.connectionCount())).isEqualTo(2);

    a.close(); // dies: no refresh, no removeNode
    // The live node keeps refreshing its records while the dead node's expire. The dead node
    // leaves the index at the first refresh after its keys' ttl, which may come a moment after
    // Redis expired the keys themselves.
    await("a's records expired and a left the index")
        .atMost(TTL.plus(WAIT))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              join(b.refresh());
              return join(b.connections()).size() == 1
                  && redis.command("ZRANGE", "pushwire:reg:nodes", "0", "-1").equals(List.of("b"));
            });

    assertThat(join(b.connections())).extracting(ConnectionRecord::id).containsExactly("b:1");
    assertThat(join(b.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("b:1");
    assertThat(redis.command("ZRANGE", "pushwire:reg:nodes", "0", "-1"))
        .as("the dead node left the index")
        .isEqualTo(List.of("b"));
  }

  @Test
  void refreshWritesBackWhatRedisLost() {
    RedisRegistry a = registry("a");
    for (int i = 1; i <= 3; i++) {
      join(a.register(record("a", i)));
    }
    join(a.addPresence("news", entry("a", 1)));
    join(a.addPresence("chat", entry("a", 2)));
    redis.flushAll();
    assertThat(join(a.connectionCount())).isZero();

    join(a.refresh());

    assertThat(join(a.connections()))
        .extracting(ConnectionRecord::id)
        .containsExactly("a:1", "a:2", "a:3");
    assertThat(join(a.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:1");
    assertThat(join(a.presence("chat")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:2");
  }

  @Test
  void whileRedisIsDownCallsFailFastAndRefreshRestoresTheRecordsAfterwards() throws Exception {
    // Far longer than a call that fails fast takes on a busy machine: a call that waited for the
    // timeout instead (the default is 2 s) is told apart by a wide margin.
    Duration commandTimeout = Duration.ofSeconds(10);
    RedisRegistry a = registry("a", commandTimeout);
    join(a.register(record("a", 1)));
    redis.stop();
    await("a noticed").atMost(WAIT).until(() -> !a.isAvailable());

    long start = System.nanoTime();
    var registering = a.register(record("a", 2)).toCompletableFuture();
    assertThatThrownBy(() -> registering.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HubException.class)
        .satisfies(e -> assertThat(((HubException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(commandTimeout.dividedBy(2));

    redis.start(); // empty: the records are gone
    await("the refresh succeeded")
        .atMost(WAIT)
        .until(
            () -> {
              try {
                a.refresh().toCompletableFuture().get(5, TimeUnit.SECONDS);
                return true;
              } catch (Exception e) {
                return false;
              }
            });
    assertThat(join(a.connections()))
        .as("both, the one registered while Redis was down too")
        .extracting(ConnectionRecord::id)
        .containsExactly("a:1", "a:2");
    assertThat(a.isAvailable()).isTrue();
  }

  @Test
  void afterARestartThatLostEverythingTheRecordsAreBackWithoutWaitingForARefresh()
      throws Exception {
    RedisRegistry a = registry("a");
    for (int i = 1; i <= 30; i++) {
      join(a.register(record("a", i)));
    }
    join(a.addPresence("news", entry("a", 1)));

    redis.restart(); // no persistence: every record is gone

    // Nothing calls refresh() here: the registry rewrites its records when its connection is back.
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                return a.connectionCount().toCompletableFuture().get(2, TimeUnit.SECONDS) == 30;
              } catch (Exception e) {
                return false;
              }
            });
    assertThat(join(a.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:1");
  }

  private RedisRegistry registry(String node) {
    return registry(node, RedisConfig.DEFAULT_COMMAND_TIMEOUT);
  }

  private RedisRegistry registry(String node, Duration commandTimeout) {
    RedisRegistry r =
        RedisRegistry.connect(
            RedisConfig.newBuilder(redis.uri())
                .nodeId(node)
                .registryTtl(TTL)
                .maxReconnectDelay(Duration.ofMillis(200))
                .commandTimeout(commandTimeout)
                .build());
    registries.add(r);
    return r;
  }

  private static ConnectionRecord record(String node, long id) {
    return new ConnectionRecord(
        ConnectionRecord.globalId(node, id),
        node,
        id,
        "127.0.0.1:" + (40000 + id),
        "/",
        null,
        List.of(),
        Instant.parse("2025-01-01T00:00:00Z").plusSeconds(id));
  }

  private static PresenceEntry entry(String node, long id) {
    return new PresenceEntry(
        ConnectionRecord.globalId(node, id), null, node, Instant.parse("2025-01-01T00:01:00Z"));
  }
}

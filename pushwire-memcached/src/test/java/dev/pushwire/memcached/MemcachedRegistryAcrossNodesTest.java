package dev.pushwire.memcached;

import static dev.pushwire.hub.testing.Stages.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.PresenceEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several {@link MemcachedRegistry}s as nodes sharing one Memcached, and their node index. */
class MemcachedRegistryAcrossNodesTest {
  @RegisterExtension static final MemcachedProcess memcached = new MemcachedProcess();

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<MemcachedRegistry> registries = new ArrayList<>();

  @BeforeEach
  void flush() {
    memcached.flushAll();
  }

  @AfterEach
  void closeAll() {
    registries.forEach(MemcachedRegistry::close);
  }

  @Test
  void eachNodeListsAndCountsTheConnectionsOfBoth() {
    MemcachedRegistry a = registry("a", Duration.ofSeconds(30));
    MemcachedRegistry b = registry("b", Duration.ofSeconds(30));
    for (int i = 1; i <= 3; i++) {
      join(a.register(record("a", i, 10 + i)));
    }
    for (int i = 1; i <= 2; i++) {
      join(b.register(record("b", i, 20 + i)));
    }
    join(b.addPresence("news", entry("b", 1)));
    join(a.addPresence("news", entry("a", 2)));

    for (MemcachedRegistry r : List.of(a, b)) {
      assertThat(join(r.connections()))
          .extracting(ConnectionRecord::id)
          .containsExactly("a:1", "a:2", "a:3", "b:1", "b:2");
      assertThat(join(r.connectionCount())).isEqualTo(5);
      assertThat(join(r.presence("news")))
          .extracting(PresenceEntry::connectionId)
          .containsExactlyInAnyOrder("a:2", "b:1");
    }
  }

  @Test
  void removeNodeRemovesOnlyThatNodesRecordsAndIndexEntry() throws Exception {
    MemcachedRegistry a = registry("a", Duration.ofSeconds(30));
    MemcachedRegistry b = registry("b", Duration.ofSeconds(30));
    join(a.register(record("a", 1, 1)));
    join(a.addPresence("news", entry("a", 1)));
    join(b.register(record("b", 1, 2)));
    join(b.addPresence("news", entry("b", 1)));

    join(a.removeNode("a"));

    assertThat(join(b.connections())).extracting(ConnectionRecord::id).containsExactly("b:1");
    assertThat(join(b.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("b:1");
    assertThat(join(b.connectionCount())).isEqualTo(1);
    assertThat(memcached.get("pushwire:nodes")).contains("\"b\"").doesNotContain("\"a\"");
    assertThat(memcached.get("pushwire:node:a:meta")).isNull();
  }

  @Test
  void nodesJoiningAtOnceAreAllInTheIndex() throws Exception {
    int nodes = 8;
    int each = 25;
    List<MemcachedRegistry> all = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      all.add(registry("n" + n, Duration.ofSeconds(30)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int n = 0; n < nodes; n++) {
        MemcachedRegistry r = all.get(n);
        String node = "n" + n;
        done.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 1; i <= each; i++) {
                    join(r.register(record(node, i, i)));
                  }
                  join(r.refresh());
                },
                pool));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(join(all.get(0).connectionCount())).isEqualTo(nodes * each);
    assertThat(join(all.get(3).connections())).hasSize(nodes * each);
    String index = memcached.get("pushwire:nodes");
    for (int n = 0; n < nodes; n++) {
      assertThat(index).contains("\"n" + n + "\"");
    }
  }

  @Test
  void aBurstOfRegistrationsIsWrittenInFewerSetsThanRegistrations() throws Exception {
    MemcachedRegistry a = registry("a", Duration.ofSeconds(30));
    join(a.register(record("a", 0, 0)));
    long setsBefore = memcached.stat("cmd_set");
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      all.add(a.register(record("a", i, i)).toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    long sets = memcached.stat("cmd_set") - setsBefore;
    assertThat(join(a.connectionCount())).isEqualTo(501);
    assertThat(sets).as("bucket and meta writes for 500 registrations").isLessThan(500);
  }

  @Test
  void aDeadNodesRecordsVanishAfterTheTtlAndItLeavesTheIndex() throws Exception {
    Duration ttl = Duration.ofSeconds(2);
    MemcachedRegistry a = registry("a", ttl);
    MemcachedRegistry b = registry("b", ttl);
    join(a.register(record("a", 1, 1)));
    join(a.addPresence("news", entry("a", 1)));
    join(b.register(record("b", 1, 2)));
    join(b.addPresence("news", entry("b", 1)));

    a.close(); // dies: no refresh, no removeNode
    await("a's records expired")
        .atMost(WAIT)
        .until(
            () -> {
              join(b.refresh());
              return join(b.connections()).size() == 1;
            });
    assertThat(join(b.connections())).extracting(ConnectionRecord::id).containsExactly("b:1");
    assertThat(join(b.connectionCount())).isEqualTo(1);
    assertThat(join(b.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("b:1");
    await("b's refresh pruned a from the index")
        .atMost(WAIT)
        .until(
            () -> {
              join(b.refresh());
              try {
                return !memcached.get("pushwire:nodes").contains("\"a\"");
              } catch (java.io.IOException e) {
                return false;
              }
            });
  }

  private MemcachedRegistry registry(String node, Duration ttl) {
    MemcachedRegistry r =
        MemcachedRegistry.connect(
            MemcachedConfig.newBuilder(memcached.uri()).nodeId(node).ttl(ttl).build());
    registries.add(r);
    return r;
  }

  static ConnectionRecord record(String node, long id, int connectedSec) {
    return new ConnectionRecord(
        ConnectionRecord.globalId(node, id),
        node,
        id,
        "127.0.0.1:" + (40000 + id),
        "/ws",
        null,
        List.of("news"),
        Instant.parse("2025-01-01T00:00:00Z").plusSeconds(connectedSec));
  }

  static PresenceEntry entry(String node, long id) {
    return new PresenceEntry(
        ConnectionRecord.globalId(node, id),
        "user" + id,
        node,
        Instant.parse("2025-01-01T00:01:00Z"));
  }
}

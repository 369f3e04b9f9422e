package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.hub.spi.Registry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Registry} must do. A backend module adds a subclass that says how to make its
 * registry and a second node's view of the same storage; the tests are the same.
 */
public abstract class RegistryContractTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  protected Registry registry;
  protected Registry peer;

  /** A new, empty registry for node {@code a}. */
  protected abstract Registry newRegistry();

  /** Another node's registry over the same storage as {@code registry}. */
  protected abstract Registry peerOf(Registry registry);

  @BeforeEach
  void open() {
    registry = newRegistry();
    peer = peerOf(registry);
  }

  @AfterEach
  void close() {
    join(registry.removeNode("a"));
    join(registry.removeNode("b"));
    if (peer != registry) {
      peer.close();
    }
    registry.close();
  }

  @Test
  void registeredConnectionsAreListedInConnectionOrderAndCounted() {
    join(registry.register(record("a", 2, "alice", 20)));
    join(registry.register(record("a", 1, null, 10)));
    assertThat(join(registry.connections()))
        .extracting(ConnectionRecord::id)
        .containsExactly("a:1", "a:2");
    assertThat(join(registry.connectionCount())).isEqualTo(2);
  }

  @Test
  void registerReplacesTheRecordWithTheSameId() {
    join(registry.register(record("a", 1, "alice", 10)));
    join(registry.register(record("a", 1, "alice", 10).withChannels(List.of("news", "chat"))));
    List<ConnectionRecord> all = join(registry.connections());
    assertThat(all).hasSize(1);
    assertThat(all.get(0).channels()).containsExactly("news", "chat");
    assertThat(all.get(0).user()).isEqualTo("alice");
    assertThat(all.get(0).remoteAddress()).isEqualTo("127.0.0.1:40001");
    assertThat(all.get(0).connectedAt()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void unregisterRemovesTheConnectionAndItsPresence() {
    ConnectionRecord r = record("a", 1, "alice", 10).withChannels(List.of("news"));
    join(registry.register(r));
    join(registry.addPresence("news", entry(r, 11)));
    join(registry.unregister(r));
    assertThat(join(registry.connections())).isEmpty();
    assertThat(join(registry.connectionCount())).isZero();
    assertThat(join(registry.presence("news"))).isEmpty();
  }

  @Test
  void presenceListsSubscribersInSubscriptionOrder() {
    ConnectionRecord a1 = record("a", 1, "alice", 10);
    ConnectionRecord a2 = record("a", 2, null, 10);
    join(registry.addPresence("news", entry(a2, 12)));
    join(registry.addPresence("news", entry(a1, 11)));
    join(registry.addPresence("other", entry(a1, 13)));
    List<PresenceEntry> news = join(registry.presence("news"));
    assertThat(news).extracting(PresenceEntry::connectionId).containsExactly("a:1", "a:2");
    assertThat(news.get(0)).isEqualTo(new PresenceEntry("a:1", "alice", "a", T0.plusSeconds(11)));
    assertThat(news.get(1).user()).isNull();
  }

  @Test
  void removePresenceRemovesOnlyThatEntry() {
    ConnectionRecord a1 = record("a", 1, "alice", 10);
    ConnectionRecord a2 = record("a", 2, "bob", 10);
    join(registry.addPresence("news", entry(a1, 11)));
    join(registry.addPresence("news", entry(a2, 12)));
    join(registry.addPresence("chat", entry(a1, 13)));
    join(registry.removePresence("news", "a:1"));
    assertThat(join(registry.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:2");
    assertThat(join(registry.presence("chat")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("a:1");
    join(registry.removePresence("news", "a:404"));
    assertThat(join(registry.presence("news"))).hasSize(1);
  }

  @Test
  void presenceStatsCountConnectionsAndDistinctKnownUsers() {
    join(registry.addPresence("news", entry(record("a", 1, "alice", 1), 1)));
    join(registry.addPresence("news", entry(record("a", 2, "alice", 1), 2)));
    join(registry.addPresence("news", entry(record("a", 3, "bob", 1), 3)));
    join(registry.addPresence("news", entry(record("a", 4, null, 1), 4)));
    assertThat(join(registry.presenceStats("news"))).isEqualTo(new PresenceStats(4, 2));
  }

  @Test
  void unknownChannelHasNoPresence() {
    assertThat(join(registry.presence("nobody"))).isEmpty();
    assertThat(join(registry.presenceStats("nobody"))).isEqualTo(new PresenceStats(0, 0));
  }

  @Test
  void nodesSeeEachOthersRecords() {
    join(registry.register(record("a", 1, null, 10)));
    join(peer.register(record("b", 1, null, 11)));
    join(peer.addPresence("news", entry(record("b", 1, null, 11), 12)));
    assertThat(join(registry.connections()))
        .extracting(ConnectionRecord::id)
        .containsExactly("a:1", "b:1");
    assertThat(join(registry.presence("news")))
        .extracting(PresenceEntry::nodeId)
        .containsExactly("b");
  }

  @Test
  void removeNodeRemovesExactlyThatNodesRecords() {
    ConnectionRecord a1 = record("a", 1, "alice", 10);
    ConnectionRecord b1 = record("b", 1, "bob", 11);
    join(registry.register(a1));
    join(registry.addPresence("news", entry(a1, 12)));
    join(peer.register(b1));
    join(peer.addPresence("news", entry(b1, 13)));

    join(registry.removeNode("a"));

    assertThat(join(peer.connections())).extracting(ConnectionRecord::id).containsExactly("b:1");
    assertThat(join(peer.presence("news")))
        .extracting(PresenceEntry::connectionId)
        .containsExactly("b:1");
    assertThat(join(registry.connectionCount())).isEqualTo(1);
  }

  @Test
  void refreshKeepsTheRecords() {
    join(registry.register(record("a", 1, null, 10)));
    join(registry.refresh());
    assertThat(join(registry.connectionCount())).isEqualTo(1);
  }

  // ---- helpers ------------------------------------------------------------------------------

  protected static ConnectionRecord record(String node, long id, String user, int connectedSec) {
    return new ConnectionRecord(
        ConnectionRecord.globalId(node, id),
        node,
        id,
        "127.0.0.1:" + (40000 + id),
        "/",
        user,
        List.of(),
        T0.plusSeconds(connectedSec));
  }

  protected static PresenceEntry entry(ConnectionRecord r, int subscribedSec) {
    return new PresenceEntry(r.id(), r.user(), r.nodeId(), T0.plusSeconds(subscribedSec));
  }

  protected static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("registry call failed or timed out", e);
    }
  }
}

package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.hub.ConnectionRecord;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.PresenceEntry;
import dev.pushwire.hub.PresenceStats;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence and the connection registry follow subscribes, unsubscribes and closes. */
class PresenceTest {
  private final MemoryRegistry registry = new MemoryRegistry();
  private final HubFixture f =
      new HubFixture(HubConfig.newBuilder().nodeId("n1").build(), new MemoryBroker(), registry);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void presenceFollowsSubscribesUnsubscribesAndCloses() {
    f.hub.userResolver(info -> info.connectionId() <= 2 ? "alice" : null);
    long a = f.openPlain("news"); // alice
    long b = f.openV1(); // alice
    long c = f.openV1(); // anonymous
    join(f.hub.subscribe(b, "news"));
    join(f.hub.subscribe(c, "news"));
    assertThat(join(f.hub.presenceStats("news"))).isEqualTo(new PresenceStats(3, 1));

    List<PresenceEntry> entries = join(f.hub.presence("news"));
    assertThat(entries)
        .extracting(PresenceEntry::connectionId)
        .containsExactly("n1:1", "n1:2", "n1:3");
    assertThat(entries).extracting(PresenceEntry::nodeId).containsOnly("n1");
    assertThat(entries).extracting(PresenceEntry::user).containsExactly("alice", "alice", null);

    join(f.hub.unsubscribe(b, "news"));
    assertThat(join(f.hub.presenceStats("news"))).isEqualTo(new PresenceStats(2, 1));
    f.close(a);
    assertThat(join(f.hub.presenceStats("news"))).isEqualTo(new PresenceStats(1, 0));
    f.close(c);
    assertThat(join(f.hub.presence("news"))).isEmpty();
  }

  @Test
  void connectionsAreRegisteredWithTheirChannelsAndUnregisteredOnClose() {
    long a = f.openPlain("news", "chat");
    long b = f.openV1();
    List<ConnectionRecord> all = join(f.hub.connections());
    assertThat(all).extracting(ConnectionRecord::id).containsExactly("n1:" + a, "n1:" + b);
    ConnectionRecord plain = all.get(0);
    assertThat(plain.channels()).containsExactly("news", "chat");
    assertThat(plain.nodeId()).isEqualTo("n1");
    assertThat(plain.remoteAddress()).isEqualTo("127.0.0.1:" + (50000 + a));
    assertThat(plain.path()).isEqualTo("/");

    join(f.hub.subscribe(b, "news"));
    assertThat(join(registry.connections()).get(1).channels()).containsExactly("news");
    join(f.hub.unsubscribeAll(b));
    assertThat(join(registry.connections()).get(1).channels()).isEmpty();

    f.close(a);
    assertThat(join(registry.connectionCount())).isEqualTo(1);
  }

  @Test
  void closingTheHubRemovesExactlyThisNodesRecords() {
    ConnectionRecord other =
        new ConnectionRecord("n2:1", "n2", 1, "10.0.0.2:1", "/", null, List.of(), Instant.now());
    join(registry.register(other));
    f.openPlain("news");
    f.hub.close();
    assertThat(join(registry.connections())).containsExactly(other);
  }
}

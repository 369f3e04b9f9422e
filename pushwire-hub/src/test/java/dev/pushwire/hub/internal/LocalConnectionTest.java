package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.hub.ConnectionRecord;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalConnectionTest {
  private static final Instant OPENED = Instant.parse("2026-12-07T01:00:00Z");

  private static LocalConnection plain(String path) {
    return new LocalConnection(
        new ConnectionInfo(
            7,
            new InetSocketAddress("127.0.0.1", 50007),
            new String(path.toCharArray()),
            Map.of("channel", List.of("news")),
            Map.of("user-agent", List.of("test"), "host", List.of("localhost")),
            null,
            "",
            OPENED),
        false,
        "ann",
        "n1");
  }

  @Test
  void forgettingTheRequestDropsHeadersAndQueryButNotWhatTheRecordShows() {
    LocalConnection c = plain("/feed");
    ConnectionRecord before;
    synchronized (c) {
      before = c.record();
    }

    c.forgetRequest();

    assertThat(c.info.headers()).isEmpty();
    assertThat(c.info.query()).isEmpty();
    assertThat(c.info.connectionId()).isEqualTo(7);
    assertThat(c.info.path()).isEqualTo("/feed");
    assertThat(c.info.connectedAt()).isEqualTo(OPENED);
    synchronized (c) {
      assertThat(c.record()).isEqualTo(before);
    }
  }

  @Test
  void theUsualPathIsOneSharedString() {
    LocalConnection c = plain("/");

    c.forgetRequest();

    assertThat(c.info.path()).isSameAs("/");
  }

  @Test
  void theRecordListsTheChannelsInTheOrderTheyWereSubscribed() {
    LocalConnection c = plain("/");
    synchronized (c) {
      for (String ch : List.of("b", "a", "c")) {
        c.subscriptions.put(ch, new Subscription(c, ch, null, OPENED, r -> {}));
      }
      assertThat(c.record().channels()).containsExactly("b", "a", "c");
    }
  }
}

package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HubConfigTest {

  @Test
  void defaults() {
    HubConfig c = HubConfig.DEFAULT;
    assertThat(c.historySize()).isEqualTo(100);
    assertThat(c.historyTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.historyMetaTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.maxSubscriptionsPerConnection()).isEqualTo(128);
    assertThat(c.maxGarbageCommands()).isEqualTo(5);
    assertThat(c.defaultChannel()).isEqualTo("default");
    assertThat(c.registryRefreshInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.nodeId()).matches("[a-z0-9]{8}");
    assertThat(c.historyOverrides()).isEmpty();
  }

  @Test
  void eachBuildWithoutNodeIdPicksAnotherRandomId() {
    assertThat(HubConfig.newBuilder().build().nodeId())
        .isNotEqualTo(HubConfig.newBuilder().build().nodeId());
  }

  @Test
  void toBuilderKeepsEverythingAndChangesOnlyWhatIsSet() {
    HubConfig a =
        HubConfig.newBuilder()
            .nodeId("node-1")
            .historySize(10)
            .historyTtl(Duration.ofSeconds(30))
            .historyOverride("chat:", 1000, Duration.ofHours(1))
            .maxSubscriptionsPerConnection(4)
            .maxGarbageCommands(2)
            .defaultChannel("lobby")
            .build();
    HubConfig b = a.toBuilder().historySize(20).build();
    assertThat(b.nodeId()).isEqualTo("node-1");
    assertThat(b.historySize()).isEqualTo(20);
    assertThat(b.historyTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.historyOverrides())
        .containsEntry("chat:", new HistoryPolicy(1000, Duration.ofHours(1)));
    assertThat(b.maxSubscriptionsPerConnection()).isEqualTo(4);
    assertThat(b.maxGarbageCommands()).isEqualTo(2);
    assertThat(b.defaultChannel()).isEqualTo("lobby");
    assertThat(a.historySize()).isEqualTo(10);
  }

  @Test
  void longestMatchingPrefixWins() {
    HubConfig c =
        HubConfig.newBuilder()
            .historyOverride("chat:", 1000, Duration.ofHours(1))
            .historyOverride("chat:vip:", 5000, Duration.ofHours(2))
            .build();
    assertThat(c.historyPolicy("chat:vip:1"))
        .isEqualTo(new HistoryPolicy(5000, Duration.ofHours(2)));
    assertThat(c.historyPolicy("chat:1")).isEqualTo(new HistoryPolicy(1000, Duration.ofHours(1)));
    assertThat(c.historyPolicy("news")).isEqualTo(new HistoryPolicy(100, Duration.ofMinutes(5)));
    assertThat(c.publishOptions("chat:1").historySize()).isEqualTo(1000);
    assertThat(c.publishOptions("chat:1").historyMetaTtl()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void buildNamesTheKeyAndTheBadValue() {
    assertThatThrownBy(() -> HubConfig.newBuilder().historySize(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("historySize: bad value '-1' (expected 0-1000000)");
    assertThatThrownBy(() -> HubConfig.newBuilder().historyTtl(Duration.ZERO).build())
        .hasMessage("historyTtl: bad value 'PT0S' (expected a positive duration)");
    assertThatThrownBy(() -> HubConfig.newBuilder().nodeId("a:b").build())
        .hasMessage("nodeId: bad value 'a:b' (expected 1-64 characters of A-Z a-z 0-9 _ . -)");
    assertThatThrownBy(() -> HubConfig.newBuilder().maxSubscriptionsPerConnection(0).build())
        .hasMessage("maxSubscriptionsPerConnection: bad value '0' (expected 1 or more)");
    assertThatThrownBy(() -> HubConfig.newBuilder().maxGarbageCommands(0).build())
        .hasMessage("maxGarbageCommands: bad value '0' (expected 1 or more)");
    assertThatThrownBy(() -> HubConfig.newBuilder().defaultChannel("no spaces").build())
        .hasMessageStartingWith("defaultChannel: bad value 'no spaces' (expected a channel name");
    assertThatThrownBy(
            () -> HubConfig.newBuilder().registryRefreshInterval(Duration.ofSeconds(-1)).build())
        .hasMessage("registryRefreshInterval: bad value 'PT-1S' (expected a positive duration)");
  }

  @Test
  void badOverridesAreNamedByPrefix() {
    assertThatThrownBy(
            () ->
                HubConfig.newBuilder().historyOverride("chat:", -5, Duration.ofMinutes(1)).build())
        .hasMessage("historyOverrides[chat:].size: bad value '-5' (expected 0-1000000)");
    assertThatThrownBy(
            () -> HubConfig.newBuilder().historyOverride("chat:", 5, Duration.ZERO).build())
        .hasMessage("historyOverrides[chat:].ttl: bad value 'PT0S' (expected a positive duration)");
    assertThatThrownBy(
            () ->
                HubConfig.newBuilder()
                    .historyOverride("bad prefix", 5, Duration.ofMinutes(1))
                    .build())
        .hasMessageStartingWith("historyOverrides: bad value 'bad prefix'");
  }

  @Test
  void metaTtlMustCoverTheLongestHistoryTtl() {
    assertThatThrownBy(
            () ->
                HubConfig.newBuilder()
                    .historyMetaTtl(Duration.ofHours(1))
                    .historyOverride("long:", 10, Duration.ofHours(2))
                    .build())
        .hasMessage(
            "historyMetaTtl: bad value 'PT1H' (expected at least the longest history ttl (PT2H))");
  }

  @Test
  void toStringListsTheSettings() {
    assertThat(HubConfig.newBuilder().nodeId("n1").build().toString())
        .startsWith("HubConfig{nodeId=n1, historySize=100, historyTtl=PT5M");
  }
}

package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.server.internal.config.ConfigKey;
import dev.pushwire.server.internal.config.ConfigSchema;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link ServerConfig} is made of the parts the node hands on (engine, hub, auth, backends): its
 * builder's settings land in those parts, {@code toBuilder()} keeps every key, and a bad value set
 * from Java is still named by its YAML key.
 */
class ServerConfigPartsTest {

  @Test
  void settingsLandInTheirParts() {
    ServerConfig c =
        ServerConfig.newBuilder()
            .port(0)
            .maxMessageSize(1024)
            .maxBodySize(2048)
            .historySize(10)
            .historyTtl(Duration.ofHours(30))
            .maxSubscriptions(7)
            .registry("memcached://127.0.0.1:11211")
            .registryTtl(Duration.ofSeconds(6))
            .maxChannels(5)
            .build();

    assertThat(c.core().maxMessageSize()).isEqualTo(1024);
    assertThat(c.core().maxHttpBodySize()).isEqualTo(2048);
    assertThat(c.hub().historySize()).isEqualTo(10);
    assertThat(c.hub().maxSubscriptionsPerConnection()).isEqualTo(7);
    assertThat(c.hub().historyMetaTtl()).as("outlives the history").isEqualTo(Duration.ofHours(30));
    assertThat(c.hub().registryRefreshInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.backends().registry()).isEqualTo("memcached://127.0.0.1:11211");
    assertThat(c.backends().maxChannels()).isEqualTo(5);
  }

  @Test
  void theEngineGetsThePublisherPathAndTheSubprotocolBesideTheCore() {
    var engine = PushwireNode.serverSettings(ServerConfig.DEFAULT);
    assertThat(engine.paths()).containsExactly("/", "/ws", "/publish");
    assertThat(engine.subprotocols()).containsExactly("pushwire.v1");
    assertThat(engine.maxHttpBodySize()).isEqualTo(ServerConfig.DEFAULT_MAX_BODY_SIZE);
  }

  @Test
  void toBuilderKeepsEveryKey() {
    ServerConfig c =
        ServerConfig.newBuilder()
            .nodeId("n1")
            .maxMessageSize(4096)
            .apiKeys(List.of("k"))
            .tickPeriod(Duration.ofSeconds(1))
            .build();
    ServerConfig copy = c.toBuilder().build();
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      assertThat(key.formatted(copy)).as(key.name()).isEqualTo(key.formatted(c));
    }
    assertThat(c.toBuilder().maxMessageSize(100).build().core().maxFrameSize())
        .as("frames follow a smaller max-message-size")
        .isEqualTo(100);
  }

  @Test
  void eachNodeWithoutANodeIdPicksItsOwn() {
    ServerConfig c = ServerConfig.newBuilder().build();
    assertThat(c.nodeId()).isNull();
    assertThat(PushwireNode.hubConfig(c).nodeId()).isNotEqualTo(PushwireNode.hubConfig(c).nodeId());

    ServerConfig named = c.toBuilder().nodeId("node-7").build();
    assertThat(PushwireNode.hubConfig(named).nodeId()).isEqualTo("node-7");
  }

  @Test
  void aBadValueOfAPartIsNamedByItsYamlKey() {
    assertThatThrownBy(() -> ServerConfig.newBuilder().historySize(-1).build())
        .hasMessage("history.size: bad value '-1' (expected 0-1000000)");
    assertThatThrownBy(() -> ServerConfig.newBuilder().maxConnections(0).build())
        .hasMessageStartingWith("max-connections: bad value '0'");
    assertThatThrownBy(() -> ServerConfig.newBuilder().nodeId("a b").build())
        .hasMessageStartingWith("node-id: bad value 'a b'");
  }
}

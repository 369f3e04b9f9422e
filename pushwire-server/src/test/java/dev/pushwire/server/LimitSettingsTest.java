package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.hub.HubConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The limit keys of issue 6 reach the engine and the hub, with their documented defaults. */
class LimitSettingsTest {

  @Test
  void defaultsAreSafe() {
    ServerSettings s = PushwireNode.serverSettings(ServerConfig.DEFAULT);
    HubConfig h = PushwireNode.hubConfig(ServerConfig.DEFAULT);

    assertThat(s.maxConnectionsPerIp()).isEqualTo(1000);
    assertThat(h.commandRate()).isEqualTo(100);
    assertThat(h.commandBurst()).isEqualTo(200);
    assertThat(h.maxRateLimitedCommands()).isEqualTo(100);
  }

  @Test
  void configuredLimitsReachTheEngineAndTheHub() throws Exception {
    ServerConfig c =
        new ConfigLoader(
                Map.of(
                    "PUSHWIRE_MAX_CONNECTIONS_PER_IP",
                    "3",
                    "PUSHWIRE_LIMITS_COMMAND_RATE",
                    "7",
                    "PUSHWIRE_LIMITS_COMMAND_BURST",
                    "9",
                    "PUSHWIRE_LIMITS_MAX_RATE_LIMITED_COMMANDS",
                    "11"))
            .load(null, java.util.List.of());

    assertThat(PushwireNode.serverSettings(c).maxConnectionsPerIp()).isEqualTo(3);
    HubConfig h = PushwireNode.hubConfig(c);
    assertThat(h.commandRate()).isEqualTo(7);
    assertThat(h.commandBurst()).isEqualTo(9);
    assertThat(h.maxRateLimitedCommands()).isEqualTo(11);
  }

  @Test
  void badLimitIsNamedByItsKey() {
    assertThatThrownBy(() -> ServerConfig.newBuilder().commandBurst(0).build())
        .hasMessageContaining("limits.command-burst");
  }
}

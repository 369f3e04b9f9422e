package dev.pushwire.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

  @Test
  void defaultsFollowWhatOperatorsKnow() {
    ServerSettings s = ServerSettings.DEFAULT;
    assertThat(s.port()).isEqualTo(9876);
    assertThat(s.maxMessageSize()).isEqualTo(64 * 1024);
    assertThat(s.maxFrameSize()).isEqualTo(64 * 1024);
    assertThat(s.pingInterval()).isEqualTo(Duration.ofSeconds(25));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.compression()).isTrue();
    assertThat(s.slowConsumerPolicy()).isEqualTo(SlowConsumerPolicy.DROP);
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ServerSettings s =
        ServerSettings.newBuilder()
            .port(1234)
            .paths("/a", "/b/*")
            .subprotocols("x", "y")
            .maxMessageSize(1000)
            .compression(false)
            .slowConsumerPolicy(SlowConsumerPolicy.CLOSE)
            .build();
    assertThat(s.toBuilder().build().toString()).isEqualTo(s.toString());
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> ServerSettings.newBuilder().port(70000).build())
        .hasMessageContaining("port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> ServerSettings.newBuilder().maxMessageSize(0).build())
        .hasMessageContaining("maxMessageSize");
    assertThatThrownBy(() -> ServerSettings.newBuilder().paths("nope").build())
        .hasMessageContaining("paths")
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> ServerSettings.newBuilder().subprotocols("a b").build())
        .hasMessageContaining("subprotocols");
    assertThatThrownBy(() -> ServerSettings.newBuilder().compressionLevel(10).build())
        .hasMessageContaining("compressionLevel");
    assertThatThrownBy(() -> ServerSettings.newBuilder().writeBufferWaterMarks(10, 5).build())
        .hasMessageContaining("writeBufferWaterMarks");
    assertThatThrownBy(
            () -> ServerSettings.newBuilder().tls(java.nio.file.Path.of("c.pem"), null).build())
        .hasMessageContaining("tls");
  }
}

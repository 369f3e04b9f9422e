package dev.pushwire.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves that client settings and reconnect policies hold their defaults, survive {@code
 * toBuilder()}, refuse bad values naming the key and the value, and that the backoff grows
 * exponentially up to its cap.
 */
class ClientSettingsTest {

  @Test
  void defaultsMatchTheServer() {
    ClientSettings s = ClientSettings.DEFAULT;
    assertThat(s.maxMessageSize()).isEqualTo(64 * 1024);
    assertThat(s.compression()).isTrue();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.reconnect().enabled()).isFalse();
    assertThat(s.headers()).isEmpty();
    assertThat(s.subprotocols()).isEmpty();
    assertThat(s.trustedCaFile()).isNull();
    assertThat(s.ioThreads()).isEqualTo(1);
    assertThat(s.nativeTransport()).isTrue();
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ClientSettings s =
        ClientSettings.newBuilder()
            .header("X-A", "1")
            .header("X-A", "2")
            .subprotocols("a", "b")
            .compression(false)
            .connectTimeout(Duration.ofSeconds(1))
            .handshakeTimeout(Duration.ofSeconds(2))
            .closeTimeout(Duration.ofSeconds(3))
            .maxMessageSize(1000)
            .reconnect(ReconnectPolicy.newBuilder().maxAttempts(7).build())
            .trustedCaFile(Path.of("ca.pem"))
            .ioThreads(2)
            .nativeTransport(false)
            .build();
    ClientSettings copy = s.toBuilder().build();
    assertThat(copy.headers()).containsExactly(Map.entry("X-A", "1"), Map.entry("X-A", "2"));
    assertThat(copy.subprotocols()).containsExactly("a", "b");
    assertThat(copy.compression()).isFalse();
    assertThat(copy.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(copy.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(copy.closeTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(copy.maxMessageSize()).isEqualTo(1000);
    assertThat(copy.reconnect().maxAttempts()).isEqualTo(7);
    assertThat(copy.trustedCaFile()).isEqualTo(Path.of("ca.pem"));
    assertThat(copy.ioThreads()).isEqualTo(2);
    assertThat(copy.nativeTransport()).isFalse();
    assertThat(copy.toString()).isEqualTo(s.toString());
  }

  @Test
  void toStringHidesHeaderValues() {
    ClientSettings s = ClientSettings.newBuilder().header("Authorization", "Bearer secret").build();
    assertThat(s.toString()).contains("Authorization").doesNotContain("secret");
  }

  @Test
  void refusesBadValuesNamingKeyAndValue() {
    assertThatThrownBy(() -> ClientSettings.newBuilder().maxMessageSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxMessageSize: bad value '0'");
    assertThatThrownBy(() -> ClientSettings.newBuilder().connectTimeout(Duration.ZERO).build())
        .hasMessageStartingWith("connectTimeout: bad value 'PT0S'");
    assertThatThrownBy(() -> ClientSettings.newBuilder().ioThreads(-1).build())
        .hasMessageStartingWith("ioThreads: bad value '-1'");
    assertThatThrownBy(() -> ClientSettings.newBuilder().subprotocols("a b").build())
        .hasMessageStartingWith("subprotocols: bad value 'a b'");
    assertThatThrownBy(() -> ClientSettings.newBuilder().subprotocols("a", "a").build())
        .hasMessageStartingWith("subprotocols: bad value 'a'");
    assertThatThrownBy(() -> ClientSettings.newBuilder().header("Bad Name", "x").build())
        .hasMessageStartingWith("headers: bad value 'Bad Name'");
    assertThatThrownBy(() -> ClientSettings.newBuilder().header("X-Split", "a\r\nb").build())
        .hasMessageStartingWith("headers: bad value 'X-Split'");
    assertThatThrownBy(
            () ->
                ClientSettings.newBuilder()
                    .headers(List.of(Map.entry("Sec-WebSocket-Key", "k")))
                    .build())
        .hasMessageStartingWith("headers: bad value 'Sec-WebSocket-Key'");
  }

  @Test
  void refusesUrisThatAreNotWebSocketUris() {
    for (String uri :
        List.of("http://example.com/", "ws:///no-host", "ws://host/#fragment", "/relative")) {
      assertThatThrownBy(() -> WebSocketClient.create(URI.create(uri), ClientSettings.DEFAULT))
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("uri: bad value");
    }
  }

  @Test
  void reconnectPolicyDefaults() {
    ReconnectPolicy p = ReconnectPolicy.newBuilder().build();
    assertThat(p.enabled()).isTrue();
    assertThat(p.initialDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.maxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.maxAttempts()).isZero();
    assertThat(p.multiplier()).isEqualTo(2.0);
    assertThat(p.jitter()).isTrue();
    assertThat(ReconnectPolicy.DISABLED.enabled()).isFalse();
    assertThat(ReconnectPolicy.DISABLED.allows(1)).isFalse();
  }

  @Test
  void backoffDoublesUpToTheMaximumWithoutJitter() {
    ReconnectPolicy p = ReconnectPolicy.newBuilder().jitter(false).build();
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 100))
        .map(n -> p.delayBefore(n, 0.99))
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));
  }

  @Test
  void fullJitterDrawsBetweenZeroAndTheCap() {
    ReconnectPolicy p = ReconnectPolicy.newBuilder().build();
    assertThat(p.delayBefore(1, 0.0)).isEqualTo(Duration.ZERO);
    assertThat(p.delayBefore(1, 0.5)).isEqualTo(Duration.ofMillis(250));
    assertThat(p.delayBefore(3, 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delayBefore(20, 0.5)).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void maxAttemptsBoundsTheAttempts() {
    ReconnectPolicy three = ReconnectPolicy.newBuilder().maxAttempts(3).build();
    assertThat(three.allows(3)).isTrue();
    assertThat(three.allows(4)).isFalse();
    assertThat(ReconnectPolicy.newBuilder().build().allows(1_000_000)).isTrue();
  }

  @Test
  void reconnectPolicyRefusesBadValues() {
    assertThatThrownBy(() -> ReconnectPolicy.newBuilder().initialDelay(Duration.ZERO).build())
        .hasMessageStartingWith("reconnect.initialDelay: bad value 'PT0S'");
    assertThatThrownBy(
            () ->
                ReconnectPolicy.newBuilder()
                    .initialDelay(Duration.ofSeconds(2))
                    .maxDelay(Duration.ofSeconds(1))
                    .build())
        .hasMessageStartingWith("reconnect.maxDelay: bad value 'PT1S'");
    assertThatThrownBy(() -> ReconnectPolicy.newBuilder().maxAttempts(-1).build())
        .hasMessageStartingWith("reconnect.maxAttempts: bad value '-1'");
    assertThatThrownBy(() -> ReconnectPolicy.newBuilder().multiplier(0.5).build())
        .hasMessageStartingWith("reconnect.multiplier: bad value '0.5'");
    assertThatThrownBy(() -> ReconnectPolicy.newBuilder().multiplier(Double.NaN).build())
        .hasMessageStartingWith("reconnect.multiplier: bad value 'NaN'");
  }
}

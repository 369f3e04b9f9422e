package dev.pushwire.hub.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection command rate limit of {@code pushwire.v1}: a token bucket whose excess is
 * answered with {@code rate_limited}, and whose persistent excess closes the connection with 1008.
 */
class CommandRateLimitTest {
  private final MutableClock clock = new MutableClock();
  private final HubFixture f =
      new HubFixture(
          HubConfig.newBuilder()
              .nodeId("n1")
              .commandRate(10)
              .commandBurst(5)
              .maxRateLimitedCommands(20)
              .build(),
          clock);
  private final long id = f.openV1();

  @AfterEach
  void close() {
    f.close();
  }

  private void ping(int n) {
    f.send(id, "{\"id\":" + n + ",\"op\":\"ping\"}");
  }

  private List<String> codes() {
    return f.json(id).stream()
        .map(m -> m.has("error") ? m.get("error").get("code").asText() : "ok")
        .toList();
  }

  @Test
  void commandsBeyondTheBurstGetRateLimitedWithTheirId() {
    for (int i = 1; i <= 7; i++) {
      ping(i);
    }

    assertThat(codes())
        .containsExactly("ok", "ok", "ok", "ok", "ok", "rate_limited", "rate_limited");
    JsonNode last = f.last(id);
    assertThat(last.get("id").asInt()).isEqualTo(7);
    assertThat(f.hub.limitsTriggered()).containsEntry("rate_limited", 2L);
  }

  @Test
  void tokensRefillAtTheConfiguredRate() {
    for (int i = 1; i <= 6; i++) {
      ping(i);
    }
    clock.advance(Duration.ofMillis(200)); // 10 per second: two more tokens

    ping(7);
    ping(8);
    ping(9);

    assertThat(codes().subList(6, 9)).containsExactly("ok", "ok", "rate_limited");
  }

  @Test
  void persistentExcessClosesWith1008() {
    for (int i = 1; i <= 5 + 20; i++) {
      ping(i);
    }

    assertThat(f.delivery.closeOf(id))
        .isEqualTo(new RecordingDelivery.Close(1008, "command rate limit exceeded"));
    assertThat(f.hub.limitsTriggered()).containsEntry("rate_limit_close", 1L);
    ping(99);
    assertThat(f.delivery.messages(id)).hasSize(25); // nothing more once closing
  }

  @Test
  void occasionalExcessDoesNotClose() {
    int n = 0;
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 3; i++) {
        ping(++n);
      }
      clock.advance(Duration.ofMillis(200)); // 3 sent, 2 refilled: a little over the rate
    }

    assertThat(f.delivery.closeOf(id)).isNull();
    assertThat(codes()).contains("rate_limited");
  }

  @Test
  void rateZeroTurnsTheLimitOff() {
    try (HubFixture off =
        new HubFixture(HubConfig.newBuilder().nodeId("n1").commandRate(0).build(), clock)) {
      long c = off.openV1();
      for (int i = 1; i <= 500; i++) {
        off.send(c, "{\"id\":" + i + ",\"op\":\"ping\"}");
      }
      assertThat(off.json(c)).allMatch(m -> m.has("result"));
    }
  }

  @Test
  void tooManySubscriptionsIsCounted() {
    try (HubFixture small =
        new HubFixture(
            HubConfig.newBuilder().nodeId("n1").maxSubscriptionsPerConnection(1).build())) {
      long c = small.openV1();
      small.send(c, "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"a\"}");
      small.send(c, "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"b\"}");

      assertThat(small.last(c).get("error").get("code").asText())
          .isEqualTo("too_many_subscriptions");
      assertThat(small.hub.limitsTriggered()).containsEntry("too_many_subscriptions", 1L);
    }
  }
}

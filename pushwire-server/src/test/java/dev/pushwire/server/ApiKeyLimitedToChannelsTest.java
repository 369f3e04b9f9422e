package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An API key configured as {@code KEY:PATTERN,...} may publish, broadcast and read only the
 * channels its patterns match; every other channel gets 403 {@code forbidden} naming it, on the
 * HTTP API and on the publisher socket. Unlimited keys keep every channel.
 */
@Timeout(120)
class ApiKeyLimitedToChannelsTest {
  private static final String LIMITED = "limited-key-0123456789";
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node =
        TestNodes.start(
            TestNodes.config().apiKeys(List.of(TestNodes.KEY, LIMITED + ":orders:*,news")).build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<String> limited(String method, String path, String body)
      throws Exception {
    return TestNodes.send(node, method, path, body, "X-API-Key", LIMITED);
  }

  @Test
  void publishesToItsChannels() throws Exception {
    assertThat(
            limited("POST", "/api/publish", "{\"channel\":\"orders:7\",\"data\":1}").statusCode())
        .isEqualTo(200);
    assertThat(limited("GET", "/api/history?channel=news", null).statusCode()).isEqualTo(200);
  }

  @Test
  void otherChannelIsForbiddenWith403NamingIt() throws Exception {
    HttpResponse<String> r =
        limited("POST", "/api/publish", "{\"channel\":\"billing\",\"data\":1}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("\"forbidden\"").contains("billing");
  }

  @Test
  void broadcastWithOneOtherChannelIsForbidden() throws Exception {
    HttpResponse<String> r =
        limited("POST", "/api/broadcast", "{\"channels\":[\"news\",\"billing\"],\"data\":1}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("billing");
  }

  @Test
  void historyAndPresenceOfOtherChannelsAreForbidden() throws Exception {
    assertThat(limited("GET", "/api/history?channel=billing", null).statusCode()).isEqualTo(403);
    assertThat(limited("GET", "/api/presence?channel=billing", null).statusCode()).isEqualTo(403);
  }

  @Test
  void routesOverEveryChannelAreForbidden() throws Exception {
    assertThat(limited("GET", "/api/connections", null).statusCode()).isEqualTo(403);
  }

  @Test
  void unlimitedKeyKeepsEveryChannel() throws Exception {
    assertThat(
            TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"billing\",\"data\":1}")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void publisherSocketForOtherChannelIsRefusedWith403() {
    assertThat(
            ConnectionTokensTest.refusedStatus(
                node, "/publish?channel=billing", Map.of("X-API-Key", LIMITED)))
        .isEqualTo(403);
  }
}

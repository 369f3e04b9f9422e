package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API on the node's port, driven with the JDK's HTTP client: authentication, the exact
 * error answers, and what each route returns.
 */
@Timeout(120)
class HttpApiTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node =
        TestNodes.start(
            TestNodes.config().maxBodySize(1024).historySize(3).nodeId("node1").build());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String message)
      throws Exception {
    assertThat(r.statusCode()).isEqualTo(status);
    JsonNode error = json(r).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isEqualTo(message);
  }

  @Nested
  class Authentication {
    @Test
    void missingKeyIs401() throws Exception {
      var r = TestNodes.send(node, "GET", "/api/stats", null);
      assertError(
          r,
          401,
          "unauthorized",
          "missing API key: send it as 'X-API-Key: KEY', 'Authorization: Bearer KEY' or"
              + " 'Authorization: apikey KEY'");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("apikey");
    }

    @Test
    void wrongKeyIs401() throws Exception {
      assertError(
          TestNodes.send(node, "GET", "/api/stats", null, "X-API-Key", "wrong"),
          401,
          "unauthorized",
          "wrong API key");
      assertError(
          TestNodes.send(node, "GET", "/api/stats", null, "Authorization", "apikey wrong"),
          401,
          "unauthorized",
          "wrong API key");
    }

    @Test
    void unknownRouteAnswers401BeforeTheKeyIsKnown() throws Exception {
      assertThat(TestNodes.send(node, "GET", "/api/nothing", null).statusCode()).isEqualTo(401);
    }

    @Test
    void authorizationHeaderWithApikeySchemeIsAccepted() throws Exception {
      var r =
          TestNodes.send(
              node, "GET", "/api/stats", null, "Authorization", "ApiKey " + TestNodes.KEY);
      assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void healthzNeedsNoKey() throws Exception {
      var r = TestNodes.send(node, "GET", "/healthz", null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok\n");
    }
  }

  @Nested
  class BadRequests {
    @Test
    void invalidJson() throws Exception {
      var r = TestNodes.api(node, "POST", "/api/publish", "{\"data\":");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(json(r).at("/error/message").asText()).startsWith("body is not valid JSON: ");
    }

    @Test
    void numberTooLargeForADecimalIsABadRequestNotAnInternalError() throws Exception {
      for (String body :
          new String[] {
            "{\"channel\":\"a\",\"data\":1e999999999999}",
            "{\"channel\":\"a\",\"data\":{\"x\":[1e999999999999]}}"
          }) {
        var r = TestNodes.api(node, "POST", "/api/publish", body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error/message").asText())
            .isEqualTo(
                "body is not valid JSON: a number is out of range (its exponent is too large)");
      }
    }

    @Test
    void emptyBody() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/publish", ""),
          400,
          "bad_request",
          "body is empty (expected a JSON object such as {\"channel\":\"news\",\"data\":\"hello\"})");
    }

    @Test
    void notAnObject() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/publish", "[1]"),
          400,
          "bad_request",
          "body must be a JSON object such as {\"channel\":\"news\",\"data\":\"hello\"}, not an"
              + " array");
    }

    @Test
    void missingData() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"news\"}"),
          400,
          "bad_request",
          "\"data\" is missing");
    }

    @Test
    void unknownField() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/publish", "{\"chanel\":\"news\",\"data\":1}"),
          400,
          "bad_request",
          "unknown field \"chanel\" (expected channel, data)");
    }

    @Test
    void channelNotAString() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/publish", "{\"channel\":5,\"data\":1}"),
          400,
          "bad_request",
          "\"channel\" must be a string, not a number");
    }

    @Test
    void badChannelName() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"a b\",\"data\":1}"),
          400,
          "bad_channel",
          "channel name \"a b\" has a space at index 1 (allowed: A-Z a-z 0-9 _ . : @ / -)");
    }

    @Test
    void broadcastWithoutChannels() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/broadcast", "{\"channels\":[],\"data\":1}"),
          400,
          "bad_request",
          "\"channels\" is empty (expected 1 or more channel names)");
    }

    @Test
    void historyWithoutChannel() throws Exception {
      assertError(
          TestNodes.api(node, "GET", "/api/history", null),
          400,
          "bad_request",
          "query parameter 'channel' is missing");
    }

    @Test
    void historyWithBadLimit() throws Exception {
      assertError(
          TestNodes.api(node, "GET", "/api/history?channel=x&limit=lots", null),
          400,
          "bad_request",
          "query parameter 'limit': bad value 'lots' (expected 0-10000)");
    }

    @Test
    void disconnectWithBadId() throws Exception {
      assertError(
          TestNodes.api(node, "POST", "/api/disconnect", "{\"id\":true}"),
          400,
          "bad_request",
          "\"id\" must be a connection id such as 42 or \"node:42\", not a boolean");
    }

    @Test
    void oversizedBodyIs413AndCounted() throws Exception {
      double before = tooLargeInMetrics();
      String big = "{\"channel\":\"x\",\"data\":\"" + "a".repeat(1100) + "\"}";
      assertError(
          TestNodes.api(node, "POST", "/api/publish", big),
          413,
          "payload_too_large",
          "body is " + big.length() + " bytes; at most 1024 allowed");
      assertThat(tooLargeInMetrics()).isEqualTo(before + 1);
    }

    private double tooLargeInMetrics() throws Exception {
      String metrics = TestNodes.send(node, "GET", "/metrics", null).body();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?m)^pushwire_api_too_large_total (\\S+)$")
              .matcher(metrics);
      assertThat(m.find()).as("pushwire_api_too_large_total in /metrics").isTrue();
      return Double.parseDouble(m.group(1));
    }

    @Test
    void unknownRouteIs404() throws Exception {
      assertError(
          TestNodes.api(node, "GET", "/api/nothing", null),
          404,
          "not_found",
          "no such route: GET /api/nothing");
    }

    @Test
    void unknownPathOutsideTheApiIs404() throws Exception {
      assertError(
          TestNodes.send(node, "GET", "/nothing", null),
          404,
          "not_found",
          "no such route: GET /nothing");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
      var r = TestNodes.api(node, "GET", "/api/publish", null);
      assertError(r, 405, "method_not_allowed", "/api/publish takes POST, not GET");
      assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }
  }

  @Nested
  class Answers {
    @Test
    void publishAnyJsonAndReadItBackFromHistory() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=hist"))) {
        TestNodes.awaitSubscribers(node, "hist", 1);
        for (String data : new String[] {"\"text\"", "{\"a\":1.50}", "[1,2]", "42", "null"}) {
          var r =
              TestNodes.api(
                  node, "POST", "/api/publish", "{\"channel\":\"hist\",\"data\":" + data + "}");
          assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(c.take(5, WAIT)).containsExactly("text", "{\"a\":1.50}", "[1,2]", "42", "null");
      }
      JsonNode h = json(TestNodes.api(node, "GET", "/api/history?channel=hist", null));
      assertThat(h.get("channel").asText()).isEqualTo("hist");
      assertThat(h.get("offset").asLong()).isEqualTo(5);
      assertThat(h.get("publications")).hasSize(3); // history.size is 3
      assertThat(h.at("/publications/0/offset").asLong()).isEqualTo(3);
      assertThat(h.at("/publications/0/data").toString()).isEqualTo("[1,2]");
      assertThat(h.at("/publications/2/data").isNull()).isTrue();

      JsonNode since =
          json(TestNodes.api(node, "GET", "/api/history?channel=hist&since=3&limit=1", null));
      assertThat(since.get("recoverable").asBoolean()).isTrue();
      assertThat(since.get("publications")).hasSize(1);
      assertThat(since.at("/publications/0/offset").asLong()).isEqualTo(4);

      JsonNode lost = json(TestNodes.api(node, "GET", "/api/history?channel=hist&since=1", null));
      assertThat(lost.get("recoverable").asBoolean()).isFalse();
    }

    @Test
    void publishedDataArrivesAsCompactJsonWrittenFromTheParsedBody() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=forms"))) {
        TestNodes.awaitSubscribers(node, "forms", 1);
        String[][] cases = {
          {
            "{ \"s\" : \"caf\\u00e9\\n\", \"n\" : [ 2.50 , 1e2, -0, 0.0000001 ] }",
            "{\"s\":\"caf\u00e9\\n\",\"n\":[2.50,1E+2,0,1E-7]}"
          },
          {"\"lone \\ud800 \\u00e9\"", "lone ? \u00e9"},
          {" [\"\\ud83d\\ude00\"] ", "[\"\uD83D\uDE00\"]"}
        };
        for (String[] c1 : cases) {
          var r =
              TestNodes.api(
                  node, "POST", "/api/publish", "{\"channel\":\"forms\",\"data\":" + c1[0] + "}");
          assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(c.take(3, WAIT)).containsExactly(cases[0][1], cases[1][1], cases[2][1]);
      }
    }

    @Test
    void broadcastReachesEveryChannel() throws Exception {
      try (JdkWebSocketClient a = JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=ba"));
          JdkWebSocketClient b = JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=bb"))) {
        TestNodes.awaitSubscribers(node, "ba", 1);
        TestNodes.awaitSubscribers(node, "bb", 1);
        var r =
            TestNodes.api(
                node, "POST", "/api/broadcast", "{\"channels\":[\"ba\",\"bb\"],\"data\":\"hi\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode results = json(r).get("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("channel").asText()).isEqualTo("ba");
        assertThat(results.get(0).get("offset").asLong()).isEqualTo(1);
        assertThat(a.next(WAIT)).isEqualTo("hi");
        assertThat(b.next(WAIT)).isEqualTo("hi");
      }
    }

    @Test
    void presenceChannelsAndConnectionsFollowConnectsAndDisconnects() throws Exception {
      JdkWebSocketClient one = JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=room"));
      try (JdkWebSocketClient two =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/ws?channel=room"))) {
        assertThat(two).isNotNull();
        TestNodes.awaitSubscribers(node, "room", 2);
        JsonNode p = json(TestNodes.api(node, "GET", "/api/presence?channel=room", null));
        assertThat(p.get("connections").asInt()).isEqualTo(2);
        assertThat(p.get("users").asInt()).isZero();
        assertThat(p.get("clients")).hasSize(2);
        assertThat(p.at("/clients/0/node").asText()).isEqualTo("node1");
        assertThat(p.at("/clients/0/connection").asText()).startsWith("node1:");

        JsonNode ch = json(TestNodes.api(node, "GET", "/api/channels", null));
        assertThat(ch.get("channels").findValuesAsText("channel")).contains("room");

        JsonNode conns = json(TestNodes.api(node, "GET", "/api/connections", null));
        assertThat(conns.get("count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(conns.get("connections").findValuesAsText("path")).contains("/", "/ws");

        one.close();
        await()
            .atMost(WAIT)
            .until(
                () -> {
                  try {
                    return json(TestNodes.api(node, "GET", "/api/presence?channel=room", null))
                            .get("connections")
                            .asInt()
                        == 1;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
      }
    }

    @Test
    void disconnectClosesTheConnection() throws Exception {
      try (JdkWebSocketClient c =
          JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=kick"))) {
        TestNodes.awaitSubscribers(node, "kick", 1);
        long id = node.hub().subscribers("kick").iterator().next();
        var r =
            TestNodes.api(
                node,
                "POST",
                "/api/disconnect",
                "{\"id\":\"node1:" + id + "\",\"reason\":\"bye\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("disconnected").asText()).isEqualTo("node1:" + id);
        assertThat(c.awaitClose(WAIT).code()).isEqualTo(1000);
        assertThat(c.awaitClose(WAIT).reason()).isEqualTo("bye");
        await().atMost(WAIT).until(() -> !node.server().exists(id));

        assertError(
            TestNodes.api(node, "POST", "/api/disconnect", "{\"id\":" + id + "}"),
            404,
            "no_connection",
            "no open connection node1:" + id + " on this node");
      }
    }

    @Test
    void statsHasServerHubAndPublicationCounters() throws Exception {
      TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"stats\",\"data\":1}");
      JsonNode s = json(TestNodes.api(node, "GET", "/api/stats", null));
      assertThat(s.get("node").asText()).isEqualTo("node1");
      assertThat(s.at("/server/connectionsOpened").isNumber()).isTrue();
      assertThat(s.at("/hub/channels").isNumber()).isTrue();
      assertThat(s.at("/publications/published/http").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(s.at("/api/requests").asLong()).isGreaterThanOrEqualTo(2);
    }
  }
}

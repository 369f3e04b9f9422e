package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.core.HttpResponse;
import dev.pushwire.server.internal.api.DashboardAccess;
import dev.pushwire.server.internal.api.DashboardAccess.Verdict;
import dev.pushwire.server.internal.config.ConfigYaml;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's browser-facing HTTP answers without a browser: the dashboard's files with their
 * content types, validators and security headers, {@code /pushwire.js} with CORS, the dashboard
 * turned off, who may load it ({@link DashboardAccess}), and the admin secret in config and API.
 */
@Timeout(120)
class DashboardRoutesTest {
  private static final InetSocketAddress REMOTE = new InetSocketAddress("10.1.2.3", 50000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 50000);
  private static final String SECRET = "admin-secret-0123456789";

  @Nested
  class Files {
    @Test
    void thePageIsHtmlWithASecurityPolicy() throws Exception {
      try (PushwireNode node = TestNodes.start(TestNodes.config().build())) {
        var r = TestNodes.send(node, "GET", "/", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("Content-Security-Policy"))
            .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.body()).contains("<title>Pushwire dashboard</title>");
      }
    }

    @Test
    void eachFileHasItsContentType() throws Exception {
      try (PushwireNode node = TestNodes.start(TestNodes.config().build())) {
        Map<String, String> types =
            Map.of(
                "/dashboard/dashboard.js", "text/javascript; charset=utf-8",
                "/dashboard/charts.js", "text/javascript; charset=utf-8",
                "/dashboard/dashboard.css", "text/css; charset=utf-8",
                "/dashboard/favicon.svg", "image/svg+xml",
                "/dashboard/settings.json", "application/json",
                "/pushwire.js", "text/javascript; charset=utf-8");
        for (var e : types.entrySet()) {
          var r = TestNodes.send(node, "GET", e.getKey(), null);
          assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
          assertThat(r.headers().firstValue("Content-Type")).as(e.getKey()).hasValue(e.getValue());
        }
      }
    }

    @Test
    void theClientMayBeImportedFromAnyOrigin() throws Exception {
      try (PushwireNode node = TestNodes.start(TestNodes.config().build())) {
        var r = TestNodes.send(node, "GET", "/pushwire.js", null);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.body()).contains("export class Pushwire");
      }
    }

    @Test
    void aCurrentCopyGets304() throws Exception {
      try (PushwireNode node = TestNodes.start(TestNodes.config().build())) {
        var first = TestNodes.send(node, "GET", "/dashboard/dashboard.js", null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        var again =
            TestNodes.send(node, "GET", "/dashboard/dashboard.js", null, "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        var other =
            TestNodes.send(node, "GET", "/dashboard/dashboard.js", null, "If-None-Match", "\"x\"");
        assertThat(other.statusCode()).isEqualTo(200);
      }
    }

    @Test
    void unknownFilesAre404AndOtherMethods405() throws Exception {
      try (PushwireNode node = TestNodes.start(TestNodes.config().build())) {
        assertThat(TestNodes.send(node, "GET", "/dashboard/nothing.js", null).statusCode())
            .isEqualTo(404);
        assertThat(TestNodes.send(node, "GET", "/dashboard/../pushwire.js", null).statusCode())
            .isIn(400, 404);
        var post = TestNodes.send(node, "POST", "/", "x");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
      }
    }

    @Test
    void settingsNameTheSubscriberPathAndTheSignIn() throws Exception {
      try (PushwireNode node =
          TestNodes.start(TestNodes.config().paths(List.of("/live", "/ws")).build())) {
        var r = TestNodes.send(node, "GET", "/dashboard/settings.json", null);
        assertThat(r.body().trim())
            .isEqualTo("{\"subscriberPaths\":[\"/live\",\"/ws\"],\"signIn\":\"key\"}");
      }
    }
  }

  @Nested
  class TurnedOff {
    @Test
    void thePathsAnswerAsBeforeButTheClientIsStillServed() throws Exception {
      try (PushwireNode node =
          TestNodes.start(TestNodes.config().dashboardEnabled(false).build())) {
        assertThat(TestNodes.send(node, "GET", "/", null).statusCode())
            .as("/ is a WebSocket path")
            .isEqualTo(426);
        var file = TestNodes.send(node, "GET", "/dashboard/dashboard.js", null);
        assertThat(file.statusCode()).isEqualTo(404);
        assertThat(file.body()).contains("not_found");
        assertThat(TestNodes.send(node, "GET", "/pushwire.js", null).statusCode()).isEqualTo(200);
      }
    }
  }

  @Nested
  class Access {
    private DashboardAccess access(String host, String secret, boolean enabled) {
      return DashboardAccess.of(
          ServerConfig.newBuilder()
              .host(host)
              .adminSecret(secret)
              .dashboardEnabled(enabled)
              .build());
    }

    @Test
    void loopbackIsServedWithoutASecret() {
      assertThat(access("127.0.0.1", null, true).check(REMOTE)).isEqualTo(Verdict.SERVE);
      assertThat(access("0.0.0.0", null, true).check(LOCAL)).isEqualTo(Verdict.SERVE);
      assertThat(access("localhost", null, true).boundToLoopback()).isTrue();
    }

    @Test
    void othersNeedTheAdminSecretAndSignInWithIt() {
      DashboardAccess open = access("0.0.0.0", null, true);
      assertThat(open.check(REMOTE)).isEqualTo(Verdict.REFUSE);
      HttpResponse refusal = open.refusal(REMOTE);
      assertThat(refusal.status()).isEqualTo(403);
      assertThat(new String(refusal.body(), StandardCharsets.UTF_8))
          .contains("10.1.2.3", "admin.secret", "--admin-secret", "ssh -L");

      DashboardAccess guarded = access("0.0.0.0", SECRET, true);
      assertThat(guarded.check(REMOTE)).isEqualTo(Verdict.SERVE);
      assertThat(guarded.needsAdminSecret(REMOTE)).isTrue();
      assertThat(guarded.needsAdminSecret(LOCAL)).isFalse();
    }

    @Test
    void turnedOffIsOffForEveryone() {
      assertThat(access("127.0.0.1", SECRET, false).check(LOCAL)).isEqualTo(Verdict.OFF);
    }
  }

  @Nested
  class AdminSecret {
    @Test
    void theApiAcceptsItLikeAKey() throws Exception {
      try (PushwireNode node = TestNodes.start(TestNodes.config().adminSecret(SECRET).build())) {
        assertThat(
                TestNodes.send(node, "GET", "/api/stats", null, "X-API-Key", SECRET).statusCode())
            .isEqualTo(200);
        assertThat(TestNodes.api(node, "GET", "/api/stats", null).statusCode()).isEqualTo(200);
      }
    }

    @Test
    void aShortOneIsAConfigErrorThatDoesNotRepeatIt() {
      assertThatThrownBy(() -> ServerConfig.newBuilder().adminSecret("short").build())
          .hasMessage(
              "admin.secret: bad value (expected 16 or more printable characters without spaces)");
      assertThatThrownBy(
              () ->
                  new ConfigLoader(Map.of("PUSHWIRE_ADMIN_SECRET", "short")).load(null, List.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("PUSHWIRE_ADMIN_SECRET");
    }

    @Test
    void theConfigPrintoutDoesNotShowIt() throws Exception {
      ServerConfig c =
          new ConfigLoader(Map.of("PUSHWIRE_ADMIN_SECRET", SECRET)).load(null, List.of());
      assertThat(c.adminSecret()).isEqualTo(SECRET);
      String yaml = ConfigYaml.write(c);
      assertThat(yaml).doesNotContain(SECRET).contains("# admin.secret: set, not shown");
      assertThat(c.toString()).doesNotContain(SECRET);
    }
  }
}

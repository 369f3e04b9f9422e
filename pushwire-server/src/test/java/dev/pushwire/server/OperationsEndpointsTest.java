package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} on an in-process node: they need no key,
 * readiness turns 503 as soon as a drain begins, and the Prometheus counters match a scenario
 * exactly (5 connections, 7 messages from them, 3 publications to all 5).
 */
@Timeout(60)
class OperationsEndpointsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private PushwireNode node;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private PushwireNode start() {
    node = TestNodes.start(TestNodes.config().nodeId("ops1").build());
    return node;
  }

  private JdkWebSocketClient connect(String pathAndQuery) throws Exception {
    JdkWebSocketClient s = JdkWebSocketClient.connect(TestNodes.ws(node, pathAndQuery));
    resources.add(s);
    return s;
  }

  private PrometheusText metrics() throws Exception {
    HttpResponse<String> r = TestNodes.send(node, "GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  @Test
  void healthReadinessAndMetricsNeedNoKey() throws Exception {
    start();

    HttpResponse<String> health = TestNodes.send(node, "GET", "/healthz", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");

    HttpResponse<String> ready = TestNodes.send(node, "GET", "/readyz", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("ready");
    assertThat(body.get("node").asText()).isEqualTo("ops1");
    assertThat(body.has("reason")).isFalse();

    HttpResponse<String> metrics = TestNodes.send(node, "GET", "/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText m = PrometheusText.parse(metrics.body());
    assertThat(m.value("pushwire_ready")).isEqualTo(1);
    assertThat(m.value("pushwire_node_info{node=\"ops1\",version=\"" + versionOf(m) + "\"}"))
        .isEqualTo(1);
    assertThat(m.value("pushwire_backend_up{backend=\"broker\",type=\"memory\"}")).isEqualTo(1);
    assertThat(m.value("pushwire_backend_errors_total{backend=\"registry\"}")).isZero();
    assertThat(m.samples().keySet())
        .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
        .anyMatch(k -> k.startsWith("jvm_gc_"))
        .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
        .anyMatch(k -> k.startsWith("pushwire_netty_allocator_used_bytes{"));

    assertThat(TestNodes.send(node, "POST", "/metrics", "").statusCode()).isEqualTo(405);
  }

  @Test
  void countersMatchFiveConnectionsSevenMessagesThreePublications() throws Exception {
    start();
    List<JdkWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clients.add(connect("/?channel=news:scenario"));
    }
    TestNodes.awaitSubscribers(node, "news:scenario", 5);
    for (int i = 0; i < 7; i++) {
      clients.get(i % 5).send("message " + i); // plain clients' messages are counted, not published
    }
    for (int i = 0; i < 3; i++) {
      var r =
          TestNodes.api(
              node,
              "POST",
              "/api/publish",
              "{\"channel\":\"news:scenario\",\"data\":\"p" + i + "\"}");
      assertThat(r.statusCode()).isEqualTo(200);
    }
    for (JdkWebSocketClient c : clients) {
      assertThat(c.take(3, WAIT)).containsExactly("p0", "p1", "p2");
    }
    await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                return metrics().value("pushwire_messages_received_total") == 7;
              } catch (Exception e) {
                return false;
              }
            });

    PrometheusText m = metrics();
    assertThat(m.value("pushwire_connections")).isEqualTo(5);
    assertThat(m.value("pushwire_connections_opened_total")).isEqualTo(5);
    assertThat(m.value("pushwire_messages_received_total")).isEqualTo(7);
    assertThat(m.value("pushwire_received_bytes_total")).isEqualTo(7 * "message 0".length());
    assertThat(m.value("pushwire_publications_total{channel_class=\"news\"}")).isEqualTo(3);
    assertThat(
            m.value("pushwire_publisher_publications_total{result=\"accepted\",source=\"http\"}"))
        .isEqualTo(3);
    assertThat(m.value("pushwire_deliveries_total{channel_class=\"news\"}")).isEqualTo(3);
    assertThat(m.value("pushwire_delivery_latency_seconds_count")).isEqualTo(3);
    assertThat(m.value("pushwire_delivery_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(3);
    assertThat(m.value("pushwire_messages_sent_total")).isEqualTo(3 * 5);
    assertThat(m.value("pushwire_sent_bytes_total")).isEqualTo(3 * 5 * "p0".length());
    assertThat(m.value("pushwire_channels")).isEqualTo(1);
    assertThat(m.value("pushwire_subscriptions")).isEqualTo(5);
    assertThat(m.value("pushwire_history_publications")).isEqualTo(3);
    assertThat(m.value("pushwire_slow_consumer_drops_total")).isZero();
    assertThat(m.value("pushwire_handshakes_refused_total{reason=\"origin\"}")).isZero();

    JsonNode totals = JSON.readTree(TestNodes.api(node, "GET", "/api/stats", null).body());
    assertThat(totals.get("node").asText()).isEqualTo("ops1");
    assertThat(totals.get("totals").get("messagesIn").asLong()).isEqualTo(7);
    assertThat(totals.get("totals").get("messagesOut").asLong()).isEqualTo(15);
    assertThat(totals.get("totals").get("publications").asLong()).isEqualTo(3);
    assertThat(totals.get("totals").get("deliveries").asLong()).isEqualTo(3);
    assertThat(totals.get("totals").get("drops").asLong()).isZero();
  }

  @Test
  void readyzAnswers503AsSoonAsTheDrainBeginsAndClientsGetWhatWasQueued() throws Exception {
    start();
    List<JdkWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(connect("/?channel=drain"));
    }
    TestNodes.awaitSubscribers(node, "drain", 3);
    for (int i = 0; i < 20; i++) {
      node.hub().publishText("drain", "m" + i).toCompletableFuture().join();
    }

    assertThat(node.beginDrain()).isTrue();
    HttpResponse<String> ready = TestNodes.send(node, "GET", "/readyz", null);
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("draining");
    assertThat(body.get("reason").asText()).contains("shutting down");
    assertThat(metrics().value("pushwire_ready")).isZero();
    assertThat(TestNodes.send(node, "GET", "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(node.isReady()).isFalse();

    node.drain(Duration.ofSeconds(5));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("m" + i);
    }
    for (JdkWebSocketClient c : clients) {
      assertThat(c.awaitClose(WAIT).code()).isEqualTo(1001);
      assertThat(c.drainTexts()).containsExactlyElementsOf(expected);
    }
    assertThat(node.beginDrain()).as("a drain begins once").isFalse();
  }

  @Test
  void readyzSaysDrainingForTheNoticeWhileTheNodeStillAcceptsClients() throws Exception {
    node =
        TestNodes.start(
            TestNodes.config().nodeId("ops2").drainNotice(Duration.ofSeconds(5)).build());
    JdkWebSocketClient early = connect("/?channel=drain");
    Thread drainer = new Thread(() -> node.drain(Duration.ofSeconds(20)), "drainer");
    drainer.start();
    try {
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .until(() -> TestNodes.send(node, "GET", "/readyz", null).statusCode() == 503);
      // Within the notice the listener is still open: a client that a load balancer sent before
      // it saw the 503 still gets in, and is then closed with 1001 like the others.
      JdkWebSocketClient late = connect("/?channel=drain");
      drainer.join(30_000);
      assertThat(drainer.isAlive()).isFalse();
      assertThat(early.awaitClose(WAIT).code()).isEqualTo(1001);
      assertThat(late.awaitClose(WAIT).code()).isEqualTo(1001);
    } finally {
      drainer.join(30_000);
    }
  }

  private static String versionOf(PrometheusText m) {
    return m.samples().keySet().stream()
        .filter(k -> k.startsWith("pushwire_node_info{"))
        .map(k -> k.replaceAll(".*version=\"([^\"]*)\".*", "$1"))
        .findFirst()
        .orElseThrow();
  }
}

package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.server.internal.WarmupClient;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The warm-up ({@code warmup.connections}): a node that warmed up shows what a node that did not
 * shows (registry, presence, channels, stats, metrics, log), and a warm-up that fails leaves a
 * warning and a node that serves.
 */
class WarmupTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONNECTIONS = 200;

  /** What a fresh node tells about itself, taken right after its start. */
  private record Seen(
      Map<String, String> metrics,
      JsonNode stats,
      Map<String, Integer> channels,
      int registered,
      int present,
      List<String> log) {}

  private static Seen startAndLook(ServerConfig config) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger ours = (Logger) LoggerFactory.getLogger("dev.pushwire");
    Level before = ours.getLevel();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    // At debug level each connection is logged: the warm-up's must not be.
    ours.setLevel(Level.DEBUG);
    try (PushwireNode node = PushwireNode.create(config)) {
      node.start();
      ours.setLevel(before);
      Map<String, String> metrics = counters(TestNodes.send(node, "GET", "/metrics", null).body());
      JsonNode stats = JSON.readTree(TestNodes.api(node, "GET", "/api/stats", null).body());
      return new Seen(
          metrics,
          stats,
          node.hub().channels(),
          get(() -> node.hub().registry().connections()).size(),
          get(() -> node.hub().registry().presence(WarmupClient.CHANNEL)).size(),
          log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
    } finally {
      ours.setLevel(before);
      root.detachAppender(log);
    }
  }

  private static <T> T get(Supplier<java.util.concurrent.CompletionStage<T>> call)
      throws Exception {
    return call.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * The node's own samples ({@code pushwire_*}), but those that tell the time or the JVM's and
   * Netty's memory, which differ between any two starts.
   */
  private static Map<String, String> counters(String prometheus) {
    Map<String, String> out = new TreeMap<>();
    for (String line : prometheus.split("\n")) {
      if (!line.startsWith("pushwire_")
          || line.contains("netty")
          || line.contains("uptime")
          || line.contains("start_time")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), line.substring(space + 1));
    }
    return out;
  }

  @Test
  void aNodeThatWarmedUpShowsWhatANodeThatDidNotShows() throws Exception {
    ServerConfigBuilder config = TestNodes.config().nodeId("same");
    Seen cold = startAndLook(config.warmupConnections(0).build());
    Seen warm = startAndLook(config.warmupConnections(CONNECTIONS).build());

    assertThat(warm.log())
        .anyMatch(l -> l.matches("INFO node same: warmed up with " + CONNECTIONS + " .*CPU\\)"));
    assertThat(warm.metrics()).isNotEmpty().isEqualTo(cold.metrics());
    for (String part : List.of("server", "hub", "api", "totals")) {
      assertThat(warm.stats().get(part)).as(part).isEqualTo(cold.stats().get(part));
    }
    assertThat(warm.stats().at("/server/connectionsOpened").asLong()).isZero();
    assertThat(warm.channels()).isEmpty();
    assertThat(warm.registered()).isZero();
    assertThat(warm.present()).isZero();
    // One node started, one listened and said so; nothing of the copy is in the log.
    assertThat(warm.log().stream().filter(l -> l.contains("listening on"))).hasSize(1);
    assertThat(warm.log()).noneMatch(l -> l.contains("connection") && l.contains("opened"));
    assertThat(warm.log()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
    assertThat(warm.log().stream().filter(l -> !l.startsWith("DEBUG")))
        .hasSize((int) cold.log().stream().filter(l -> !l.startsWith("DEBUG")).count() + 1);
  }

  @Test
  void aNodeWhoseWarmupFailsWarnsAndServes() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the copy cannot listen there.
    try (PushwireNode node =
        PushwireNode.create(TestNodes.config().warmupConnections(20).build(), "192.0.2.1")) {
      node.start();
      assertThat(node.isReady()).isTrue();
      assertThat(log.list)
          .anyMatch(
              e ->
                  e.getLevel() == Level.WARN
                      && e.getFormattedMessage().contains("the warm-up failed")
                      && e.getFormattedMessage().contains("192.0.2.1"));
      JdkWebSocketClient client = JdkWebSocketClient.connect(TestNodes.ws(node, "/?channel=news"));
      TestNodes.awaitSubscribers(node, "news", 1);
      node.hub().publishText("news", "still serving");
      assertThat(client.nextText()).isEqualTo("still serving");
    } finally {
      root.detachAppender(log);
    }
  }

  @Test
  void theConnectionCountIsCheckedFromJavaToo() {
    assertThat(ServerConfig.DEFAULT.warmupConnections())
        .isEqualTo(ServerConfig.DEFAULT_WARMUP_CONNECTIONS);
    assertThatThrownBy(() -> ServerConfig.newBuilder().warmupConnections(-1).build())
        .hasMessage("warmup.connections: bad value '-1' (expected 0 (off) to 20000)");
    assertThatThrownBy(() -> ServerConfig.newBuilder().warmupConnections(20_001).build())
        .hasMessage("warmup.connections: bad value '20001' (expected 0 (off) to 20000)");
  }
}

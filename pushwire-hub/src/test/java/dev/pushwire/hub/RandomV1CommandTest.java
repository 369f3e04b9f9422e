package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.slf4j.LoggerFactory;

/**
 * Random {@code pushwire.v1} command sequences against a hub on a running server, each on a fresh
 * connection: every command gets a reply with its id and a result or an error with a code, unless
 * the garbage limit closes the connection with 1008 first; no exception escapes (nothing logged at
 * ERROR, no close with 1011), and every connection is gone afterwards.
 */
class RandomV1CommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = JdkWebSocketClient.WAIT;

  private WebSocketServer server;
  private Hub hub;
  private final List<String> errors = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          if (e.getLevel().isGreaterOrEqual(Level.ERROR)
              || String.valueOf(e.getFormattedMessage()).contains("reached at the tail")) {
            synchronized (errors) {
              errors.add(e.getLoggerName() + ": " + e.getFormattedMessage());
            }
          }
        }
      };

  @BeforeProperty
  void start() {
    appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    appender.start();
    root().addAppender(appender);
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(2)
                .subprotocols(Hub.SUBPROTOCOL)
                .build());
    hub = Hub.create(server, HubConfig.newBuilder().nodeId("fuzz").build());
    hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canPublish(ConnectionInfo connection, String channel) {
            return !channel.startsWith("private");
          }

          @Override
          public boolean canSubscribe(ConnectionInfo connection, String channel) {
            return !channel.startsWith("private");
          }
        });
    server.start();
  }

  @AfterProperty
  void stop() throws InterruptedException {
    try {
      await("every connection closed")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(10))
          .untilAsserted(
              () -> assertThat(server.connectionCount()).as("connections left").isZero());
      assertThat(server.stats().protocolCloses()).doesNotContainKey(1011);
      synchronized (errors) {
        assertThat(errors).as("errors logged").isEmpty();
      }
    } finally {
      hub.close();
      server.stop(Duration.ofSeconds(2));
      root().detachAppender(appender);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Property(tries = 300)
  void everyCommandIsAnsweredOrTheGarbageLimitCloses(
      @ForAll("commandSequences") List<String> commands) throws Exception {
    JdkWebSocketClient c =
        JdkWebSocketClient.to("ws://127.0.0.1:" + server.port() + "/")
            .subprotocols(Hub.SUBPROTOCOL)
            .connect();
    try {
      for (String cmd : commands) {
        if (c.isClosed()) {
          break;
        }
        c.socket().sendText(cmd, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      List<JsonNode> replies = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (replies.size() < commands.size() && System.nanoTime() < deadline) {
        Object text = c.poll(Duration.ofMillis(20));
        if (text == null && c.isClosed()) {
          text = c.poll(Duration.ZERO); // the last messages came before the close
          if (text == null) {
            break;
          }
        }
        if (text != null) {
          JsonNode m = JSON.readTree((String) text);
          if (m.has("id")) {
            replies.add(m); // pushes (publications to our own subscriptions) carry no id
          }
        }
      }
      for (JsonNode r : replies) {
        boolean ok = r.has("result") ^ (r.has("error") && r.get("error").get("code").isTextual());
        assertThat(ok).as("reply %s", r).isTrue();
      }
      if (c.isClosed()) {
        assertThat(c.awaitClose().code()).as("close code").isEqualTo(1008);
      } else {
        assertThat(replies).as("replies to %s", commands).hasSize(commands.size());
      }
    } finally {
      c.socket().abort();
    }
  }

  // ---- generators ---------------------------------------------------------------------------

  @Provide
  Arbitrary<List<String>> commandSequences() {
    return command().list().ofMinSize(1).ofMaxSize(10);
  }

  private Arbitrary<String> command() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, shapedCommand()),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(40)),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.of(
                "",
                "null",
                "[]",
                "42",
                "\"x\"",
                "{",
                "{\"id\":1,\"op\":\"ping\"",
                "[".repeat(2000),
                "{\"id\":" + "9".repeat(400) + ",\"op\":\"ping\"}",
                "{\"id\":1,\"op\":\"ping\",\"id\":2}")));
  }

  private Arbitrary<String> shapedCommand() {
    Arbitrary<Object> id =
        Arbitraries.oneOf(
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(70).map(s -> (Object) s),
            Arbitraries.of((Object) null, (Object) 1.5, (Object) true, (Object) List.of()),
            Arbitraries.just((Object) MISSING));
    Arbitrary<Object> op =
        Arbitraries.oneOf(
            Arbitraries.of(
                "subscribe",
                "unsubscribe",
                "publish",
                "history",
                "presence",
                "ping",
                "connect",
                "refresh"),
            Arbitraries.strings().ofMaxLength(50).map(s -> s),
            Arbitraries.of((Object) 7, (Object) null, (Object) MISSING));
    Arbitrary<Object> channel =
        Arbitraries.oneOf(
            Arbitraries.of("news", "chat:1", "private:x", "user:u", "a b", "", "x".repeat(201)),
            Arbitraries.strings().ofMaxLength(30).map(s -> s),
            Arbitraries.of((Object) 3, (Object) null, (Object) MISSING));
    Arbitrary<Object> since =
        Arbitraries.oneOf(
            Arbitraries.of((Object) MISSING, (Object) null, (Object) "x", (Object) List.of(1)),
            Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMaxLength(8))
                .as(
                    (o, e) ->
                        (Object)
                            new java.util.LinkedHashMap<>(
                                java.util.Map.of("offset", o, "epoch", e))));
    Arbitrary<Object> limit =
        Arbitraries.oneOf(
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.of(
                (Object) MISSING, (Object) "10", (Object) (-1L), (Object) Long.MAX_VALUE));
    Arbitrary<Object> data =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30).map(s -> (Object) s),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.of(
                (Object) MISSING, (Object) null, (Object) java.util.Map.of("k", List.of(1, "2"))));
    return Combinators.combine(id, op, channel, since, limit, data)
        .as(
            (i, o, ch, s, l, d) -> {
              ObjectNode n = JSON.createObjectNode();
              put(n, "id", i);
              put(n, "op", o);
              put(n, "channel", ch);
              put(n, "since", s);
              put(n, "limit", l);
              put(n, "data", d);
              return n.toString();
            });
  }

  private static final Object MISSING = new Object();

  private static void put(ObjectNode n, String field, Object value) {
    if (value != MISSING) {
      n.set(field, JSON.valueToTree(value));
    }
  }
}

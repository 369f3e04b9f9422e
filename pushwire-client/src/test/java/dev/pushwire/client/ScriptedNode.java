package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket server (core's {@link WebSocketServer}) that speaks {@code pushwire.v1} only as
 * far as a test scripts it: it hands the test each command a client sends, and sends exactly the
 * frames the test tells it to (replies, pushes, {@code unsubscribed} notices, close codes). For the
 * delivery signals a real node sends rarely or not yet: close 4008, {@code unsubscribed}, {@code
 * lost}, a push that skips offsets. It answers {@code ping} by itself.
 */
final class ScriptedNode implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A command from connection {@code connection}. */
  record Command(long connection, JsonNode json) {
    String op() {
      return json.path("op").asText();
    }

    long id() {
      return json.path("id").asLong();
    }

    String channel() {
      return json.path("channel").asText();
    }

    /** The {@code since} position, or {@code null}. */
    Position since() {
      JsonNode s = json.get("since");
      return s == null ? null : new Position(s.get("offset").asLong(), s.get("epoch").asText());
    }
  }

  final WebSocketServer server;
  private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
  private final BlockingQueue<Long> opened = new LinkedBlockingQueue<>();

  ScriptedNode() {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .subprotocols(PushwireClient.SUBPROTOCOL)
                .build());
    server.onOpen((s, info) -> opened.add(info.connectionId()));
    server.onMessage(
        (s, m) -> {
          JsonNode json = JSON.readTree(m.text());
          if ("ping".equals(json.path("op").asText())) {
            s.push(m.connectionId(), "{\"id\":" + json.get("id") + ",\"result\":{}}");
          } else {
            commands.add(new Command(m.connectionId(), json));
          }
        });
    server.start();
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  /** The next connection that opens. */
  long nextConnection() throws InterruptedException {
    Long id = opened.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(id).as("a connection opened within %s", WAIT).isNotNull();
    return id;
  }

  /** The next command, which must be {@code op}. */
  Command expect(String op) throws InterruptedException {
    Command c = commands.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(c).as("a %s command within %s", op, WAIT).isNotNull();
    assertThat(c.op()).as("the next command: %s", c.json()).isEqualTo(op);
    return c;
  }

  /** The next command, or {@code null} if none comes within {@code wait}. */
  Command poll(Duration wait) throws InterruptedException {
    return commands.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Replies to {@code c} with {@code result}, a JSON object's text. */
  void reply(Command c, String result) {
    send(c.connection(), "{\"id\":" + c.id() + ",\"result\":" + result + "}");
  }

  /** Replies to {@code c} with an error. */
  void error(Command c, String code, String message) {
    send(
        c.connection(),
        "{\"id\":"
            + c.id()
            + ",\"error\":{\"code\":\""
            + code
            + "\",\"message\":\""
            + message
            + "\"}}");
  }

  /** Answers a subscribe: live from {@code offset} of {@code epoch}. */
  void subscribed(Command c, boolean recovered, long offset, String epoch) {
    reply(
        c,
        "{\"channel\":\""
            + c.channel()
            + "\",\"recovered\":"
            + recovered
            + ",\"offset\":"
            + offset
            + ",\"epoch\":\""
            + epoch
            + "\"}");
  }

  /**
   * Sends pushes {@code from..to} of {@code epoch} on {@code channel}, with data "m&lt;offset&gt;".
   */
  void push(long connection, String channel, String epoch, long from, long to) {
    for (long o = from; o <= to; o++) {
      send(
          connection,
          "{\"channel\":\""
              + channel
              + "\",\"offset\":"
              + o
              + ",\"epoch\":\""
              + epoch
              + "\",\"data\":\"m"
              + o
              + "\"}");
    }
  }

  void send(long connection, String text) {
    assertThat(server.push(connection, text)).as("connection %s is open", connection).isTrue();
  }

  void disconnect(long connection, int code, String reason) {
    server.disconnect(connection, code, reason);
  }

  @Override
  public void close() {
    server.stop(Duration.ofSeconds(1));
  }
}

package dev.pushwire.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server against Debian's Python {@code websockets} (10.4), an implementation with nothing in
 * common with Netty: echo of text, binary and fragmented messages, pings, close codes both ways,
 * the size limit, and permessage-deflate as that client offers it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PythonWebsocketsClientTest {
  private final List<CloseEvent> closes = new CopyOnWriteArrayList<>();
  private final List<String> extensions = new CopyOnWriteArrayList<>();
  private WebSocketServer server;
  private String url;

  @BeforeEach
  void startServer() {
    server = WebSocketServer.create(ServerSettings.newBuilder().host("127.0.0.1").port(0).build());
    server.onOpen((srv, conn) -> extensions.add(conn.extensions()));
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.push(msg.connectionId(), msg.data());
          } else if (msg.text().equals("please disconnect")) {
            srv.disconnect(msg.connectionId(), 4001, "requested");
          } else {
            srv.push(msg.connectionId(), msg.text());
          }
        });
    server.onClose((srv, event) -> closes.add(event));
    url = "ws://127.0.0.1:" + server.start() + "/";
  }

  @AfterEach
  void stopServer() {
    server.stop(Duration.ofSeconds(2));
  }

  private PeerResult run(String scenario) {
    PeerResult r =
        PeerScript.python("websockets_client.py").run(Duration.ofSeconds(40), url, scenario);
    assertThat(r.flag("ok")).as("%s", r).isTrue();
    return r;
  }

  @Test
  void textIsEchoed() {
    PeerResult r = run("text_echo");

    assertThat(r.flag("echoed")).as("%s", r).isTrue();
    assertThat(r.string("kind")).isEqualTo("str");
  }

  @Test
  void binaryIsEchoed() {
    PeerResult r = run("binary_echo");

    assertThat(r.flag("echoed")).as("%s", r).isTrue();
    assertThat(r.string("kind")).isEqualTo("bytes");
  }

  @Test
  void fragmentedMessagesAreJoinedAndEchoed() {
    PeerResult r = run("fragmented_echo");

    assertThat(r.flag("textEchoed")).as("%s", r).isTrue();
    assertThat(r.flag("binaryEchoed")).as("%s", r).isTrue();
  }

  @Test
  void pingsGetPongsWithTheirPayload() {
    PeerResult r = run("ping_pong");

    assertThat(r.number("pongs")).isEqualTo(3);
  }

  @Test
  void clientCloseCodeAndReasonReachTheServer() {
    PeerResult r = run("client_close_code");

    assertThat(r.number("closeCode")).as("code of the server's close reply").isEqualTo(4000);
    awaitCloses(1);
    assertThat(closes)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.code()).isEqualTo(4000);
              assertThat(e.reason()).isEqualTo("bye");
              assertThat(e.byServer()).isFalse();
            });
  }

  @Test
  void serverCloseCodeAndReasonReachTheClient() {
    PeerResult r = run("server_close_code");

    assertThat(r.number("closeCode")).as("%s", r).isEqualTo(4001);
    assertThat(r.string("closeReason")).isEqualTo("requested");
    awaitCloses(1);
    assertThat(closes).singleElement().extracting(CloseEvent::byServer).isEqualTo(true);
  }

  @Test
  void tooBigMessageIsRefusedWith1009() {
    PeerResult r = run("too_big");

    assertThat(r.number("closeCode")).as("%s", r).isEqualTo(1009);
  }

  @Test
  void permessageDeflateIsNegotiatedWithPython() {
    PeerResult r = run("compression");

    assertThat(r.flag("echoed")).as("%s", r).isTrue();
    assertThat(r.list("negotiated")).containsExactly("permessage-deflate");
    assertThat(r.string("extensions")).contains("server_no_context_takeover");
    assertThat(extensions).singleElement().asString().startsWith("permessage-deflate");
  }

  private void awaitCloses(int n) {
    await("closes").atMost(Duration.ofSeconds(30)).until(() -> closes.size() >= n);
  }
}

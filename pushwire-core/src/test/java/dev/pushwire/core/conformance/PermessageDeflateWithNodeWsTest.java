package dev.pushwire.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.ServerSettingsBuilder;
import dev.pushwire.core.WebSocketServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 7692 permessage-deflate between the server and Node's {@code ws}: what is negotiated, that
 * compressed messages round-trip both ways, and that offers the server cannot or must not accept
 * are declined without failing the handshake.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PermessageDeflateWithNodeWsTest {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern SERVER_WINDOW = Pattern.compile("server_max_window_bits=(\\d+)");

  private final List<String> serverSideExtensions = new CopyOnWriteArrayList<>();
  private WebSocketServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  /** An echo server on 127.0.0.1 with messages up to 1 MiB; returns its URL. */
  private String startEchoServer(ServerSettingsBuilder settings) {
    server =
        WebSocketServer.create(
            settings.host("127.0.0.1").port(0).maxMessageSize(1024 * 1024).build());
    server.onOpen((srv, conn) -> serverSideExtensions.add(conn.extensions()));
    server.onMessage(
        (srv, msg) -> {
          if (msg.binary()) {
            srv.push(msg.connectionId(), msg.data());
          } else {
            srv.push(msg.connectionId(), msg.text());
          }
        });
    return "ws://127.0.0.1:" + server.start() + "/";
  }

  private static PeerResult roundTrip(String url, String optionsJson) {
    return PeerScript.node("deflate_roundtrip.js").run(SCRIPT_TIMEOUT, url, optionsJson);
  }

  private static PeerResult offer(String url, String... offers) {
    String[] args = new String[offers.length + 1];
    args[0] = url;
    System.arraycopy(offers, 0, args, 1, offers.length);
    return PeerScript.node("deflate_offers.js").run(SCRIPT_TIMEOUT, args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyOffer(PeerResult r) {
    assertThat(r.list("results")).as("%s", r).hasSize(1);
    return (Map<String, Object>) r.list("results").get(0);
  }

  private static void assertAllEchoed(PeerResult r) {
    assertThat(r.flag("opened")).as("opened: %s", r).isTrue();
    assertThat(r.list("mismatches")).as("mismatches: %s", r).isEmpty();
    assertThat(r.number("echoed")).as("echoed: %s", r).isEqualTo(r.number("sent"));
    assertThat(r.number("closeCode")).as("close code: %s", r).isEqualTo(1000);
  }

  @Test
  void wsOfferIsAcceptedWithServerNoContextTakeover() {
    String url = startEchoServer(ServerSettings.newBuilder());

    PeerResult r =
        roundTrip(url, "{\"messages\": [{\"kind\": \"text\", \"size\": 1000, \"count\": 1}]}");

    assertAllEchoed(r);
    assertThat(r.string("extensions"))
        .as("Sec-WebSocket-Extensions of the 101 response")
        .startsWith("permessage-deflate")
        .contains("server_no_context_takeover");
    assertThat(serverSideExtensions).singleElement().asString().startsWith("permessage-deflate");
  }

  @Test
  void largeRepetitiveMessagesTravelCompressedBothWays() {
    String url = startEchoServer(ServerSettings.newBuilder());

    PeerResult r =
        roundTrip(
            url,
            "{\"messages\": [{\"kind\": \"text\", \"size\": 262144, \"count\": 4},"
                + " {\"kind\": \"binary\", \"size\": 262144, \"count\": 4}]}");

    assertAllEchoed(r);
    assertThat(r.number("payloadSent")).isEqualTo(8 * 262144L);
    // Both directions on the wire are a small fraction of the payload: both sides compressed.
    assertThat(r.number("bytesWritten"))
        .as("bytes the client wrote for %d payload bytes", r.number("payloadSent"))
        .isLessThan(r.number("payloadSent") / 20);
    assertThat(r.number("bytesRead"))
        .as("bytes the client read for %d payload bytes", r.number("payloadReceived"))
        .isLessThan(r.number("payloadReceived") / 20);
    // The server counts what it inflated.
    assertThat(server.stats().bytesIn()).isEqualTo(r.number("payloadSent"));
  }

  @Test
  void windowBitsOf10OfferedByWsStillWork() {
    String url = startEchoServer(ServerSettings.newBuilder());

    // Repetitive and incompressible payloads: the latter need more output than input.
    PeerResult r =
        roundTrip(
            url,
            "{\"perMessageDeflate\": {\"serverMaxWindowBits\": 10, \"clientMaxWindowBits\": 10},"
                + " \"messages\": [{\"kind\": \"text\", \"size\": 100000, \"count\": 2},"
                + " {\"kind\": \"binary\", \"size\": 20000, \"pattern\": \"random\", \"count\": 3},"
                + " {\"kind\": \"text\", \"size\": 5000, \"pattern\": \"random\", \"count\": 2}]}");

    // Declining the offer is allowed (RFC 7692 7.1.2.1); accepting it means honouring it.
    String ext = r.string("extensions");
    if (ext != null) {
      Matcher m = SERVER_WINDOW.matcher(ext);
      assertThat(m.find())
          .as("accepted server_max_window_bits=10 must be confirmed: %s", ext)
          .isTrue();
      assertThat(Integer.parseInt(m.group(1))).isLessThanOrEqualTo(10);
    }
    assertAllEchoed(r);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "permessage-deflate; server_max_window_bits=99",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; unknown_parameter",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits=10; client_max_window_bits=12"
      })
  void malformedOfferIsDeclinedButTheHandshakeSucceeds(String malformed) {
    String url = startEchoServer(ServerSettings.newBuilder());

    Map<String, Object> answer = onlyOffer(offer(url, malformed));

    assertThat(answer.get("status")).as("%s", answer).isEqualTo(101L);
    assertThat(answer.get("extensions")).as("%s", answer).isNull();
  }

  @Test
  void malformedOfferSentAsWsHeaderStillConnectsAndEchoes() {
    String url = startEchoServer(ServerSettings.newBuilder());

    // ws itself offers nothing; the raw header is the only offer and the server must decline it.
    PeerResult r =
        roundTrip(
            url,
            "{\"perMessageDeflate\": false,"
                + " \"headers\": {\"Sec-WebSocket-Extensions\":"
                + " \"permessage-deflate; server_max_window_bits=99\"},"
                + " \"messages\": [{\"kind\": \"text\", \"size\": 5000, \"count\": 2}]}");

    assertAllEchoed(r);
    assertThat(r.string("extensions")).isNull();
  }

  @Test
  void validOfferAfterMalformedOneIsAccepted() {
    String url = startEchoServer(ServerSettings.newBuilder());

    Map<String, Object> answer =
        onlyOffer(
            offer(
                url,
                "permessage-deflate; server_max_window_bits=99,"
                    + " permessage-deflate; client_max_window_bits"));

    assertThat(answer.get("status")).isEqualTo(101L);
    assertThat((String) answer.get("extensions"))
        .startsWith("permessage-deflate")
        .contains("server_no_context_takeover")
        .doesNotContain("=99");
  }

  @Test
  void offeredServerMaxWindowBits15IsConfirmedInTheResponse() {
    String url = startEchoServer(ServerSettings.newBuilder());

    // RFC 7692 7.1.2.1: "A server accepts an extension negotiation offer with this parameter by
    // including the server_max_window_bits extension parameter in the extension negotiation
    // response"; spec-strict clients (Python websockets) refuse a response without it.
    Map<String, Object> answer =
        onlyOffer(offer(url, "permessage-deflate; server_max_window_bits=15"));

    assertThat(answer.get("status")).isEqualTo(101L);
    String ext = (String) answer.get("extensions");
    if (ext != null) {
      assertThat(ext)
          .as("response to server_max_window_bits=15")
          .contains("server_max_window_bits");
    }
  }

  @Test
  void connectionInfoReportsTheExtensionsAsSentInTheResponse() {
    String url = startEchoServer(ServerSettings.newBuilder());

    // ws offers client_max_window_bits=10, which the server accepts and confirms.
    PeerResult r =
        roundTrip(
            url,
            "{\"perMessageDeflate\": {\"clientMaxWindowBits\": 10},"
                + " \"messages\": [{\"kind\": \"text\", \"size\": 1000, \"count\": 1}]}");

    assertAllEchoed(r);
    assertThat(r.string("extensions")).contains("client_max_window_bits=10");
    // ConnectionInfo.extensions(): "the negotiated extensions as sent in Sec-WebSocket-Extensions".
    assertThat(serverSideExtensions)
        .singleElement()
        .extracting(e -> e.replace(" ", ""))
        .isEqualTo(r.string("extensions").replace(" ", ""));
  }

  @Test
  void compressionOffInSettingsMeansNoExtension() {
    String url = startEchoServer(ServerSettings.newBuilder().compression(false));

    PeerResult r =
        roundTrip(url, "{\"messages\": [{\"kind\": \"text\", \"size\": 20000, \"count\": 2}]}");

    assertAllEchoed(r);
    assertThat(r.string("extensions")).isNull();
    assertThat(serverSideExtensions).containsExactly("");
    // Uncompressed on the wire.
    assertThat(r.number("bytesRead")).isGreaterThan(r.number("payloadReceived"));
  }
}

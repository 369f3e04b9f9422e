package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.hub.Hub;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers that used to be unclear get a JSON error in the project's words: a body too large for the
 * node (refused before the API sees it) is a 413 with the limit, counted like the API's own 413s;
 * an API key sent as {@code Authorization: Bearer KEY} is accepted; JSON nested too deeply is named
 * as such on the API and in {@code pushwire.v1} commands; a publisher socket with two channels is
 * refused.
 */
@Timeout(60)
class ClearHttpAnswersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static PushwireNode node;

  @BeforeAll
  static void start() {
    node = TestNodes.start(TestNodes.config().build()); // api.max-body-size: 1 MiB
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aThreeMegabyteBodyFromCurlGetsAJson413WithTheLimitAndIsCounted(@TempDir Path dir)
      throws Exception {
    Path body = dir.resolve("body.json");
    Files.writeString(body, "{\"channel\":\"big\",\"data\":\"" + "a".repeat(3_000_000) + "\"}");
    double metricBefore = tooLargeInMetrics();
    long statsBefore = tooLargeInStats();
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-o",
                dir.resolve("answer").toString(),
                "-w",
                "%{http_code} %{content_type}",
                "-H",
                "X-API-Key: " + TestNodes.KEY,
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@" + body,
                "http://127.0.0.1:" + node.port() + "/api/publish")
            .redirectErrorStream(true)
            .start();
    String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as(status).isZero();
    assertThat(status).startsWith("413 application/json");
    JsonNode error = JSON.readTree(Files.readString(dir.resolve("answer"))).get("error");
    assertThat(error.get("code").asText()).isEqualTo("payload_too_large");
    assertThat(error.get("message").asText()).contains("at most 1048576 allowed");
    assertThat(tooLargeInMetrics()).isEqualTo(metricBefore + 1);
    assertThat(tooLargeInStats()).isEqualTo(statsBefore + 1);
  }

  @Test
  void aStreamedBodyOverTheLimitGetsTheSameAnswer() throws Exception {
    double before = tooLargeInMetrics();
    String answer =
        raw(
            "POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
                + TestNodes.KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            3 * 1024 * 1024);
    assertThat(answer).startsWith("HTTP/1.1 413");
    assertThat(answer).contains("\"code\":\"payload_too_large\"").contains("1048576");
    assertThat(tooLargeInMetrics()).isEqualTo(before + 1);
  }

  @Test
  void anApiKeyAsABearerTokenIsAccepted() throws Exception {
    HttpResponse<String> r =
        TestNodes.send(node, "GET", "/api/stats", null, "Authorization", "Bearer " + TestNodes.KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HttpResponse<String> wrong =
        TestNodes.send(node, "GET", "/api/stats", null, "Authorization", "Bearer nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(wrong.body()).at("/error/message").asText())
        .isEqualTo("wrong API key");
  }

  @Test
  void jsonNestedTooDeeplyIsNamedAsSuchOnTheApi() throws Exception {
    String deep = "[".repeat(1_001) + "]".repeat(1_001);
    HttpResponse<String> r =
        TestNodes.api(node, "POST", "/api/publish", "{\"channel\":\"deep\",\"data\":" + deep + "}");
    assertThat(r.statusCode()).isEqualTo(400);
    String message = JSON.readTree(r.body()).at("/error/message").asText();
    assertThat(message).contains("nested more than 1000 levels deep");
    assertThat(message).doesNotContain("StreamReadConstraints").doesNotContain("getMax");
  }

  @Test
  void jsonNestedTooDeeplyIsNamedAsSuchInV1Commands() throws Exception {
    String deep = "[".repeat(1_001) + "]".repeat(1_001);
    try (JdkWebSocketClient c =
        JdkWebSocketClient.connect(TestNodes.ws(node, "/"), Hub.SUBPROTOCOL)) {
      c.send("{\"id\":1,\"op\":\"publish\",\"channel\":\"deep\",\"data\":" + deep + "}");
      JsonNode reply = JSON.readTree(c.next(WAIT));
      assertThat(reply.at("/error/code").asText()).isEqualTo("bad_request");
      String message = reply.at("/error/message").asText();
      assertThat(message).contains("nested more than 1000 levels deep");
      assertThat(message).doesNotContain("StreamReadConstraints").doesNotContain("getMax");
    }
  }

  @Test
  void aPublisherSocketWithTwoChannelsIsRefused() throws Exception {
    String answer =
        raw(
            "GET /publish?channel=a&channel=b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
                + TestNodes.KEY
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            0);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).contains("one channel");
  }

  private static double tooLargeInMetrics() throws Exception {
    return PrometheusText.parse(TestNodes.send(node, "GET", "/metrics", null).body())
        .value("pushwire_api_too_large_total");
  }

  private static long tooLargeInStats() throws Exception {
    return JSON.readTree(TestNodes.api(node, "GET", "/api/stats", null).body())
        .at("/api/tooLarge")
        .asLong();
  }

  /**
   * Sends {@code head}, then (when {@code chunkedBytes} is more than 0) that many body bytes in
   * chunks for as long as the server reads them; returns the whole answer.
   */
  private static String raw(String head, int chunkedBytes) throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'a');
      try {
        for (int sent = 0; sent < chunkedBytes; sent += chunk.length) {
          out.write(
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (chunkedBytes > 0) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (java.io.IOException e) {
        // The server answered and closed before taking the whole body: read what it said.
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try {
        in.transferTo(got);
      } catch (java.net.SocketException e) {
        // reset after the answer: what arrived is kept
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }
}

package dev.pushwire.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketClient;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.core.testing.JdkWebSocketClient;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * wss:// served from PEM files: the JDK's WebSocket client and Pushwire's own client connect when
 * they trust the certificate, and are refused when they do not.
 */
@Timeout(120)
class ServerTlsTest {
  @TempDir static Path dir;
  static Path cert;
  static Path key;
  static WebSocketServer server;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("openssl (installed by scripts/test-setup) made a certificate: %s", out)
        .isTrue();
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder().host("127.0.0.1").port(0).tls(cert, key).build());
    server.onMessage((srv, m) -> srv.push(m.connectionId(), "tls:" + m.text()));
    port = server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(2));
    }
  }

  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void jdkClientTrustingTheCertificateEchoesOverWss() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(trusting(cert)).build();
    try (JdkWebSocketClient ws =
        JdkWebSocketClient.to("wss://127.0.0.1:" + port + "/").httpClient(http).connect()) {
      ws.send("hello");
      assertThat(ws.nextText()).isEqualTo("tls:hello");
    }
  }

  @Test
  void jdkClientWithoutTrustIsRefused() {
    HttpClient http = HttpClient.newHttpClient();
    assertThatThrownBy(
            () ->
                JdkWebSocketClient.to("wss://127.0.0.1:" + port + "/")
                    .httpClient(http)
                    .connectAsync()
                    .get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }

  @Test
  void pushwireClientTrustingTheCaFileEchoes() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    try (WebSocketClient client =
        WebSocketClient.create(
            URI.create("wss://127.0.0.1:" + port + "/"),
            ClientSettings.newBuilder().trustedCaFile(cert).build())) {
      client.onMessage((c, m) -> reply.complete(m.text()));
      client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      client.sendText("again");
      assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("tls:again");
    }
  }

  @Test
  void unreadableKeyFailsStartWithAClearMessage() throws Exception {
    Path bogus = dir.resolve("bogus.pem");
    Files.writeString(bogus, "not a key");
    WebSocketServer bad =
        WebSocketServer.create(
            ServerSettings.newBuilder().host("127.0.0.1").port(0).tls(cert, bogus).build());
    assertThatThrownBy(bad::start)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot load TLS certificate")
        .hasMessageContaining("bogus.pem");
  }
}

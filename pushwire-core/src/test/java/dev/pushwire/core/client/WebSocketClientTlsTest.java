package dev.pushwire.core.client;

import static dev.pushwire.core.client.WebSocketClientAgainstNodeWsTest.await;
import static dev.pushwire.core.client.WebSocketClientAgainstNodeWsTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.WebSocketClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that {@code wss://} verifies the server: a certificate from the CA in {@link
 * ClientSettings#trustedCaFile()} is accepted, one the JDK's trust store does not know is refused,
 * and so is a trusted certificate issued for another host. The peers are Node {@code ws} servers
 * with certificates that {@code openssl} makes for the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketClientTlsTest {
  @TempDir static Path dir;

  private static Path caFile;
  private static NodeWsServer node;
  private static NodeWsServer otherHostNode;

  private final List<WebSocketClient> clients = new ArrayList<>();

  @BeforeAll
  static void makeCertificatesAndStartNode() throws Exception {
    assumeTrue(canRun("openssl", "version"), "openssl is needed to make test certificates");
    write(
        "ca.cnf",
        "[req]\n"
            + "distinguished_name = dn\n"
            + "prompt = no\n"
            + "x509_extensions = ca_ext\n"
            + "[dn]\n"
            + "CN = Pushwire Test CA\n"
            + "[ca_ext]\n"
            + "basicConstraints = critical,CA:TRUE\n"
            + "keyUsage = critical,keyCertSign,cRLSign\n"
            + "subjectKeyIdentifier = hash\n");
    openssl(
        "req",
        "-x509",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-config",
        "ca.cnf");
    caFile = dir.resolve("ca.pem");
    issue("server", 2, "IP:127.0.0.1");
    issue("other-host", 3, "DNS:other.example");
    node = NodeWsServer.start("--cert", path("server.pem"), "--key", path("server.key"));
    otherHostNode =
        NodeWsServer.start("--cert", path("other-host.pem"), "--key", path("other-host.key"));
  }

  private static void issue(String name, int serial, String subjectAltName) throws Exception {
    write(
        name + ".ext",
        "basicConstraints = critical,CA:FALSE\n"
            + "keyUsage = critical,digitalSignature\n"
            + "extendedKeyUsage = serverAuth\n"
            + "subjectAltName = "
            + subjectAltName
            + "\n");
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + name,
        "-config",
        "ca.cnf");
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        String.valueOf(serial),
        "-days",
        "2",
        "-out",
        name + ".pem",
        "-extfile",
        name + ".ext");
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
    if (otherHostNode != null) {
      otherHostNode.close();
    }
  }

  @AfterEach
  void shutdownClients() {
    clients.forEach(WebSocketClient::shutdown);
  }

  private WebSocketClient client(NodeWsServer server, String key, ClientSettings settings) {
    WebSocketClient c =
        WebSocketClient.create(
            URI.create("wss://127.0.0.1:" + server.port() + "/?key=" + key), settings);
    clients.add(c);
    return c;
  }

  @Test
  void connectsToAServerCertifiedByTheTrustedCa() throws Exception {
    WebSocketClient c =
        client(node, "trusted", ClientSettings.newBuilder().trustedCaFile(caFile).build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    assertThat(c.extensions()).startsWith("permessage-deflate");
    await(c.sendText("over TLS"));
    assertThat(events.nextMessage().text()).isEqualTo("over TLS");
  }

  @Test
  void refusesAServerThatTheJdkTrustStoreDoesNotKnow() throws Exception {
    WebSocketClient c = client(node, "untrusted", ClientSettings.DEFAULT);
    assertThat(failureOf(c.connect())).isInstanceOf(SSLHandshakeException.class);
    assertThat(node.count("open untrusted -")).isZero();
  }

  @Test
  void refusesATrustedCertificateIssuedForAnotherHost() throws Exception {
    WebSocketClient c =
        client(
            otherHostNode, "other-host", ClientSettings.newBuilder().trustedCaFile(caFile).build());
    assertThat(failureOf(c.connect())).isInstanceOf(SSLHandshakeException.class);
    assertThat(otherHostNode.count("open other-host -")).isZero();
  }

  @Test
  void refusesAMissingOrMalformedCaFileAtCreation() throws Exception {
    URI uri = URI.create("wss://127.0.0.1:1/");
    ClientSettings missing =
        ClientSettings.newBuilder().trustedCaFile(dir.resolve("missing.pem")).build();
    assertThatThrownBy(() -> WebSocketClient.create(uri, missing))
        .isInstanceOf(UncheckedIOException.class);

    Path garbage = write("garbage.pem", "not a certificate\n");
    ClientSettings malformed = ClientSettings.newBuilder().trustedCaFile(garbage).build();
    assertThatThrownBy(() -> WebSocketClient.create(uri, malformed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustedCaFile");
  }

  private static String path(String name) {
    return dir.resolve(name).toString();
  }

  private static Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    assertThat(p.exitValue())
        .as("openssl %s: %s", command, Files.readString(dir.resolve("openssl.log")))
        .isZero();
  }

  private static boolean canRun(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

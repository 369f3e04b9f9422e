package dev.pushwire.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.WebSocketClient;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves that the client speaks RFC 6455 and RFC 7692 with an independent server, Node's {@code
 * ws}: echo, subprotocols, headers, permessage-deflate, fragments, limits, the closing handshake,
 * ping and pong, and the connect and handshake timeouts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketClientAgainstNodeWsTest {
  private static NodeWsServer node;

  private final List<WebSocketClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNode() throws IOException {
    node = NodeWsServer.start();
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void shutdownClients() {
    clients.forEach(WebSocketClient::shutdown);
  }

  private WebSocketClient client(String key, ClientSettings settings) {
    WebSocketClient c =
        WebSocketClient.create(
            URI.create("ws://127.0.0.1:" + node.port() + "/echo?key=" + key), settings);
    clients.add(c);
    return c;
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(ClientEvents.WAIT_SECONDS, TimeUnit.SECONDS);
  }

  static Throwable failureOf(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(ClientEvents.WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the stage completed normally");
  }

  @Test
  void echoesTextAndBinaryMessages() throws Exception {
    WebSocketClient c = client("echo", ClientSettings.DEFAULT);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    assertThat(c.isOpen()).isTrue();
    assertThat(events.opens).hasValue(1);
    assertThat(events.threads).allMatch(t -> t.startsWith("pushwire-client"));

    await(c.sendText("héllo ✓"));
    Message text = events.nextMessage();
    assertThat(text.isText()).isTrue();
    assertThat(text.text()).isEqualTo("héllo ✓");
    assertThat(text.connectionId()).isZero();

    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    await(c.sendBinary(bytes));
    Message binary = events.nextMessage();
    assertThat(binary.binary()).isTrue();
    assertThat(binary.data()).isEqualTo(bytes);
    assertThat(events.errors).isEmpty();
  }

  @Test
  void sendingBeforeConnectingFails() throws Exception {
    WebSocketClient c = client("unused", ClientSettings.DEFAULT);
    assertThat(c.isOpen()).isFalse();
    assertThat(failureOf(c.sendText("too early"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void negotiatesTheFirstOfferedSubprotocolTheServerSpeaks() throws Exception {
    WebSocketClient c =
        client(
            "subprotocol",
            ClientSettings.newBuilder().subprotocols("pushwire.v9", "chat.v2", "chat.v1").build());
    await(c.connect());
    assertThat(c.subprotocol()).isEqualTo("chat.v2");
    node.awaitLine("open subprotocol chat.v2");

    WebSocketClient none = client("no-subprotocol", ClientSettings.DEFAULT);
    await(none.connect());
    assertThat(none.subprotocol()).isNull();
    node.awaitLine("open no-subprotocol -");
  }

  @Test
  void sendsCustomHeadersWithTheUpgradeRequest() throws Exception {
    WebSocketClient c =
        client(
            "headers",
            ClientSettings.newBuilder()
                .header("X-Pushwire-Test", "fourty-two")
                .header("Authorization", "Bearer token-1")
                .build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    await(c.sendText("!info"));
    String info = events.nextMessage().text();
    assertThat(info)
        .contains("\"x-pushwire-test\":\"fourty-two\"")
        .contains("\"authorization\":\"Bearer token-1\"")
        .doesNotContain("\"origin\"");
  }

  @Test
  void compressesBothWaysWithPermessageDeflate() throws Exception {
    String big = "pushwire ".repeat(6_000); // 54 000 bytes that deflate well
    WebSocketClient c = client("deflate", ClientSettings.DEFAULT);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    assertThat(c.extensions()).startsWith("permessage-deflate");

    await(c.sendText(big));
    assertThat(events.nextMessage().text()).isEqualTo(big);
    await(c.sendText("!info"));
    String info = events.nextMessage().text();
    assertThat(info).contains("\"extensions\":\"permessage-deflate\"");
    // The raw socket counters of the server show that both directions went compressed.
    assertThat(number(info, "bytesRead")).isLessThan(5_000);
    assertThat(number(info, "bytesWritten")).isLessThan(5_000);
  }

  @Test
  void sendsUncompressedWhenCompressionIsOff() throws Exception {
    String big = "pushwire ".repeat(6_000);
    WebSocketClient c = client("plain", ClientSettings.newBuilder().compression(false).build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    assertThat(c.extensions()).isEmpty();

    await(c.sendText(big));
    assertThat(events.nextMessage().text()).isEqualTo(big);
    await(c.sendText("!info"));
    String info = events.nextMessage().text();
    assertThat(info).contains("\"extensions\":\"\"");
    assertThat(number(info, "bytesRead")).isGreaterThan(big.length());
  }

  private static long number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
    assertThat(m.find()).as("%s in %s", field, json).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void deliversAFragmentedMessageWhole() throws Exception {
    WebSocketClient c = client("fragments", ClientSettings.newBuilder().build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    await(c.sendText("!fragments 10 5000"));

    StringBuilder expected = new StringBuilder();
    for (char letter = 'a'; letter < 'a' + 10; letter++) {
      expected.append(String.valueOf(letter).repeat(5000));
    }
    Message joined = events.nextMessage();
    assertThat(joined.text()).isEqualTo(expected.toString());
    assertThat(events.messages).isEmpty();
  }

  @Test
  void closesWith1009WhenFragmentsExceedTheMessageLimit() throws Exception {
    WebSocketClient c =
        client("too-big", ClientSettings.newBuilder().maxMessageSize(16_384).build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    await(c.sendText("!fragments 4 5000"));

    CloseEvent closed = events.nextClose();
    assertThat(closed.code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    assertThat(closed.byServer()).isFalse();
    assertThat(events.errors).singleElement().isInstanceOf(TooLongFrameException.class);
    assertThat(events.messages).isEmpty();
    node.awaitLine("close too-big 1009 message too big");
  }

  @Test
  void closesWith1009AndACloseFrameWhenOneFrameExceedsTheMessageLimit() throws Exception {
    WebSocketClient c =
        client(
            "frame-too-big",
            ClientSettings.newBuilder().maxMessageSize(16_384).compression(false).build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    // One uncompressed frame of 20 000 bytes: Netty's frame decoder refuses it by its header.
    await(c.sendText("!fragments 1 20000"));

    CloseEvent closed = events.nextClose();
    assertThat(closed.code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    assertThat(closed.byServer()).isFalse();
    assertThat(events.messages).isEmpty();
    // The server got the close frame: without it, ws reports 1006.
    node.awaitLine(l -> l.startsWith("close frame-too-big 1009 "), Duration.ofSeconds(30));
  }

  @Test
  void closesWith1009WhenACompressedMessageInflatesBeyondTheLimit() throws Exception {
    WebSocketClient c =
        client("inflate-too-big", ClientSettings.newBuilder().maxMessageSize(16_384).build());
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    // The echo is one compressed frame of a few hundred bytes that inflates to 20 000.
    await(c.sendText("x".repeat(20_000)));

    CloseEvent closed = events.nextClose();
    assertThat(closed.code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    assertThat(events.errors).singleElement().isInstanceOf(DecompressionException.class);
    assertThat(events.messages).isEmpty();
    node.awaitLine("close inflate-too-big 1009 message too big");
  }

  @Test
  void closeSendsCodeAndReasonAndCompletesWhenTheServerAnswers() throws Exception {
    WebSocketClient c = client("client-close", ClientSettings.DEFAULT);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());

    await(c.close(4001, "bye from the client"));
    assertThat(c.isOpen()).isFalse();
    CloseEvent closed = events.nextClose();
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).isEqualTo("bye from the client");
    assertThat(closed.byServer()).isFalse();
    node.awaitLine("close client-close 4001 bye from the client");
    assertThat(failureOf(c.sendText("after close"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void reportsTheServersCloseCodeAndReason() throws Exception {
    WebSocketClient c = client("server-close", ClientSettings.DEFAULT);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());

    await(c.sendText("!close 4002 the server says bye"));
    CloseEvent closed = events.nextClose();
    assertThat(closed.code()).isEqualTo(4002);
    assertThat(closed.reason()).isEqualTo("the server says bye");
    assertThat(closed.byServer()).isTrue();
    assertThat(c.isOpen()).isFalse();
    // The client answers with the same code and no reason, which is what the server reports.
    node.awaitLine("close server-close 4002 ");
  }

  @Test
  void rejectsInvalidCloseCodesAndLongReasons() throws Exception {
    WebSocketClient c = client("bad-close", ClientSettings.DEFAULT);
    assertThatThrownBy(() -> c.close(1005, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.close(1000, "x".repeat(124)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pingCompletesWhenThePongArrives() throws Exception {
    WebSocketClient c = client("ping", ClientSettings.DEFAULT);
    await(c.connect());
    await(c.ping("are you there".getBytes(StandardCharsets.UTF_8)));
    await(c.ping(new byte[0]));
    assertThatThrownBy(() -> c.ping(new byte[126])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPendingPingFailsWhenTheConnectionCloses() throws Exception {
    WebSocketClient c = client("ping-close", ClientSettings.DEFAULT);
    ClientEvents events = ClientEvents.of(c);
    await(c.connect());
    await(c.sendText("!drop"));
    events.nextClose();
    assertThat(failureOf(c.ping(new byte[] {1}))).isInstanceOf(IllegalStateException.class);

    WebSocketClient muted = client("ping-unanswered", ClientSettings.DEFAULT);
    ClientEvents mutedEvents = ClientEvents.of(muted);
    await(muted.connect());
    await(muted.sendText("!mute-pongs"));
    assertThat(mutedEvents.nextMessage().text()).isEqualTo("muted");
    CompletionStage<Void> ping = muted.ping(new byte[] {2});
    await(muted.sendText("!close 4004 no pong for you"));
    assertThat(failureOf(ping)).isInstanceOf(ClosedChannelException.class);
    assertThat(mutedEvents.nextClose().code()).isEqualTo(4004);
  }

  @Test
  void connectingToAClosedPortFailsWithinTheConnectTimeout() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    // Long, so that a refused connect slowed down by a busy machine still fits well within it.
    Duration connectTimeout = Duration.ofSeconds(10);
    WebSocketClient c =
        WebSocketClient.create(
            URI.create("ws://127.0.0.1:" + closedPort + "/"),
            ClientSettings.newBuilder().connectTimeout(connectTimeout).build());
    clients.add(c);

    long start = System.nanoTime();
    Throwable failure = failureOf(c.connect());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(connectTimeout);
    assertThat(failure)
        .isInstanceOf(ConnectException.class)
        .as("refused, not timed out")
        .isNotInstanceOf(ConnectTimeoutException.class);
    assertThat(c.isOpen()).isFalse();
  }

  @Test
  void failsWhenTheServerNeverAnswersTheHandshake() throws Exception {
    // The kernel accepts the TCP connection into the backlog; nothing ever answers the upgrade.
    try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"))) {
      WebSocketClient c =
          WebSocketClient.create(
              URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/"),
              ClientSettings.newBuilder().handshakeTimeout(Duration.ofMillis(300)).build());
      clients.add(c);

      long start = System.nanoTime();
      Throwable failure = failureOf(c.connect());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(failure).isInstanceOf(TimeoutException.class);
      assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
    }
  }

  @Test
  void runsOnAGivenEventLoopGroupAndLeavesItRunning() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      WebSocketClient c =
          WebSocketClient.create(
              URI.create("ws://127.0.0.1:" + node.port() + "/?key=shared-group"),
              ClientSettings.DEFAULT,
              group);
      ClientEvents events = ClientEvents.of(c);
      await(c.connect());
      await(c.sendText("on a shared loop"));
      assertThat(events.nextMessage().text()).isEqualTo("on a shared loop");
      assertThat(events.threads).noneMatch(t -> t.startsWith("pushwire-client"));

      c.shutdown();
      assertThat(events.nextClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
      assertThat(group.isShuttingDown()).isFalse();
      assertThat(failureOf(c.connect())).isInstanceOf(IllegalStateException.class);
      node.awaitLine("close shared-group 1001 ");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}

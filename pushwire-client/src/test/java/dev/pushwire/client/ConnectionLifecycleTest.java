package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import dev.pushwire.hub.HubConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where connections come from, and when the client stops trying. */
@Timeout(60)
class ConnectionLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final URI NOBODY = URI.create("ws://127.0.0.1:1/");
  private static final ReconnectPolicy FAST =
      ReconnectPolicy.newBuilder()
          .initialDelay(Duration.ofMillis(20))
          .maxDelay(Duration.ofMillis(100))
          .build();

  private HubNode node;
  private PushwireClient client;
  private final Recorder rec = new Recorder();

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private static PushwireException failure(CompletableFuture<?> stage) {
    Throwable t = catchThrowable(() -> stage.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(PushwireException.class);
    return (PushwireException) t.getCause();
  }

  @Test
  void withReconnectOffConnectFailsWhenTheNodeIsNotThere() {
    client =
        PushwireClient.create(
            NOBODY, ClientConfig.newBuilder().reconnect(ReconnectPolicy.DISABLED).build());

    PushwireException e = failure(client.connect().toCompletableFuture());

    assertThat(e.code()).isEqualTo("disconnected");
    assertThat(e.getMessage()).contains("gave up connecting after 1 failed attempt");
    assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
  }

  @Test
  void withReconnectOffALostConnectionIsFinal() throws Exception {
    node = HubNode.start(HubConfig.newBuilder().nodeId("off").build());
    client =
        rec.attach(
            PushwireClient.create(
                node.uri(), ClientConfig.newBuilder().reconnect(ReconnectPolicy.DISABLED).build()));
    client.subscribe("news", rec);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> node.hub.subscribers("news").size() == 1);

    node.disconnectSubscribers("news", 1001, "bye");

    await().atMost(WAIT).until(() -> client.state() == ConnectionState.DISCONNECTED);
    assertThat(rec.events(DisconnectedEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.reconnect()).isFalse());
    assertThat(rec.events(ReconnectingEvent.class)).isEmpty();
    assertThat(node.upgradeQueries()).hasSize(1);
  }

  @Test
  void aListOfUrisIsTriedInTurn() throws Exception {
    node = HubNode.start(HubConfig.newBuilder().nodeId("list").build());
    client =
        rec.attach(
            PushwireClient.create(
                List.of(NOBODY, node.uri()), ClientConfig.newBuilder().reconnect(FAST).build()));

    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(client.connectedUri()).isEqualTo(node.uri());
    assertThat(rec.events(ReconnectingEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.cause()).isNotNull());
  }

  @Test
  void aUriSupplierIsAskedBeforeEachAttempt() throws Exception {
    node = HubNode.start(HubConfig.newBuilder().nodeId("sup").build());
    AtomicInteger asked = new AtomicInteger();
    client =
        PushwireClient.create(
            () -> asked.incrementAndGet() < 3 ? NOBODY : node.uri(),
            ClientConfig.newBuilder().reconnect(FAST).build());

    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(asked.get()).isEqualTo(3);
    assertThat(client.connectedUri()).isEqualTo(node.uri());
  }

  @Test
  void aServerThatDoesNotSpeakPushwireV1IsLeft() {
    WebSocketServer plain =
        WebSocketServer.create(ServerSettings.newBuilder().host("127.0.0.1").port(0).build());
    int port = plain.start();
    try {
      client =
          rec.attach(
              PushwireClient.create(
                  URI.create("ws://127.0.0.1:" + port + "/"),
                  ClientConfig.newBuilder().reconnect(ReconnectPolicy.DISABLED).build()));

      PushwireException e = failure(client.connect().toCompletableFuture());

      assertThat(e.code()).isEqualTo("disconnected");
      // Netty's handshaker refuses an answer without the subprotocol offered.
      assertThat(e.getMessage()).containsIgnoringCase("subprotocol");
      assertThat(rec.events(ConnectedEvent.class)).isEmpty();
    } finally {
      plain.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void badUrisAreRefusedWhenTheClientIsMade() {
    Throwable t =
        catchThrowable(
            () -> PushwireClient.create(URI.create("http://127.0.0.1/"), ClientConfig.DEFAULT));
    assertThat(t)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri: bad value 'http://127.0.0.1/'");
    assertThat(catchThrowable(() -> PushwireClient.create(List.of(), ClientConfig.DEFAULT)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configValuesAreChecked() {
    assertThat(
            catchThrowable(() -> ClientConfig.newBuilder().commandTimeout(Duration.ZERO).build()))
        .hasMessage("commandTimeout: bad value 'PT0S' (expected 1 ms to 1 day)");
    assertThat(
            catchThrowable(
                () -> ClientConfig.newBuilder().pingInterval(Duration.ofMillis(1)).build()))
        .hasMessageStartingWith("pingInterval: bad value");
    ClientConfig c = ClientConfig.newBuilder().token("secret").build();
    assertThat(c.toBuilder().build().tokenSource()).isSameAs(c.tokenSource());
    assertThat(c.toString()).doesNotContain("secret");
  }

  @Test
  void positionsHaveATextForm() {
    assertThat(Position.parse("42:0k3j5x9q2a")).isEqualTo(new Position(42, "0k3j5x9q2a"));
    assertThat(new Position(42, "e:1").toString()).isEqualTo("42:e:1");
    assertThat(Position.parse("42:e:1")).isEqualTo(new Position(42, "e:1"));
    assertThat(catchThrowable(() -> Position.parse("x:1")))
        .hasMessage("position: bad value 'x:1' (expected OFFSET:EPOCH, e.g. 42:0k3j5x9q2a)");
  }
}

package dev.pushwire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.hub.CommandHandler;
import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.HubException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection token reaches a real node the way {@link TokenDelivery} says, and a token source
 * is asked again before every attempt, so that a reconnect presents a fresh token.
 */
@Timeout(60)
class ConnectionTokensTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ReconnectPolicy FAST =
      ReconnectPolicy.newBuilder()
          .initialDelay(Duration.ofMillis(20))
          .maxDelay(Duration.ofMillis(100))
          .build();

  private HubNode node;
  private PushwireClient client;
  private final List<String> connectTokens = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    node = HubNode.start(HubConfig.newBuilder().nodeId("tok").build());
    // The part of pushwire-server's auth that the connect command needs: accept "good-*" tokens.
    node.hub.commandHandler(
        new CommandHandler() {
          @Override
          public boolean handles(String op) {
            return op.equals("connect");
          }

          @Override
          public CompletionStage<String> handle(
              ConnectionInfo connection, String op, String command) {
            String token = command.replaceAll(".*\"token\":\"([^\"]*)\".*", "$1");
            connectTokens.add(token);
            if (!token.startsWith("good-")) {
              return CompletableFuture.failedFuture(
                  new HubException(ErrorCode.UNAUTHORIZED, "bad token"));
            }
            return CompletableFuture.completedFuture(
                "{\"user\":\"" + token.substring(5) + "\",\"expires\":1767225600}");
          }
        });
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    node.close();
  }

  private PushwireClient connect(ClientConfig config) throws Exception {
    client = PushwireClient.create(node.uri(), config);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return client;
  }

  private static String queryToken(Map<String, List<String>> query) {
    List<String> values = query.get("token");
    return values == null ? null : values.get(0);
  }

  @Test
  void aTokenSourceIsAskedBeforeEachAttemptAndItsTokenSentAsQueryParameter() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    connect(
        ClientConfig.newBuilder()
            .tokenSource(
                () -> CompletableFuture.completedFuture("t" + asked.incrementAndGet() + "+&="))
            .reconnect(FAST)
            .build());
    client.subscribe("news", p -> {});
    await().atMost(WAIT).until(() -> node.hub.subscribers("news").size() == 1);

    node.disconnectSubscribers("news", 1001, "bye");
    await().atMost(WAIT).until(() -> node.upgradeQueries().size() == 2);

    assertThat(node.upgradeQueries())
        .extracting(ConnectionTokensTest::queryToken)
        .containsExactly("t1+&=", "t2+&=");
    assertThat(asked.get()).isEqualTo(2);
    assertThat(node.upgradeAuthorizations()).isEmpty();
  }

  @Test
  void aTokenCanGoInTheAuthorizationHeader() throws Exception {
    connect(ClientConfig.newBuilder().token("secret").tokenDelivery(TokenDelivery.HEADER).build());

    assertThat(node.upgradeAuthorizations()).containsExactly("Bearer secret");
    assertThat(queryToken(node.upgradeQueries().get(0))).isNull();
  }

  @Test
  void aTokenCanGoInTheConnectCommandWhoseUserTheConnectedEventNames() throws Exception {
    List<ConnectedEvent> connected = new CopyOnWriteArrayList<>();
    client =
        PushwireClient.create(
                node.uri(),
                ClientConfig.newBuilder()
                    .token("good-alice")
                    .tokenDelivery(TokenDelivery.CONNECT_COMMAND)
                    .build())
            .onConnected(connected::add);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(connectTokens).containsExactly("good-alice");
    assertThat(connected).singleElement().extracting(ConnectedEvent::user).isEqualTo("alice");
    assertThat(queryToken(node.upgradeQueries().get(0))).isNull();
  }

  @Test
  void aRefusedConnectCommandIsRetriedWithTheNextToken() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    List<ErrorEvent> errors = new CopyOnWriteArrayList<>();
    client =
        PushwireClient.create(
                node.uri(),
                ClientConfig.newBuilder()
                    .tokenSource(
                        () ->
                            CompletableFuture.completedFuture(
                                asked.incrementAndGet() == 1 ? "stale" : "good-bob"))
                    .tokenDelivery(TokenDelivery.CONNECT_COMMAND)
                    .reconnect(FAST)
                    .build())
            .onError(errors::add);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(connectTokens).containsExactly("stale", "good-bob");
    assertThat(errors)
        .first()
        .satisfies(
            e -> assertThat(((PushwireException) e.error()).code()).isEqualTo("unauthorized"));
    assertThat(client.state()).isEqualTo(ConnectionState.OPEN);
  }
}

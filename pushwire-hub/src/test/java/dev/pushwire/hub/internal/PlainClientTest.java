package dev.pushwire.hub.internal;

import static dev.pushwire.hub.internal.HubFixture.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.Message;
import dev.pushwire.hub.AccessPolicy;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plain clients: channels from the URL, raw payloads, their messages go to the hook. */
class PlainClientTest {
  private final HubFixture f =
      new HubFixture(HubConfig.newBuilder().nodeId("n1").maxSubscriptionsPerConnection(2).build());

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void withoutChannelsTheClientIsOnTheDefaultChannel() {
    long id = f.openPlain();
    assertThat(f.hub.subscriptions(id)).containsExactly("default");
    join(f.hub.publishText("default", "hello"));
    assertThat(f.delivery.messages(id)).containsExactly("hello");
  }

  @Test
  void channelsComeFromTheQueryAndRepeatsCountOnce() {
    long id = f.openPlain("a", "b", "a");
    assertThat(f.hub.subscriptions(id)).containsExactlyInAnyOrder("a", "b");
    join(f.hub.publishText("a", "1"));
    join(f.hub.publishText("b", "2"));
    join(f.hub.publishText("c", "3"));
    assertThat(f.delivery.messages(id)).containsExactly("1", "2");
  }

  @Test
  void aConnectionThatOpensWhileTheServerStopsIsLeftToTheServersGoingAway() {
    // The upgrade completed as the server began to stop: the server closes the connection with
    // 1001 itself; the hub must not close it first with 1011 because no timer can start now.
    f.delivery.stopping = true;
    long id = f.openPlain("feed");
    assertThat(f.delivery.closeOf(id)).isNull();
    assertThat(f.hub.subscriptions(id)).containsExactly("feed");
  }

  @Test
  void aBadChannelNameClosesWith1008() {
    long id = f.openPlain("ok", "not ok");
    assertThat(f.delivery.closeOf(id))
        .isEqualTo(
            new RecordingDelivery.Close(
                1008,
                "bad_channel: channel name \"not ok\" has a space at index 3 (allowed: A-Z a-z 0-9"
                    + " _ . : @ / -)"));
    assertThat(f.hub.subscriptions(id)).isEmpty();
  }

  @Test
  void tooManyChannelsCloseWith1008() {
    long id = f.openPlain("a", "b", "c");
    assertThat(f.delivery.closeOf(id))
        .isEqualTo(
            new RecordingDelivery.Close(
                1008, "too_many_subscriptions: 3 channels requested, at most 2 allowed"));
  }

  @Test
  void aForbiddenChannelClosesWith1008() {
    f.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canSubscribe(ConnectionInfo c, String channel) {
            return !channel.equals("secret");
          }
        });
    long id = f.openPlain("secret");
    assertThat(f.delivery.closeOf(id))
        .isEqualTo(
            new RecordingDelivery.Close(1008, "forbidden: subscribing to secret is not allowed"));
  }

  @Test
  void longCloseReasonsAreCutTo123Bytes() {
    f.hub.accessPolicy(
        new AccessPolicy() {
          @Override
          public boolean canSubscribe(ConnectionInfo c, String channel) {
            return false;
          }
        });
    long id = f.openPlain("x".repeat(200));
    String reason = f.delivery.closeOf(id).reason();
    assertThat(reason.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    assertThat(reason).startsWith("forbidden: subscribing to xxxx").endsWith("...");
  }

  @Test
  void messagesFromPlainClientsGoToTheHookAndAreNotPublished() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    f.hub.onMessage((srv, m) -> seen.add(m.connectionId() + ":" + m.text()));
    long a = f.openPlain("news");
    long b = f.openPlain("news");
    f.send(a, "hello everyone");
    assertThat(seen).containsExactly(a + ":hello everyone");
    assertThat(f.delivery.messages(b)).isEmpty();
    assertThat(f.delivery.messages(a)).isEmpty();
  }

  @Test
  void unmanagedConnectionsAreLeftToTheHooks() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    f.hub
        .manages(info -> !info.path().equals("/publish"))
        .onOpen((srv, info) -> events.add("open " + info.connectionId()))
        .onMessage((srv, m) -> events.add("message " + m.text()))
        .onClose((srv, e) -> events.add("close " + e.connectionId()));
    ConnectionInfo publisher =
        new ConnectionInfo(
            42,
            new InetSocketAddress("127.0.0.1", 1),
            "/publish",
            Map.of(),
            Map.of(),
            null,
            "",
            Instant.now());
    f.hub.handleOpen(publisher);
    f.hub.handleMessage(new Message(42, false, "tick".getBytes(StandardCharsets.UTF_8)));
    f.hub.handleClose(new CloseEvent(42, 1000, "", false));
    assertThat(events).containsExactly("open 42", "message tick", "close 42");
    assertThat(f.hub.subscriptions(42)).isEmpty();
    assertThat(f.hub.channels()).isEmpty();
    assertThat(join(f.hub.connections())).isEmpty();
  }

  @Test
  void checkHandshakeRefusesBadPlainRequestsWith400() {
    HandshakeDecision bad = f.hub.checkHandshake(request(Map.of("channel", List.of("a b")), null));
    assertThat(bad.accepted()).isFalse();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).startsWith("bad_channel: channel name \"a b\"");
    assertThat(
            f.hub.checkHandshake(request(Map.of("channel", List.of("a", "b", "c")), null)).status())
        .isEqualTo(400);
    assertThat(f.hub.checkHandshake(request(Map.of("channel", List.of("news")), null)).accepted())
        .isTrue();
    assertThat(
            f.hub
                .checkHandshake(request(Map.of("channel", List.of("a b")), Hub.SUBPROTOCOL))
                .accepted())
        .as("v1 clients ignore URL channels")
        .isTrue();
  }

  private static HandshakeRequest request(Map<String, List<String>> query, String subprotocol) {
    return new HandshakeRequest(
        new InetSocketAddress("127.0.0.1", 1),
        "/",
        query,
        Map.of(),
        subprotocol == null ? List.of() : List.of(subprotocol),
        subprotocol);
  }
}

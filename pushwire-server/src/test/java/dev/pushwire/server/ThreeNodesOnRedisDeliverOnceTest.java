package dev.pushwire.server;

import static dev.pushwire.server.ClusterTests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.testing.JdkWebSocketClient;
import dev.pushwire.redis.RedisServerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three {@code pushwire serve} processes sharing one real Redis as broker and registry: a
 * publication made on any node reaches every client on every node exactly once, in order; every
 * node lists every node's connections; and a push or disconnect sent to one node reaches a
 * connection on another.
 */
@Timeout(120)
class ThreeNodesOnRedisDeliverOnceTest {
  @RegisterExtension static final RedisServerProcess redis = new RedisServerProcess();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final List<AutoCloseable> resources = new ArrayList<>();
  private static List<NodeProcess> nodes;

  @BeforeAll
  static void startNodes() throws Exception {
    nodes =
        NodeProcess.startAll(
            List.of("n1", "n2", "n3"), "--broker", redis.uri(), "--registry", redis.uri());
    nodes.forEach(resources::add);
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  @Test
  void aPublicationOnAnyNodeReachesEveryClientOnceInOrder() throws Exception {
    int perNode = 2;
    int publications = 300;
    List<JdkWebSocketClient> plain = new ArrayList<>();
    List<RecoveringSubscriber> v1 = new ArrayList<>();
    for (NodeProcess n : nodes) {
      for (int i = 0; i < perNode; i++) {
        JdkWebSocketClient s = JdkWebSocketClient.connect(n.ws("/?channel=fanout"));
        resources.add(s);
        plain.add(s);
        RecoveringSubscriber r =
            RecoveringSubscriber.connect(n.nodeId() + "-v1-" + i, "fanout", List.of(n.ws("/")));
        resources.add(r);
        v1.add(r);
      }
    }
    awaitPlainSubscribers("fanout", perNode);

    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= publications; i++) {
      NodeProcess at = nodes.get(i % nodes.size());
      String data = "p-" + i;
      HttpResponse<String> r = ClusterTests.publish(at, "fanout", data);
      assertThat(r.statusCode()).as("publish %d on %s: %s", i, at, r.body()).isEqualTo(200);
      assertThat(json(r).get("offset").asLong()).isEqualTo(i);
      sent.add(data);
    }

    List<List<String>> plainGot = new ArrayList<>();
    for (JdkWebSocketClient s : plain) {
      plainGot.add(new ArrayList<>(s.take(publications, Duration.ofSeconds(10))));
    }
    for (RecoveringSubscriber r : v1) {
      assertThat(r.awaitPushes(publications, WAIT)).as("%s", r).isTrue();
    }
    // A window for a duplicate to show: there is nothing to wait for, so it is a sleep.
    Thread.sleep(300);
    Map<String, Integer> received = new TreeMap<>();
    for (int i = 0; i < plain.size(); i++) {
      List<String> got = plainGot.get(i);
      got.addAll(plain.get(i).drainTexts());
      String name = nodes.get(i / perNode).nodeId() + "-plain-" + (i % perNode);
      received.put(name, got.size());
      assertThat(got).as("what %s received", name).containsExactlyElementsOf(sent);
    }
    for (RecoveringSubscriber r : v1) {
      received.put(r.name(), r.pushes().size());
      assertThat(r.pushes())
          .as("what %s received", r.name())
          .extracting(RecoveringSubscriber.Push::data)
          .containsExactlyElementsOf(sent);
      assertThat(r.pushes())
          .extracting(RecoveringSubscriber.Push::offset)
          .isSortedAccordingTo(Long::compare)
          .doesNotHaveDuplicates();
    }
    ClusterTests.figures(
        "3 nodes, 1 Redis: publish on any node",
        "publications sent="
            + publications
            + " (round-robin over n1,n2,n3), clients="
            + received.size()
            + ", received per client="
            + received);
  }

  @Test
  void everyNodeListsTheConnectionsOfEveryNode() throws Exception {
    for (NodeProcess n : nodes) {
      resources.add(JdkWebSocketClient.connect(n.ws("/?channel=listed")));
    }
    List<String> firstAnswer = null;
    for (NodeProcess asked : nodes) {
      List<String> listed = new ArrayList<>();
      await().atMost(WAIT).until(() -> listsOnePerNode(asked, "listed", listed));
      assertThat(listed).as("%s lists one 'listed' connection of each node", asked).hasSize(3);
      assertThat(listed).allMatch(id -> id.matches("n[123]:\\d+"));
      if (firstAnswer != null) {
        assertThat(listed).containsExactlyInAnyOrderElementsOf(firstAnswer);
      }
      firstAnswer = listed;
    }
  }

  private static boolean listsOnePerNode(NodeProcess asked, String channel, List<String> out) {
    out.clear();
    try {
      for (NodeProcess n : nodes) {
        List<String> ids = ClusterTests.connectionIds(asked, n.nodeId(), channel);
        if (ids.size() != 1) {
          return false;
        }
        out.addAll(ids);
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aPushSentToOneNodeReachesAConnectionOnAnother() throws Exception {
    NodeProcess home = nodes.get(2);
    NodeProcess asked = nodes.get(0);
    JdkWebSocketClient target = JdkWebSocketClient.connect(home.ws("/?channel=direct"));
    resources.add(target);
    String id = awaitOneConnection(asked, home, "direct");

    HttpResponse<String> r =
        asked.api("POST", "/api/push", "{\"id\":\"" + id + "\",\"data\":\"just for you\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("pushed").asText()).isEqualTo(id);
    assertThat(target.next(Duration.ofSeconds(5))).isEqualTo("just for you");
  }

  @Test
  void aPushToAConnectionThatDoesNotExistOnAnotherNodeIs404() throws Exception {
    HttpResponse<String> r =
        nodes.get(0).api("POST", "/api/push", "{\"id\":\"n2:999999\",\"data\":1}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    assertThat(json(r).at("/error/message").asText())
        .isEqualTo("no open connection n2:999999 on node n2");
  }

  @Test
  void aDisconnectSentToOneNodeClosesAConnectionOnAnother() throws Exception {
    NodeProcess home = nodes.get(1);
    NodeProcess asked = nodes.get(2);
    JdkWebSocketClient target = JdkWebSocketClient.connect(home.ws("/?channel=doomed"));
    resources.add(target);
    String id = awaitOneConnection(asked, home, "doomed");

    HttpResponse<String> r =
        asked.api(
            "POST",
            "/api/disconnect",
            "{\"id\":\"" + id + "\",\"code\":4001,\"reason\":\"moved along\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("disconnected").asText()).isEqualTo(id);
    assertThat(target.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4001);
    assertThat(target.awaitClose(Duration.ofSeconds(1)).reason()).isEqualTo("moved along");
  }

  private static String awaitOneConnection(NodeProcess asked, NodeProcess home, String channel)
      throws Exception {
    List<String> ids = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              try {
                ids.clear();
                ids.addAll(ClusterTests.connectionIds(asked, home.nodeId(), channel));
                return ids.size() == 1;
              } catch (Exception e) {
                return false;
              }
            });
    assertThat(ids).as("%s lists %s's connection on %s", asked, home, channel).hasSize(1);
    return ids.get(0);
  }

  /** Plain clients subscribe as they open; wait until every node reports them. */
  private static void awaitPlainSubscribers(String channel, int perNode) throws Exception {
    for (NodeProcess n : nodes) {
      await(String.format("%s has its subscribers on %s", n, channel))
          .atMost(WAIT)
          .until(
              () -> {
                try {
                  HttpResponse<String> r = n.api("GET", "/api/channels", null);
                  for (var c : json(r).get("channels")) {
                    if (c.get("channel").asText().equals(channel)) {
                      // plain and v1 subscribers together
                      return c.get("subscribers").asInt() == 2 * perNode;
                    }
                  }
                  return false;
                } catch (Exception e) {
                  return false;
                }
              });
    }
  }
}

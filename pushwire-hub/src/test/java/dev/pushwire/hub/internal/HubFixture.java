package dev.pushwire.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ConnectionInfo;
import dev.pushwire.core.Message;
import dev.pushwire.hub.Hub;
import dev.pushwire.hub.HubConfig;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.Registry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A hub over a {@link RecordingDelivery}, with helpers that play the server's events. */
final class HubFixture implements AutoCloseable {
  final RecordingDelivery delivery = new RecordingDelivery();
  final Broker broker;
  final Registry registry;
  final HubImpl hub;
  private final AtomicLong nextId = new AtomicLong(1);

  HubFixture() {
    this(HubConfig.newBuilder().nodeId("n1").build());
  }

  HubFixture(HubConfig config) {
    this(config, new MemoryBroker(), new MemoryRegistry());
  }

  HubFixture(HubConfig config, Broker broker, Registry registry) {
    this(config, broker, registry, Clock.systemUTC());
  }

  /** A hub on the memory backends whose rate limits and timestamps follow {@code clock}. */
  HubFixture(HubConfig config, Clock clock) {
    this(config, new MemoryBroker(), new MemoryRegistry(), clock);
  }

  HubFixture(HubConfig config, Broker broker, Registry registry, Clock clock) {
    this.broker = broker;
    this.registry = registry;
    // The fixture owns the backends, so a test can close the hub and still inspect them.
    this.hub = new HubImpl(delivery, null, config, broker, registry, false, clock);
  }

  /** Opens a plain client with {@code channels} in its URL; returns its id. */
  long openPlain(String... channels) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (channels.length > 0) {
      query.put("channel", Arrays.asList(channels));
    }
    return open(query, null);
  }

  /** Opens a {@code pushwire.v1} client; returns its id. */
  long openV1() {
    return open(Map.of(), Hub.SUBPROTOCOL);
  }

  long open(Map<String, List<String>> query, String subprotocol) {
    long id = nextId.getAndIncrement();
    hub.handleOpen(info(id, query, subprotocol));
    return id;
  }

  static ConnectionInfo info(long id, Map<String, List<String>> query, String subprotocol) {
    return new ConnectionInfo(
        id,
        new InetSocketAddress("127.0.0.1", 50000 + (int) id),
        "/",
        query,
        Map.of(),
        subprotocol,
        "",
        Instant.now());
  }

  /** Plays a text message from connection {@code id}. */
  void send(long id, String text) {
    hub.handleMessage(new Message(id, false, text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Plays connection {@code id} closing. */
  void close(long id) {
    hub.handleClose(new CloseEvent(id, 1000, "", false));
  }

  /** Connection {@code id}'s messages, parsed as JSON. */
  List<JsonNode> json(long id) {
    return delivery.messages(id).stream().map(HubFixture::parse).toList();
  }

  /** The last message to {@code id}, parsed. */
  JsonNode last(long id) {
    List<String> all = delivery.messages(id);
    if (all.isEmpty()) {
      throw new AssertionError("connection " + id + " received nothing");
    }
    return parse(all.get(all.size() - 1));
  }

  static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("hub call failed or timed out", e);
    }
  }

  @Override
  public void close() {
    hub.close();
    broker.close();
    registry.close();
  }
}

package dev.pushwire.server.internal.backends;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.hub.MemoryBroker;
import dev.pushwire.hub.MemoryRegistry;
import dev.pushwire.hub.spi.Broker;
import dev.pushwire.hub.spi.NodeBus;
import dev.pushwire.hub.spi.NodeMessageListener;
import dev.pushwire.hub.spi.Registry;
import dev.pushwire.memcached.MemcachedConfig;
import dev.pushwire.memcached.MemcachedRegistry;
import dev.pushwire.redis.RedisBrokers;
import dev.pushwire.redis.RedisConfig;
import dev.pushwire.redis.RedisRegistry;
import dev.pushwire.server.BackendSettings;
import dev.pushwire.server.internal.backends.BackendUri.Kind;
import dev.pushwire.server.internal.config.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker and the registry of one node, made from its {@code broker}, {@code registry} and
 * {@code registry-ttl} settings, and closed with it (after the hub, so that the hub can still
 * remove the node's records).
 *
 * <h2>A backend that cannot be reached at start</h2>
 *
 * The node starts anyway and serves its clients. The backend is stood in for by a {@link
 * DeferredBroker} or {@link DeferredRegistry}, which fail at once with {@link
 * ErrorCode#UNAVAILABLE} (publishing answers 503 with the reason, {@code /readyz} reports it
 * through {@link Broker#isAvailable()} and {@link Broker#lastError()}), and a background thread
 * tries to connect every {@link #RETRY_INTERVAL} until it succeeds. Once connected, a backend
 * reconnects by itself.
 *
 * <h2>Node-addressed messages</h2>
 *
 * With a Redis broker, {@link #sendToNode} reaches another node's {@link #onNodeMessage listener},
 * for example to push to or disconnect one of its connections.
 */
public final class Backends implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Backends.class);

  /** How often a backend that could not be reached at start is tried again. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  /** How often an unreachable backend's retries log that it is still unreachable. */
  private static final Duration RETRY_LOG_INTERVAL = Duration.ofSeconds(30);

  /**
   * What one backend is and how it is doing, for stats and readiness.
   *
   * @param role {@code broker} or {@code registry}
   * @param kind {@code memory}, {@code redis} or {@code memcached}
   * @param address where it is, without credentials ({@code null} for memory)
   * @param available whether calls can be expected to succeed now
   * @param lastError what last went wrong, or {@code null}
   */
  public record Status(
      String role, String kind, String address, boolean available, String lastError) {}

  private final String nodeId;
  private final Kind brokerKind;
  private final Kind registryKind;
  private final String brokerAddress;
  private final String registryAddress;
  private final Broker broker;
  private final Registry registry;
  private final ScheduledExecutorService retries;
  private volatile NodeMessageListener nodeListener;
  private volatile boolean closed;

  private Backends(BackendSettings config, String nodeId) {
    this.nodeId = nodeId;
    this.brokerKind = BackendUri.kind(config.broker());
    this.registryKind = BackendUri.kind(config.registry());
    List<ConnectAttempt<?>> pending = new ArrayList<>();
    if (brokerKind == Kind.REDIS) {
      RedisConfig rc = redisConfig(config.broker(), config);
      brokerAddress = rc.address();
      broker = redisBroker(rc, pending);
    } else {
      brokerAddress = null;
      broker = new MemoryBroker(Clock.systemUTC(), config.maxChannels());
    }
    switch (registryKind) {
      case REDIS:
        {
          RedisConfig rc = redisConfig(config.registry(), config);
          registryAddress = rc.address();
          registry = registry("Redis at " + rc.address(), () -> RedisRegistry.connect(rc), pending);
          break;
        }
      case MEMCACHED:
        {
          MemcachedConfig mc =
              MemcachedConfig.newBuilder(config.registry())
                  .nodeId(nodeId)
                  .ttl(config.registryTtl())
                  .build();
          registryAddress = "memcached://" + mc.address();
          registry =
              registry(
                  "Memcached at " + mc.address(), () -> MemcachedRegistry.connect(mc), pending);
          break;
        }
      default:
        registryAddress = null;
        registry = new MemoryRegistry();
    }
    if (pending.isEmpty()) {
      retries = null;
    } else {
      retries =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "pushwire-backend-connect");
                t.setDaemon(true);
                return t;
              });
      for (ConnectAttempt<?> attempt : pending) {
        attempt.schedule =
            retries.scheduleWithFixedDelay(
                attempt,
                RETRY_INTERVAL.toMillis(),
                RETRY_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
      }
    }
    if (brokerKind != Kind.MEMORY || registryKind != Kind.MEMORY) {
      log.info(
          "node {}: broker {}, registry {} (records expire {} after the node stops refreshing"
              + " them)",
          nodeId,
          brokerAddress == null ? BackendUri.MEMORY : brokerAddress,
          registryAddress == null ? BackendUri.MEMORY : registryAddress,
          DurationText.format(config.registryTtl()));
    }
  }

  /**
   * The backends {@code config} names, for node {@code nodeId}. Never fails because a backend
   * cannot be reached: see the class comment.
   */
  public static Backends open(BackendSettings config, String nodeId) {
    return new Backends(Objects.requireNonNull(config, "config"), nodeId);
  }

  /** The broker to give the hub. */
  public Broker broker() {
    return broker;
  }

  /** The registry to give the hub. */
  public Registry registry() {
    return registry;
  }

  /** Whether other nodes can be reached with {@link #sendToNode}: the broker is Redis. */
  public boolean reachesOtherNodes() {
    return brokerKind == Kind.REDIS;
  }

  /**
   * Sends {@code message} to node {@code target}'s {@link #onNodeMessage listener}, at most once.
   *
   * @return how many nodes received it (0: no node {@code target} is connected); fails with {@code
   *     UNAVAILABLE} while Redis is unreachable
   */
  public CompletionStage<Long> sendToNode(String target, byte[] message) {
    Broker b = broker instanceof DeferredBroker d ? d.delegate() : broker;
    if (b instanceof NodeBus bus) {
      return bus.sendToNode(target, message);
    }
    if (b == null) {
      return CompletableFuture.failedFuture(
          new HubException(
              ErrorCode.UNAVAILABLE,
              "Redis at "
                  + brokerAddress
                  + " has not been reachable since this node started: "
                  + broker.lastError()));
    }
    return CompletableFuture.failedFuture(
        new HubException(
            ErrorCode.UNAVAILABLE, "other nodes cannot be reached with the memory broker"));
  }

  /** Receives what other nodes {@link #sendToNode send} to this one; set before the hub starts. */
  public void onNodeMessage(NodeMessageListener listener) {
    this.nodeListener = Objects.requireNonNull(listener, "listener");
    Broker b = broker instanceof DeferredBroker d ? d.delegate() : broker;
    if (b instanceof NodeBus bus) {
      bus.onNodeMessage(listener);
    }
  }

  /** The broker's and the registry's status, in that order. */
  public List<Status> statuses() {
    return List.of(
        new Status(
            "broker",
            kindName(brokerKind),
            brokerAddress,
            broker.isAvailable(),
            broker.lastError()),
        new Status(
            "registry",
            kindName(registryKind),
            registryAddress,
            registry.isAvailable(),
            registry.lastError()));
  }

  /**
   * What keeps this node from working fully, one line per backend that is unavailable, such as
   * {@code broker: Redis at redis://10.0.0.5:6379 is unavailable: connection lost}; empty when
   * none.
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    for (Status s : statuses()) {
      if (!s.available()) {
        out.add(
            s.role()
                + ": "
                + (s.kind().equals("redis") ? "Redis" : "Memcached")
                + " at "
                + s.address()
                + " is unavailable"
                + (s.lastError() == null ? "" : ": " + s.lastError()));
      }
    }
    return out;
  }

  /** Stops connecting, then closes the broker and the registry. Call after the hub's close. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (retries != null) {
      retries.shutdownNow();
      try {
        // An attempt under way finishes within the connect timeout; it then sees the close.
        retries.awaitTermination(3, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      broker.close();
    } finally {
      registry.close();
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  private RedisConfig redisConfig(String uri, BackendSettings config) {
    return RedisConfig.newBuilder(uri).nodeId(nodeId).registryTtl(config.registryTtl()).build();
  }

  private Broker redisBroker(RedisConfig rc, List<ConnectAttempt<?>> pending) {
    String description = "Redis at " + rc.address();
    try {
      return withNodeListener(RedisBrokers.connect(rc));
    } catch (HubException e) {
      warnStartingWithout("broker", description, e, "publishing answers 503");
      DeferredBroker deferred = new DeferredBroker(description, e.getMessage());
      pending.add(
          new ConnectAttempt<>(
              "broker",
              description,
              () -> withNodeListener(RedisBrokers.connect(rc)),
              deferred::offer,
              deferred::failed));
      return deferred;
    }
  }

  private <B extends NodeBus> B withNodeListener(B b) {
    NodeMessageListener l = nodeListener;
    if (l != null) {
      b.onNodeMessage(l);
    }
    return b;
  }

  private Registry registry(
      String description, Supplier<Registry> connect, List<ConnectAttempt<?>> pending) {
    try {
      return connect.get();
    } catch (HubException e) {
      warnStartingWithout("registry", description, e, "connections are listed only here");
      DeferredRegistry deferred = new DeferredRegistry(description, e.getMessage());
      pending.add(
          new ConnectAttempt<>(
              "registry", description, connect, deferred::offer, deferred::failed));
      return deferred;
    }
  }

  private void warnStartingWithout(
      String role, String description, HubException e, String consequence) {
    log.warn(
        "node {}: {} {} cannot be reached ({}); starting anyway: {} until it can, trying every {}",
        nodeId,
        role,
        description,
        e.getMessage(),
        consequence,
        DurationText.format(RETRY_INTERVAL));
  }

  private static String kindName(Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** One backend's connection attempts, until one succeeds. */
  private final class ConnectAttempt<T extends AutoCloseable> implements Runnable {
    private final String role;
    private final String description;
    private final Supplier<T> connect;
    private final Predicate<T> offer;
    private final Consumer<String> failed;
    private final long started = System.nanoTime();
    private long nextLog = started + RETRY_LOG_INTERVAL.toNanos();
    private boolean done;
    volatile ScheduledFuture<?> schedule;

    ConnectAttempt(
        String role,
        String description,
        Supplier<T> connect,
        Predicate<T> offer,
        Consumer<String> failed) {
      this.role = role;
      this.description = description;
      this.connect = connect;
      this.offer = offer;
      this.failed = failed;
    }

    @Override
    public void run() {
      if (done || closed) {
        return;
      }
      T backend;
      try {
        backend = connect.get();
      } catch (HubException e) {
        failed.accept(e.getMessage());
        long now = System.nanoTime();
        if (now - nextLog >= 0) {
          nextLog = now + RETRY_LOG_INTERVAL.toNanos();
          log.warn(
              "node {}: {} {} still cannot be reached after {} s: {}",
              nodeId,
              role,
              description,
              (now - started) / 1_000_000_000L,
              e.getMessage());
        }
        return;
      }
      boolean taken;
      try {
        taken = !closed && offer.test(backend);
      } catch (HubException e) {
        failed.accept(e.getMessage());
        closeQuietly(backend);
        return;
      }
      done = true;
      ScheduledFuture<?> s = schedule;
      if (s != null) {
        s.cancel(false);
      }
      if (!taken) {
        closeQuietly(backend);
        return;
      }
      if (backend instanceof NodeBus bus) {
        withNodeListener(bus); // again: onNodeMessage may have run while this one connected
      }
      log.info(
          "node {}: {} {} reached after {} ms",
          nodeId,
          role,
          description,
          (System.nanoTime() - started) / 1_000_000L);
    }

    private void closeQuietly(T backend) {
      try {
        backend.close();
      } catch (Exception e) {
        log.debug("closing an unused {} connection failed", role, e);
      }
    }
  }
}

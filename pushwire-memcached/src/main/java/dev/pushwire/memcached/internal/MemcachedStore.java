package dev.pushwire.memcached.internal;

import dev.pushwire.hub.ErrorCode;
import dev.pushwire.hub.HubException;
import dev.pushwire.memcached.MemcachedConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.MemcachedClientStateListener;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.rubyeye.xmemcached.transcoders.StringTranscoder;

/**
 * The registry's XMemcached client: string values that expire after the TTL, and the node index,
 * which every node changes with a gets/cas loop. Calls block for at most the operation timeout and
 * throw what the client throws.
 */
public final class MemcachedStore {
  private static final int CAS_ATTEMPTS = 64;

  private final MemcachedConfig config;
  private final MemcachedKeys keys;
  private final MemcachedClient client;
  private final int ttlSeconds;

  private MemcachedStore(MemcachedConfig config, MemcachedClient client) {
    this.config = config;
    this.keys = new MemcachedKeys(config.keyPrefix());
    this.client = client;
    this.ttlSeconds = (int) config.ttl().toSeconds();
  }

  /**
   * A client for the servers in {@code config}; does not wait for them. {@code listener} hears of
   * every lost and restored connection.
   */
  public static MemcachedStore connect(
      MemcachedConfig config, MemcachedClientStateListener listener) throws IOException {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (InetSocketAddress s : config.servers()) {
      servers.add(new InetSocketAddress(s.getHostString(), s.getPort()));
    }
    XMemcachedClientBuilder builder = new XMemcachedClientBuilder(servers);
    builder.setName("pushwire-" + config.nodeId());
    builder.setSessionLocator(new KetamaMemcachedSessionLocator());
    builder.setTranscoder(new StringTranscoder());
    builder.setOpTimeout(config.operationTimeout().toMillis());
    builder.setConnectTimeout(config.operationTimeout().toMillis());
    builder.setEnableHealSession(true);
    builder.setHealSessionInterval(config.reconnectInterval().toMillis());
    builder.setConnectionPoolSize(1);
    builder.setFailureMode(false);
    builder.addStateListener(listener);
    return new MemcachedStore(config, builder.build());
  }

  /** The key names under the configured prefix. */
  public MemcachedKeys keys() {
    return keys;
  }

  /** The values of those of {@code keys} that exist. */
  public Map<String, String> getAll(List<String> keys) throws Exception {
    if (keys.isEmpty()) {
      return Map.of();
    }
    Map<String, String> values = client.get(keys);
    return values == null ? Map.of() : values;
  }

  /** Stores {@code value} for the TTL; throws if Memcached did not store it. */
  public void set(String key, String value) throws Exception {
    if (!client.set(key, ttlSeconds, value)) {
      throw new MemcachedException("Memcached did not store " + key);
    }
  }

  /** Writes {@code value}, or deletes {@code key} when {@code value} is {@code null}. */
  public void setOrDelete(String key, String value) throws Exception {
    if (value == null) {
      client.delete(key);
    } else {
      set(key, value);
    }
  }

  /** Deletes {@code key}, whether or not it exists. */
  public void delete(String key) throws Exception {
    client.delete(key);
  }

  /** Extends the life of {@code key} by the TTL; returns whether it still existed. */
  public boolean touch(String key) throws Exception {
    return client.touch(key, ttlSeconds);
  }

  /** The node index; empty if there is none. */
  public NodeIndex readIndex() throws Exception {
    return NodeIndex.parse(client.get(keys.index()));
  }

  /**
   * Applies {@code change} to the latest node index and writes it unless another node wrote in
   * between, then tries again; {@code change} returns whether it changed anything.
   */
  public void updateIndex(Predicate<NodeIndex> change) throws Exception {
    String indexKey = keys.index();
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      GetsResponse<String> current = client.gets(indexKey);
      NodeIndex index = NodeIndex.parse(current == null ? null : current.getValue());
      if (!change.test(index)) {
        return;
      }
      boolean written =
          current == null
              ? client.add(indexKey, 0, index.toJson())
              : client.cas(indexKey, 0, index.toJson(), current.getCas());
      if (written) {
        return;
      }
      // Another node wrote in between: read again, after a short random pause.
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
    }
    throw new HubException(
        ErrorCode.UNAVAILABLE,
        "could not update the node index in Memcached at "
            + config.address()
            + " after "
            + CAS_ATTEMPTS
            + " attempts: too many nodes writing it at once");
  }

  /** Whether the client is connected to every configured server. */
  public boolean allServersConnected() {
    return client.getAvailableServers().size() >= config.servers().size();
  }

  /** Closes the client and its connections. */
  public void shutdown() throws IOException {
    client.shutdown();
  }
}

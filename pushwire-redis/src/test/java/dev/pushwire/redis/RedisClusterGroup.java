package dev.pushwire.redis;

import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.testing.PerTestClass;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster on loopback, for one test class: three masters without replicas, each a real
 * {@code redis-server --cluster-enabled yes} on a free port with its own directory under {@code
 * target/}, joined by {@code redis-cli --cluster create}; optionally a replica of the first master,
 * so that killing that master leads to a failover. Register it as a static
 * {@code @RegisterExtension} field. {@link #start()} returns once every server reports {@code
 * cluster_state:ok} and knows all the others (and the replica is in sync).
 */
public final class RedisClusterGroup extends PerTestClass {
  private static final int MASTERS = 3;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final boolean withReplica;
  private final List<RedisServerProcess> masters = new ArrayList<>();
  private RedisServerProcess replica;

  /** Three masters without replicas. */
  public RedisClusterGroup() {
    this(false);
  }

  /** Three masters and, with {@code withReplica}, a replica of the first. */
  public RedisClusterGroup(boolean withReplica) {
    this.withReplica = withReplica;
  }

  /** Starts the masters, joins them into one cluster and waits until it is ready. */
  public synchronized void start() throws IOException, InterruptedException {
    if (!masters.isEmpty()) {
      return;
    }
    try {
      for (int i = 0; i < MASTERS; i++) {
        RedisServerProcess master = clusterServer();
        masters.add(master);
        master.start();
      }
      create();
      awaitReady();
      if (withReplica) {
        replica = clusterServer();
        replica.start();
        RedisServerProcess first = masters.get(0);
        String busPort = (String) ((List<?>) first.command("CONFIG", "GET", "cluster-port")).get(1);
        replica.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(first.port()), busPort);
        String firstId = (String) first.command("CLUSTER", "MYID");
        await("the replica joined the cluster")
            .atMost(READY_TIMEOUT)
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  replica.command("CLUSTER", "REPLICATE", firstId);
                  return true;
                });
        awaitReady();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void create() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    masters.forEach(m -> cmd.add("127.0.0.1:" + m.port()));
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Path target = Path.of("target");
    Files.createDirectories(target);
    Path log = Files.createTempFile(target, "redis-cluster-create-", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException("redis-cli --cluster create did not finish within 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "redis-cli --cluster create failed with " + p.exitValue() + ": " + Files.readString(log));
    }
  }

  /**
   * Waits until every master reports {@code cluster_state:ok}, knows the others and sees every slot
   * served, for example after a master was restarted.
   */
  public void awaitReady() {
    await("every master in a cluster of " + MASTERS + " with cluster_state:ok")
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(this::ready);
  }

  private boolean ready() throws IOException {
    List<RedisServerProcess> all = new ArrayList<>(masters);
    if (replica != null) {
      all.add(replica);
      if (!"up"
          .equals(RedisSentinelGroup.infoField(replica, "replication", "master_link_status"))) {
        return false;
      }
    }
    for (RedisServerProcess m : all) {
      String info = (String) m.command("CLUSTER", "INFO");
      if (!info.contains("cluster_state:ok")
          || !info.contains("cluster_known_nodes:" + all.size())
          || !info.contains("cluster_slots_ok:16384")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Kills the first master with SIGKILL and waits until its replica took over its slots and the
   * cluster is ok again; returns the new master.
   */
  public RedisServerProcess failOverFirstMaster(Duration atMost) throws IOException {
    masters.get(0).kill();
    return awaitReplicaPromoted(atMost);
  }

  /**
   * Waits until the replica took over the slots of the first master (killed by the caller) and the
   * cluster is ok again; returns it.
   */
  public RedisServerProcess awaitReplicaPromoted(Duration atMost) {
    await("the replica promoted and the cluster ok")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () ->
                "master".equals(RedisSentinelGroup.infoField(replica, "replication", "role"))
                    && ((String) replica.command("CLUSTER", "INFO")).contains("cluster_state:ok"));
    return replica;
  }

  private static RedisServerProcess clusterServer() throws IOException {
    // The cluster bus port is given, not the default port + 10000, which may be out of range or
    // taken for a free port picked among the ephemeral ones.
    return new RedisServerProcess(
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "2000",
        "--cluster-port",
        Integer.toString(freePort()));
  }

  /** Kills every master. */
  public synchronized void stop() {
    masters.forEach(RedisServerProcess::stop);
    masters.clear();
    if (replica != null) {
      replica.stop();
      replica = null;
    }
  }

  /** {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3}. */
  public String uri() {
    return "redis-cluster://"
        + masters.stream().map(m -> "127.0.0.1:" + m.port()).collect(Collectors.joining(","));
  }

  /** Drops every key on every master (a replica follows its master). */
  public void flushAll() {
    masters.forEach(RedisServerProcess::flushAll);
  }

  /** The master that holds {@code key}'s slot. */
  public RedisServerProcess masterOf(String key) throws IOException {
    long slot = (Long) masters.get(0).command("CLUSTER", "KEYSLOT", key);
    for (Object range : (List<?>) masters.get(0).command("CLUSTER", "SLOTS")) {
      List<?> r = (List<?>) range;
      if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
        long port = (Long) ((List<?>) r.get(2)).get(1);
        for (RedisServerProcess m : masters) {
          if (m.port() == port) {
            return m;
          }
        }
      }
    }
    throw new IllegalStateException("no master holds slot " + slot);
  }

  /** The first of {@code c0, c1, ...} whose slot {@code master} holds. */
  public String channelOn(RedisServerProcess master) throws IOException {
    for (int i = 0; i < 1000; i++) {
      if (masterOf("{c" + i + "}") == master) {
        return "c" + i;
      }
    }
    throw new IllegalStateException("no channel on port " + master.port());
  }

  /** How many shard subscribers (sharded pub/sub) {@code topic} has on {@code server}. */
  public static long shardSubscribers(RedisServerProcess server, String topic) throws IOException {
    List<?> r = (List<?>) server.command("PUBSUB", "SHARDNUMSUB", topic);
    return (Long) r.get(1);
  }

  /** The masters, in the order they were started. */
  public List<RedisServerProcess> masters() {
    return List.copyOf(masters);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

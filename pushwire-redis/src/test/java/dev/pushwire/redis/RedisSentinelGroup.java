package dev.pushwire.redis;

import static org.awaitility.Awaitility.await;

import dev.pushwire.hub.testing.PerTestClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel group on loopback, for one test class: a master, one replica ({@code replicaof})
 * and three sentinels (quorum 2) watching them, each a real {@code redis-server} on a free port
 * with its own directory under {@code target/}. Register it as a static {@code @RegisterExtension}
 * field. {@link #start()} returns once every sentinel sees the master, the replica in sync and the
 * two other sentinels, so that a failover can start at once.
 *
 * <p>A master is declared down after {@value #DOWN_AFTER_MILLIS} ms without an answer, so that a
 * {@link #killMaster()} leads to a promoted replica within a few seconds.
 */
public final class RedisSentinelGroup extends PerTestClass {
  /** The name the sentinels know the master by. */
  public static final String MASTER_NAME = "pushwire";

  static final int DOWN_AFTER_MILLIS = 1000;
  private static final int FAILOVER_TIMEOUT_MILLIS = 3000;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final int replicas;
  private final List<RedisServerProcess> servers = new ArrayList<>();
  private final List<RedisServerProcess> sentinels = new ArrayList<>();

  /**
   * The user replicas log in as: {@link #cutReplication()} disables it. (A proxy between replica
   * and master would not do: the sentinels point a replica that follows another address back at the
   * master.)
   */
  private static final String[] REPLICATION_USER = {
    "--user", "repl", "on", ">repl-secret", "~*", "&*", "+@all"
  };

  /** A master, one replica and three sentinels. */
  public RedisSentinelGroup() {
    this(1);
  }

  /**
   * A master, {@code replicas} replicas and three sentinels. With two, a replica is left after a
   * failover without starting the killed master again: an empty server that comes back may be
   * promoted itself if the sentinels wrongly think the new master down (on a very busy machine).
   */
  public RedisSentinelGroup(int replicas) {
    this.replicas = replicas;
  }

  /** Starts the master, the replica and the sentinels, and waits until the group is ready. */
  public synchronized void start() throws IOException, InterruptedException {
    if (!servers.isEmpty()) {
      return;
    }
    RedisServerProcess master = new RedisServerProcess(REPLICATION_USER);
    servers.add(master);
    master.start();
    for (int i = 0; i < replicas; i++) {
      List<String> args = new ArrayList<>(List.of(REPLICATION_USER));
      args.addAll(
          List.of(
              "--replicaof",
              "127.0.0.1",
              Integer.toString(master.port()),
              "--masteruser",
              "repl",
              "--masterauth",
              "repl-secret"));
      RedisServerProcess replica = new RedisServerProcess(args.toArray(new String[0]));
      servers.add(replica);
      replica.start();
    }
    String config =
        String.join(
            "\n",
            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
            "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
            "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
            "sentinel parallel-syncs " + MASTER_NAME + " 1",
            "");
    for (int i = 0; i < 3; i++) {
      RedisServerProcess s = RedisServerProcess.sentinel(config);
      sentinels.add(s);
      s.start();
    }
    await("the sentinels see the master, the replica in sync and each other")
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(this::ready);
  }

  private boolean ready() throws IOException {
    int masterPort = masterPort(sentinels.get(0));
    for (RedisServerProcess server : servers) {
      if (server.port() != masterPort
          && !"up".equals(infoField(server, "replication", "master_link_status"))) {
        return false;
      }
    }
    for (RedisServerProcess s : sentinels) {
      List<?> replicas = (List<?>) s.command("SENTINEL", "REPLICAS", MASTER_NAME);
      List<?> others = (List<?>) s.command("SENTINEL", "SENTINELS", MASTER_NAME);
      if (replicas.size() != servers.size() - 1
          || !replicas.stream().allMatch(r -> "slave".equals(field((List<?>) r, "flags")))
          || others.size() != sentinels.size() - 1
          || masterPort(s) != masterPort) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts again every server that was killed (the sentinels make it a replica of the current
   * master) and waits until the group is ready for another failover.
   */
  public synchronized void heal() throws IOException, InterruptedException {
    for (RedisServerProcess server : servers) {
      server.start();
    }
    await("the group healed")
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(this::ready);
  }

  /** Kills every server and sentinel. */
  public synchronized void stop() {
    sentinels.forEach(RedisServerProcess::stop);
    servers.forEach(RedisServerProcess::stop);
    sentinels.clear();
    servers.clear();
  }

  /**
   * Cuts the replicas off the first master, which goes on accepting writes they will not have: what
   * asynchronous replication loses when the master dies before its replicas caught up. Only before
   * the first failover (later replicas replicate directly).
   */
  public void cutReplication() throws IOException {
    RedisServerProcess master = master();
    master.command("ACL", "SETUSER", "repl", "off");
    master.command("CLIENT", "KILL", "USER", "repl");
  }

  /** {@code redis-sentinel://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3#pushwire}. */
  public String uri() {
    return "redis-sentinel://"
        + sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","))
        + "#"
        + MASTER_NAME;
  }

  /** The master the first sentinel that answers names. */
  public RedisServerProcess master() {
    for (RedisServerProcess s : sentinels) {
      try {
        int port = masterPort(s);
        for (RedisServerProcess server : servers) {
          if (server.port() == port) {
            return server;
          }
        }
      } catch (IOException | RuntimeException e) {
        // This sentinel is not answering: ask the next one.
      }
    }
    throw new IllegalStateException("no sentinel names a master of this group");
  }

  /** Drops every key on the master (the replica follows). */
  public void flushAll() {
    master().flushAll();
  }

  /**
   * Kills the master with SIGKILL and returns it; the sentinels then promote the replica. It stays
   * dead until {@link RedisServerProcess#start()}.
   */
  public RedisServerProcess killMaster() throws IOException {
    RedisServerProcess master = master();
    master.kill();
    return master;
  }

  /** Waits until every sentinel names a master other than {@code old} and that master answers. */
  public RedisServerProcess awaitFailoverFrom(RedisServerProcess old, Duration atMost) {
    await("a failover from the master on port " + old.port())
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              for (RedisServerProcess s : sentinels) {
                if (masterPort(s) == old.port()) {
                  return false;
                }
              }
              return "master".equals(infoField(master(), "replication", "role"));
            });
    return master();
  }

  private static int masterPort(RedisServerProcess sentinel) throws IOException {
    List<?> addr = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return Integer.parseInt((String) addr.get(1));
  }

  private static String field(List<?> flatMap, String name) {
    for (int i = 0; i + 1 < flatMap.size(); i += 2) {
      if (name.equals(flatMap.get(i))) {
        return (String) flatMap.get(i + 1);
      }
    }
    return null;
  }

  /** One field of {@code INFO section}, or null. */
  static String infoField(RedisServerProcess server, String section, String name) {
    try {
      String info = (String) server.command("INFO", section);
      for (String line : info.split("\r\n")) {
        if (line.startsWith(name + ":")) {
          return line.substring(name.length() + 1).trim();
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

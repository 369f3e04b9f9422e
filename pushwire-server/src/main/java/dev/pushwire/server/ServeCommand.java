package dev.pushwire.server;

import dev.pushwire.server.ConfigLoader.Flag;
import dev.pushwire.server.internal.BuildInfo;
import dev.pushwire.server.internal.ConfigYaml;
import dev.pushwire.server.internal.DaemonLauncher;
import dev.pushwire.server.internal.DurationText;
import dev.pushwire.server.internal.LogFormats;
import dev.pushwire.server.internal.LogLevels;
import dev.pushwire.server.internal.PidFile;
import dev.pushwire.server.internal.ShutdownSignals;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pushwire serve}: runs a {@link PushwireNode} until the process is told to stop. The config
 * comes from {@code --config FILE} (or {@code PUSHWIRE_CONFIG}), then {@code PUSHWIRE_*} variables,
 * then the flags below, each winning over the one before. Flags are taken as text and read by
 * {@link ConfigLoader}, so a bad value gets the same one-line error whatever its source.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a push node.",
      "Subscribers connect over WebSocket; publishers publish through the HTTP API, the"
          + " publisher socket or a timer. Settings come from --config FILE, then PUSHWIRE_*"
          + " environment variables, then flags (flags win). With no API key configured, one is"
          + " generated and printed at start-up.",
      ""
    },
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  Every config key has a variable: PUSHWIRE_ and the key in upper case,",
      "  with . and - as _ (port: PUSHWIRE_PORT, history.size: PUSHWIRE_HISTORY_SIZE,",
      "  api.keys: PUSHWIRE_API_KEYS or PUSHWIRE_API_KEY); lists are comma-separated.",
      "  PUSHWIRE_CONFIG names the config file. Every key with its default:",
      "  docs/pushwire.example.yaml.",
      "",
      "Examples:",
      "  pushwire serve",
      "  pushwire serve --port 8080 --api-key s3cret",
      "  pushwire serve --tick 1s --tick-channel clock    # publish every second",
      "  pushwire serve --publisher-path /trigger         # the classic trigger path",
      "  pushwire serve --broker redis://10.0.0.5:6379 --registry redis://10.0.0.5:6379",
      "  pushwire serve --broker 'redis-sentinel://10.0.0.5:26379,10.0.0.6:26379#mymaster'",
      "  pushwire serve --broker redis-cluster://10.0.0.5:7000,10.0.0.6:7001",
      "  pushwire serve --registry memcached://10.0.0.6:11211   # the classic registry",
      "  PUSHWIRE_HISTORY_SIZE=1000 pushwire serve --config pushwire.yaml",
      "  pushwire serve --config pushwire.yaml --check    # check, print, exit",
      "  pushwire serve --daemon --pid-file /run/pushwire.pid --log-file pushwire.log",
      "  pushwire status; pushwire stop                   # see docs/OPERATIONS.md",
      ""
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;
  @ParentCommand PushwireCommand parent;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(names = "--check", description = "Check the config, print the values in force, exit.")
  boolean check;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (0.0.0.0).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "Port, 0 for any free one (9876).")
  String port;

  @Option(
      names = "--path",
      paramLabel = "PATH",
      description = "Subscriber path; repeat for more (/ and /ws).")
  List<String> paths = new ArrayList<>();

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "API key for the HTTP API and publisher socket; repeat for more.")
  List<String> apiKeys = new ArrayList<>();

  @Option(
      names = "--publisher-path",
      paramLabel = "PATH",
      description = "Path of the publisher socket (/publish).")
  String publisherPath;

  @Option(
      names = "--tick",
      paramLabel = "PERIOD",
      description = "Publish every PERIOD, e.g. 1s, with no publisher (off).")
  String tick;

  @Option(
      names = "--tick-channel",
      paramLabel = "CHANNEL",
      description = "Channel of the --tick messages (default).")
  String tickChannel;

  @Option(
      names = "--tick-data",
      paramLabel = "TEXT",
      description = "Text of the --tick messages ({\"seq\":N,\"time\":...}).")
  String tickData;

  @Option(
      names = "--history-size",
      paramLabel = "N",
      description = "Publications kept per channel (100).")
  String historySize;

  @Option(
      names = "--history-ttl",
      paramLabel = "DURATION",
      description = "How long they are kept (5m).")
  String historyTtl;

  @Option(
      names = "--max-subscriptions",
      paramLabel = "N",
      description = "Channels per connection (128).")
  String maxSubscriptions;

  @Option(
      names = "--max-message-size",
      paramLabel = "SIZE",
      description = "Largest client message, e.g. 64KiB (64KiB).")
  String maxMessageSize;

  @Option(
      names = "--max-body-size",
      paramLabel = "SIZE",
      description = "Largest HTTP API body (1MiB).")
  String maxBodySize;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description = "Open connections allowed (100000).")
  String maxConnections;

  @Option(
      names = "--ping-interval",
      paramLabel = "DURATION",
      description = "Ping each connection this often; 0 is off (25s).")
  String pingInterval;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      description = "Close connections silent this long; 0 is off (60s).")
  String idleTimeout;

  @Option(names = "--compression", negatable = true, description = "Offer permessage-deflate (on).")
  Boolean compression;

  @Option(
      names = "--allowed-origin",
      paramLabel = "ORIGIN",
      description = "Browser origin allowed to connect; repeat for more (all).")
  List<String> allowedOrigins = new ArrayList<>();

  @Option(
      names = "--slow-consumer-policy",
      paramLabel = "POLICY",
      description = "drop or close (drop).")
  String slowConsumerPolicy;

  @Option(
      names = "--slow-consumer-timeout",
      paramLabel = "DURATION",
      description = "How long a connection may stay behind before it is a slow consumer (3s).")
  String slowConsumerTimeout;

  @Option(
      names = "--slow-consumer-max-pending",
      paramLabel = "SIZE",
      description = "Bytes queued for one connection that make it a slow consumer at once (4MiB).")
  String slowConsumerMaxPending;

  @Option(
      names = "--client-publish",
      negatable = true,
      description = "Let pushwire.v1 clients publish (off).")
  Boolean clientPublish;

  @Option(names = "--node-id", paramLabel = "ID", description = "This node's id (random).")
  String nodeId;

  @Option(
      names = "--broker",
      paramLabel = "URI",
      description =
          "memory, or redis://HOST:PORT[/DB], redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER or"
              + " redis-cluster://HOST:PORT[,HOST:PORT] shared by every node (memory).")
  String broker;

  @Option(
      names = "--registry",
      paramLabel = "URI",
      description =
          "memory, redis://HOST:PORT[/DB], redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER,"
              + " redis-cluster://HOST:PORT[,HOST:PORT] or memcached://HOST:PORT[,HOST:PORT]"
              + " (memory).")
  String registry;

  @Option(
      names = "--registry-ttl",
      paramLabel = "DURATION",
      description = "How long a dead node's records stay in the registry (30s).")
  String registryTtl;

  @Option(
      names = "--dashboard",
      negatable = true,
      description = "Serve the dashboard at / (on; loopback clients only without --admin-secret).")
  Boolean dashboard;

  @Option(
      names = "--admin-secret",
      paramLabel = "SECRET",
      description = "Secret to open the dashboard from other machines (none).")
  String adminSecret;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "off, error, warn, info, debug or trace (info).")
  String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description = "text (one readable line per event) or json (one JSON object per line) (text).")
  String logFormat;

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      description = "How long a graceful stop (SIGTERM, SIGINT, pushwire stop) may take (10s).")
  String drainTimeout;

  @Option(
      names = "--drain-notice",
      paramLabel = "DURATION",
      description =
          "How long /readyz says draining before a graceful stop closes the listener (2s; 0: none).")
  String drainNotice;

  @Option(
      names = DaemonLauncher.DAEMON_FLAG,
      description =
          "Run in the background: return once the node listens, log to --log-file, write"
              + " --pid-file.")
  boolean daemon;

  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description =
          "Write the process id here once listening, remove it on exit; refuse to start while it"
              + " names a running pushwire (with --daemon: "
              + PidFile.DEFAULT
              + ").")
  Path pidFile;

  @Option(
      names = "--log-file",
      paramLabel = "FILE",
      description =
          "With --daemon: append the output and the logs here (" + DEFAULT_LOG_FILE + ").")
  Path logFile;

  /** Set by {@link DaemonLauncher} on the background child it starts. */
  @Option(names = DaemonLauncher.CHILD_FLAG, hidden = true)
  boolean daemonChild;

  /** The log file {@code --daemon} appends to when none is given. */
  static final String DEFAULT_LOG_FILE = "pushwire.log";

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerConfig cfg;
    try {
      cfg = loadConfig();
    } catch (ConfigException e) {
      err.println("config error: " + e.getMessage());
      err.flush();
      return PushwireCommand.EXIT_USAGE;
    }
    if (check) {
      printConfig(cfg, out);
      return PushwireCommand.EXIT_OK;
    }
    if (logFile != null && !daemon && !daemonChild) {
      err.println(
          "error: --log-file needs --daemon (in the foreground, redirect the output instead:"
              + " pushwire serve >>FILE 2>&1)");
      err.println("Run 'pushwire serve --help' for usage.");
      err.flush();
      return PushwireCommand.EXIT_USAGE;
    }
    PidFile pid =
        pidFile != null
            ? new PidFile(pidFile)
            : daemon ? new PidFile(Path.of(PidFile.DEFAULT)) : null;
    if (pid != null && !claim(pid, err)) {
      return PushwireCommand.EXIT_FAILURE;
    }
    if (daemon && !daemonChild) {
      List<String> args = parent.spec.commandLine().getParseResult().originalArgs();
      List<String> childArgs = new ArrayList<>(args);
      if (pidFile == null) {
        childArgs.add("--pid-file");
        childArgs.add(pid.path().toString());
      }
      Path log = logFile != null ? logFile : Path.of(DEFAULT_LOG_FILE);
      return new DaemonLauncher(pid, log, out, err).launch(childArgs);
    }
    LogLevels.apply(cfg.logLevel());
    LogFormats.apply(cfg.logFormat());
    PushwireNode node = PushwireNode.create(cfg);
    int boundPort;
    try {
      boundPort = node.start();
    } catch (UncheckedIOException e) {
      err.println("error: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
      err.flush();
      return PushwireCommand.EXIT_FAILURE;
    }
    long self = ProcessHandle.current().pid();
    ShutdownSignals signals =
        ShutdownSignals.install(
            cfg.drainTimeout(),
            () -> {
              if (pid != null) {
                pid.removeIfOwnedBy(self);
              }
            });
    printBanner(node, boundPort, out, cfg.logFormat());
    if (pid != null) {
      try {
        pid.write(self, localUrl(cfg, boundPort));
      } catch (UncheckedIOException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        node.close();
        signals.finished();
        return PushwireCommand.EXIT_FAILURE;
      }
    }
    signals.awaitStopRequest();
    try {
      node.drain(cfg.drainTimeout());
    } finally {
      if (pid != null) {
        pid.removeIfOwnedBy(self);
      }
      signals.finished();
    }
    log.info("node {} stopped", node.hub().nodeId());
    return PushwireCommand.EXIT_OK;
  }

  /**
   * Checks {@code pid} before starting: refuses while it names a running pushwire (other than this
   * process), and removes it when it is stale.
   */
  private static boolean claim(PidFile pid, PrintWriter err) {
    PidFile.Check check;
    try {
      check = pid.check();
      if (check.state() == PidFile.State.RUNNING
          && check.entry().pid() != ProcessHandle.current().pid()) {
        err.println(
            "error: pushwire is already running as pid "
                + check.entry().pid()
                + " (pid file "
                + pid.path()
                + "); stop it first: pushwire stop --pid-file "
                + pid.path());
        err.flush();
        return false;
      }
      if (check.state() == PidFile.State.STALE) {
        log.info(
            "replacing stale pid file {} (pid {} is not a running pushwire)",
            pid.path(),
            check.entry().pid());
        pid.remove();
      }
      return true;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return false;
    }
  }

  /** Where this machine reaches the node's HTTP port. */
  static String localUrl(ServerConfig cfg, int port) {
    String host = cfg.host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("[::]")) {
      host = "[::1]";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port;
  }

  /** The config from the file, the environment and the flags of this command. */
  ServerConfig loadConfig() throws ConfigException {
    return new ConfigLoader(parent.env()).load(configFile(), flags());
  }

  private Path configFile() {
    if (config != null) {
      return config;
    }
    String fromEnv = parent.env().get("PUSHWIRE_CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  /** The flags given, as config keys, in a fixed order. */
  List<Flag> flags() {
    List<Flag> flags = new ArrayList<>();
    add(flags, "host", "--host", host);
    add(flags, "port", "--port", port);
    paths.forEach(p -> add(flags, "paths", "--path", p));
    apiKeys.forEach(k -> add(flags, "api.keys", "--api-key", k));
    add(flags, "publisher.path", "--publisher-path", publisherPath);
    add(flags, "tick.period", "--tick", tick);
    add(flags, "tick.channel", "--tick-channel", tickChannel);
    add(flags, "tick.data", "--tick-data", tickData);
    add(flags, "history.size", "--history-size", historySize);
    add(flags, "history.ttl", "--history-ttl", historyTtl);
    add(flags, "max-subscriptions", "--max-subscriptions", maxSubscriptions);
    add(flags, "max-message-size", "--max-message-size", maxMessageSize);
    add(flags, "api.max-body-size", "--max-body-size", maxBodySize);
    add(flags, "max-connections", "--max-connections", maxConnections);
    add(flags, "ping-interval", "--ping-interval", pingInterval);
    add(flags, "idle-timeout", "--idle-timeout", idleTimeout);
    add(flags, "compression", "--compression", compression == null ? null : compression.toString());
    allowedOrigins.forEach(o -> add(flags, "allowed-origins", "--allowed-origin", o));
    add(flags, "slow-consumer-policy", "--slow-consumer-policy", slowConsumerPolicy);
    add(flags, "slow-consumer-timeout", "--slow-consumer-timeout", slowConsumerTimeout);
    add(flags, "slow-consumer-max-pending", "--slow-consumer-max-pending", slowConsumerMaxPending);
    add(
        flags,
        "client-publish",
        "--client-publish",
        clientPublish == null ? null : clientPublish.toString());
    add(flags, "node-id", "--node-id", nodeId);
    add(flags, "broker", "--broker", broker);
    add(flags, "registry", "--registry", registry);
    add(flags, "registry-ttl", "--registry-ttl", registryTtl);
    add(flags, "dashboard.enabled", "--dashboard", dashboard == null ? null : dashboard.toString());
    add(flags, "admin.secret", "--admin-secret", adminSecret);
    add(flags, "log-level", "--log-level", logLevel);
    add(flags, "log-format", "--log-format", logFormat);
    add(flags, "drain-timeout", "--drain-timeout", drainTimeout);
    add(flags, "drain-notice", "--drain-notice", drainNotice);
    return flags;
  }

  private static void add(List<Flag> flags, String key, String flag, String value) {
    if (value != null) {
      flags.add(new Flag(key, flag, value));
    }
  }

  private static void printConfig(ServerConfig cfg, PrintWriter out) {
    out.println("# pushwire " + BuildInfo.version() + ": the config in force");
    out.print(ConfigYaml.write(cfg));
    out.flush();
  }

  private static void printBanner(
      PushwireNode node, int port, PrintWriter console, LogFormat format) {
    // With JSON logs, the banner goes to the log as JSON lines too, so a collector reads them all.
    StringWriter text = new StringWriter();
    PrintWriter out = format == LogFormat.JSON ? new PrintWriter(text) : console;
    printBanner(node, port, out);
    if (format == LogFormat.JSON) {
      out.flush();
      text.toString().lines().forEach(line -> log.info("{}", line));
    }
  }

  private static void printBanner(PushwireNode node, int port, PrintWriter out) {
    ServerConfig cfg = node.config();
    String host =
        cfg.host().equals("0.0.0.0") || cfg.host().equals("::") ? "127.0.0.1" : cfg.host();
    String base = host + ":" + port;
    out.println(
        "pushwire "
            + BuildInfo.version()
            + ": node "
            + node.hub().nodeId()
            + " listening on "
            + cfg.host()
            + ":"
            + port);
    out.println(
        "  subscribe: ws://" + base + cfg.paths().get(0) + "   (?channel=NAME; default: default)");
    out.println(
        "  publish:   ws://"
            + base
            + cfg.publisherPath()
            + "?channel=NAME   or   POST http://"
            + base
            + "/api/publish");
    out.println(
        "  from a shell: pushwire publish --url http://"
            + base
            + " --channel NAME --data TEXT   (or export PUSHWIRE_URL=http://"
            + base
            + ")");
    if (!cfg.tickPeriod().isZero()) {
      out.println(
          "  tick:      every "
              + DurationText.format(cfg.tickPeriod())
              + " to "
              + cfg.tickChannel());
    }
    if (cfg.dashboardEnabled()) {
      // The key rides in the URL's fragment, which the browser never sends to the server.
      out.println(
          "  dashboard: http://"
              + base
              + "/"
              + (node.apiKeyGenerated()
                  ? "#key=" + node.apiKeys().get(0)
                  : "   (sign in with an API key)"));
    }
    if (node.apiKeyGenerated()) {
      out.println("API key: " + node.apiKeys().get(0));
      out.println(
          "  (generated for this run; set your own with --api-key, PUSHWIRE_API_KEY or api.keys)");
    } else {
      out.println("API keys: " + node.apiKeys().size() + " configured");
    }
    out.flush();
  }
}

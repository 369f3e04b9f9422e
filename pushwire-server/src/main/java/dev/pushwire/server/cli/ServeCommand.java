package dev.pushwire.server.cli;

import dev.pushwire.server.ConfigException;
import dev.pushwire.server.ConfigLoader;
import dev.pushwire.server.ConfigLoader.Flag;
import dev.pushwire.server.LogFormat;
import dev.pushwire.server.PushwireNode;
import dev.pushwire.server.ServerConfig;
import dev.pushwire.server.internal.BuildInfo;
import dev.pushwire.server.internal.config.ConfigKey;
import dev.pushwire.server.internal.config.ConfigSchema;
import dev.pushwire.server.internal.config.ConfigYaml;
import dev.pushwire.server.internal.config.DurationText;
import dev.pushwire.server.internal.config.LogFormats;
import dev.pushwire.server.internal.config.LogLevels;
import dev.pushwire.server.internal.daemon.DaemonLauncher;
import dev.pushwire.server.internal.daemon.PidFile;
import dev.pushwire.server.internal.daemon.ShutdownSignals;
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
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pushwire serve}: runs a {@link PushwireNode} until the process is told to stop. The config
 * comes from {@code --config FILE} (or {@code PUSHWIRE_CONFIG}), then {@code PUSHWIRE_*} variables,
 * then the flags below, each winning over the one before. The flags that set config keys come from
 * {@link ConfigSchema}, like the keys of the file and the environment.
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
    modelTransformer = ServeCommand.ConfigFlags.class,
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
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;
  @ParentCommand PushwireCommand parent;

  /** Where the config keys' flags go in {@code --help}: after these two, before the rest. */
  private static final int FIRST_CONFIG_FLAG = 10;

  private static final int AFTER_CONFIG_FLAGS = 1000;

  @Option(names = "--config", order = 1, paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(
      names = "--check",
      order = 2,
      description = "Check the config, print the values in force, exit.")
  boolean check;

  @Option(
      names = DaemonLauncher.DAEMON_FLAG,
      order = AFTER_CONFIG_FLAGS,
      description =
          "Run in the background: return once the node listens, log to --log-file, write"
              + " --pid-file.")
  boolean daemon;

  @Option(
      names = "--pid-file",
      order = AFTER_CONFIG_FLAGS + 1,
      paramLabel = "FILE",
      description =
          "Write the process id here once listening, remove it on exit; refuse to start while it"
              + " names a running pushwire (with --daemon: "
              + PidFile.DEFAULT
              + ").")
  Path pidFile;

  @Option(
      names = "--log-file",
      order = AFTER_CONFIG_FLAGS + 2,
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
    long self = ProcessHandle.current().pid();
    // Before the node starts: a SIGTERM that arrives once the port is bound (a supervisor that
    // stops what it has just started) is a stop request like any other, drained once the start is
    // complete, and not the JVM's default exit with status 143 and no drain.
    ShutdownSignals signals =
        ShutdownSignals.install(
            cfg.drainTimeout(),
            () -> {
              if (pid != null) {
                pid.removeIfOwnedBy(self);
              }
            });
    PushwireNode node = PushwireNode.create(cfg);
    // A stop requested while the node warms up ends the warm-up, so that the drain is not left
    // waiting for it.
    Thread cutWarmUp =
        new Thread(
            () -> {
              try {
                signals.awaitStopRequest();
                node.cancelWarmUp();
              } catch (InterruptedException e) {
                // the start is over
              }
            },
            "pushwire-warmup-stop");
    cutWarmUp.setDaemon(true);
    cutWarmUp.start();
    int boundPort;
    try {
      boundPort = node.start();
    } catch (UncheckedIOException e) {
      err.println("error: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
      err.flush();
      signals.finished();
      return PushwireCommand.EXIT_FAILURE;
    } catch (RuntimeException | Error e) {
      signals.finished(); // else the JVM's exit would wait for a drain that never comes
      throw e;
    }
    cutWarmUp.interrupt();
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
    String host = cfg.core().host();
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
  public ServerConfig loadConfig() throws ConfigException {
    return new ConfigLoader(parent.env()).load(configFile(), flags());
  }

  private Path configFile() {
    if (config != null) {
      return config;
    }
    String fromEnv = parent.env().get("PUSHWIRE_CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  /** The flags given, as config keys, in the order of the keys. */
  List<Flag> flags() {
    List<Flag> flags = new ArrayList<>();
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      if (key.flag() == null) {
        continue;
      }
      Object value = spec.findOption(key.flag().name()).getValue();
      if (value instanceof List<?> list) {
        list.forEach(v -> flags.add(new Flag(key.name(), key.flag().name(), v.toString())));
      } else if (value != null) {
        flags.add(new Flag(key.name(), key.flag().name(), value.toString()));
      }
    }
    return flags;
  }

  /**
   * Adds a flag for every config key that has one, between {@code --check} and {@code --daemon} in
   * {@code --help}. Each takes its value as text for {@link ConfigLoader} to read, so a bad value
   * gets the same one-line error whatever its source.
   */
  static final class ConfigFlags implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec serve) {
      int order = FIRST_CONFIG_FLAG;
      for (ConfigKey<?> key : ConfigSchema.keys()) {
        ConfigKey.Flag flag = key.flag();
        if (flag == null) {
          continue;
        }
        OptionSpec.Builder option =
            OptionSpec.builder(flag.name()).description(flag.description()).order(order++);
        if (key.type().isList()) {
          option.type(List.class).auxiliaryTypes(String.class).paramLabel(flag.label());
        } else if (flag.label() == null) {
          option.type(Boolean.class).arity("0").negatable(true);
        } else {
          option.type(String.class).paramLabel(flag.label());
        }
        serve.addOption(option.build());
      }
      // Ordered options list --help and --version first unless these come last too.
      for (String name : List.of("--help", "--version")) {
        OptionSpec standard = serve.findOption(name);
        if (standard != null) {
          serve.remove(standard);
          serve.addOption(standard.toBuilder().order(AFTER_CONFIG_FLAGS + 10).build());
        }
      }
      return serve;
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
        cfg.core().host().equals("0.0.0.0") || cfg.core().host().equals("::")
            ? "127.0.0.1"
            : cfg.core().host();
    String base = host + ":" + port;
    out.println(
        "pushwire "
            + BuildInfo.version()
            + ": node "
            + node.hub().nodeId()
            + " listening on "
            + cfg.core().host()
            + ":"
            + port);
    out.println(
        "  subscribe: ws://"
            + base
            + cfg.core().paths().get(0)
            + "   (?channel=NAME; default: default)");
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

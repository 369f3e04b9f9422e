package dev.pushwire.hub.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real backend server binary (redis-server, memcached) on a free loopback port, for one test
 * class: register a subclass as a static {@code @RegisterExtension} field. It keeps its port across
 * {@link #restart()}, logs to a file under {@code target/}, and is killed by a shutdown hook if the
 * test JVM dies before {@code afterAll}. Subclasses say how to start the binary and how to ask it
 * whether it is up, in its own protocol, without the code under test.
 */
public abstract class ServerProcess extends PerTestClass {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final String binaryName;
  private final String debianPackage;
  private int port;
  private Process process;
  private Thread reaper;
  private Path dir;

  /** A server run from binary {@code binaryName}, installed by Debian's {@code debianPackage}. */
  protected ServerProcess(String binaryName, String debianPackage) {
    this.binaryName = binaryName;
    this.debianPackage = debianPackage;
  }

  /** The command line that starts the server on {@code port}, with {@code dir} for its files. */
  protected abstract List<String> commandLine(Path binary, int port, Path dir);

  /** Whether the server answers on its port; an exception counts as no. */
  protected abstract boolean answers() throws IOException;

  /**
   * Starts the server (on the same port as before, if it ran before) and waits until it answers.
   */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path binary = require(binaryName, debianPackage);
    if (port == 0) {
      port = freePort();
      Path target = Path.of("target");
      Files.createDirectories(target);
      dir = Files.createTempDirectory(target, binaryName + "-" + port + "-");
    }
    Path log = dir.resolve(binaryName + ".log");
    process =
        new ProcessBuilder(commandLine(binary, port, dir))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Process started = process;
    if (reaper == null) {
      reaper = new Thread(() -> started.destroyForcibly(), "kill-" + binaryName);
      Runtime.getRuntime().addShutdownHook(reaper);
    }
    try {
      await(binaryName + " answering on port " + port)
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (!started.isAlive()) {
                  throw new IllegalStateException(
                      binaryName
                          + " exited with "
                          + started.exitValue()
                          + ": "
                          + Files.readString(log));
                }
                try {
                  return answers();
                } catch (IOException | RuntimeException e) {
                  return false; // not up yet
                }
              });
    } catch (ConditionTimeoutException e) {
      stop();
      throw new IllegalStateException(
          binaryName + " did not answer on port " + port + " within " + START_TIMEOUT);
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s); it keeps its port for {@link #start}. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    if (reaper != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // Deliberately ignored: the JVM is already shutting down and runs the hook anyway.
      }
      reaper = null;
    }
  }

  /** Stops and starts the server on the same port; what it held in memory is gone. */
  public void restart() throws IOException, InterruptedException {
    stop();
    start();
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** A new connection to the server, with a 5 s read timeout. */
  protected Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
    s.setSoTimeout(5000);
    return s;
  }

  /**
   * The path of {@code name}.
   *
   * @throws IllegalStateException naming scripts/test-setup when it is not installed
   */
  static Path require(String name, String debianPackage) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin"));
    for (String d : dirs) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name);
      }
    }
    throw new IllegalStateException(
        name
            + " is not installed: run scripts/test-setup as root (./mvnw verify runs it; it"
            + " installs Debian's "
            + debianPackage
            + "), or apt-get install "
            + debianPackage);
  }

  /** A loopback port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}

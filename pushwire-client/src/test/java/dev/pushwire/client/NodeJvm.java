package dev.pushwire.client;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeMain} node in a child JVM on the test classpath, so that a test can kill it the hard
 * way ({@link #kill()}: SIGKILL): no close frames, no clean-up, as when a machine dies. Its output
 * goes to a log file under {@code target/}.
 */
final class NodeJvm implements AutoCloseable {
  private final Process process;
  private final int port;

  private NodeJvm(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts node {@code nodeId} on the Redis at {@code redisUri}; returns once it serves. */
  static NodeJvm start(String redisUri, String nodeId, int historySize) throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "nodes"));
    Path portFile = dir.resolve(nodeId + "-" + ProcessHandle.current().pid() + ".port");
    Files.deleteIfExists(portFile);
    // Surefire's forked JVM may run from a manifest-only jar; this property has the real path.
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    classpath,
                    "-Xmx256m",
                    NodeMain.class.getName(),
                    redisUri,
                    nodeId,
                    Integer.toString(historySize),
                    portFile.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(nodeId + ".log").toFile())
            .start();
    // Killed with the test JVM too, if that dies first.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "kill-node-" + nodeId));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile) || !p.isAlive());
    } catch (RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    if (!p.isAlive()) {
      throw new IllegalStateException(
          "node "
              + nodeId
              + " exited with "
              + p.exitValue()
              + "; see target/nodes/"
              + nodeId
              + ".log");
    }
    int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).trim());
    return new NodeJvm(p, port);
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}

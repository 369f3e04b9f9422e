package dev.pushwire.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Node {@code ws} server process running {@code node/ws-echo-server.js}: an independent peer for
 * the client tests. It collects the event lines the script prints (see the script) so that tests
 * can wait for what the server saw.
 */
final class NodeWsServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final int port;

  private NodeWsServer(List<String> args) throws IOException {
    Path modules = testTools().resolve("node_modules");
    if (!Files.isRegularFile(modules.resolve("ws/package.json"))) {
      fail("Node's ws is missing in " + modules + "; run: bash scripts/test-setup " + testTools());
    }
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(script().toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("NODE_PATH", modules.toString());
    process = builder.start();
    Thread reader = new Thread(this::readLines, "node-ws-server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      String listening = awaitLine(l -> l.startsWith("listening "), START_TIMEOUT);
      port = Integer.parseInt(listening.substring("listening ".length()).trim());
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Starts the server on a free port of 127.0.0.1, with {@code args} for the script. */
  static NodeWsServer start(String... args) throws IOException {
    return new NodeWsServer(List.of(args));
  }

  /** Where scripts/test-setup installed the test tools. */
  static Path testTools() {
    String configured = System.getProperty("pushwire.testTools");
    return configured != null ? Path.of(configured) : Path.of("..", "target", "test-tools");
  }

  private static Path script() {
    try {
      return Path.of(NodeWsServer.class.getResource("/node/ws-echo-server.js").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return port;
  }

  /** How many lines the server has printed that equal {@code line}. */
  long count(String line) {
    return lines.stream().filter(line::equals).count();
  }

  /** Waits for a printed line equal to {@code line}. */
  String awaitLine(String line) {
    return awaitLine(line::equals, Duration.ofSeconds(30));
  }

  String awaitLine(Predicate<String> match, Duration timeout) {
    try {
      return await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                if (!process.isAlive()) {
                  fail("the node ws server exited; it printed: " + lines);
                }
                return lines.stream().filter(match).findFirst();
              },
              Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException e) {
      return fail("the node ws server did not print the expected line; it printed: " + lines);
    }
  }

  private void readLines() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process was destroyed while we read: the lines so far are all there is.
      lines.add("(output ended: " + e + ")");
    }
  }

  @Override
  public void close() throws IOException {
    try {
      // The script exits when its stdin ends; destroy() is the fallback.
      process.getOutputStream().close();
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    assertThat(process.isAlive()).as("node ws server still running").isFalse();
  }
}

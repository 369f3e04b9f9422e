package dev.pushwire.core.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A test script run by an independent WebSocket peer: Node's {@code ws} or Debian's Python {@code
 * websockets}, both installed by {@code scripts/test-setup}. The script is a test resource under
 * {@code conformance/}; it gets the server URL and its own arguments, talks to the server, and
 * prints one JSON result line last on stdout. {@link #run} enforces a timeout and always destroys
 * the process.
 *
 * <p>A missing peer fails the test with a message naming {@code scripts/test-setup}: these tests
 * must not be skipped silently.
 */
final class PeerScript {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static volatile Boolean pythonHasWebsockets;

  private final List<String> command;
  private final String name;
  private final boolean node;

  private PeerScript(String name, List<String> command, boolean node) {
    this.name = name;
    this.command = command;
    this.node = node;
  }

  /** A Node script using {@code ws} from the test tools' {@code node_modules}. */
  static PeerScript node(String resource) {
    Path modules = testTools().resolve("node_modules");
    if (!Files.isRegularFile(modules.resolve("ws/package.json"))) {
      fail(
          "Node's ws is missing in %s: run scripts/test-setup %s (./mvnw verify runs it)",
          modules, testTools());
    }
    return new PeerScript(resource, List.of("node", script(resource).toString()), true);
  }

  /** A script for Debian's {@code /usr/bin/python3} with its {@code websockets} package. */
  static PeerScript python(String resource) {
    if (pythonHasWebsockets == null) {
      pythonHasWebsockets = probePython();
    }
    if (!pythonHasWebsockets) {
      fail(
          "%s cannot import websockets: run scripts/test-setup %s (./mvnw verify runs it;"
              + " it installs Debian's python3-websockets)",
          PYTHON, testTools());
    }
    return new PeerScript(
        resource, List.of(PYTHON.toString(), "-u", script(resource).toString()), false);
  }

  /** Where {@code scripts/test-setup} installed the peers. */
  static Path testTools() {
    String configured = System.getProperty("pushwire.testTools");
    return configured != null
        ? Path.of(configured)
        : Path.of("..", "target", "test-tools").toAbsolutePath().normalize();
  }

  private static boolean probePython() {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import websockets")
              .redirectErrorStream(true)
              .start();
      try {
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
      } finally {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Path script(String resource) {
    URL url = PeerScript.class.getResource("/conformance/" + resource);
    if (url == null) {
      throw new IllegalArgumentException("no test resource conformance/" + resource);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs the script with {@code args}, waits at most {@code timeout} for it to exit, and returns
   * its last JSON line. Fails the test when it times out, exits non-zero or prints no JSON line.
   */
  PeerResult run(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd);
    if (node) {
      builder.environment().put("NODE_PATH", testTools().resolve("node_modules").toString());
    }
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
    Thread outReader = drain(process.getInputStream(), out, name + "-stdout");
    Thread errReader = drain(process.getErrorStream(), err, name + "-stderr");
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return fail(
            "%s did not finish within %s\nstdout: %s\nstderr: %s",
            name, timeout, String.join("\n", out), String.join("\n", err));
      }
      outReader.join(2000);
      errReader.join(2000);
      for (String line : out) {
        System.out.println("[" + name + "] " + line);
      }
      for (String line : err) {
        System.out.println("[" + name + " stderr] " + line);
      }
      if (process.exitValue() != 0) {
        return fail(
            "%s exited with %d\nstdout: %s\nstderr: %s",
            name, process.exitValue(), String.join("\n", out), String.join("\n", err));
      }
      for (int i = out.size() - 1; i >= 0; i--) {
        String line = out.get(i).trim();
        if (line.startsWith("{")) {
          return new PeerResult(Json.parseObject(line), out, err);
        }
      }
      return fail("%s printed no JSON result line\nstdout: %s\nstderr: %s", name, out, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      destroy(process);
    }
  }

  private static Thread drain(InputStream in, List<String> lines, String threadName) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(output ended: " + e + ")"); // the process was destroyed
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

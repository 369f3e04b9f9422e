package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The quick start, as a user runs it: {@code ./pushwire serve} (which builds the jar on first use
 * and prints a generated API key), {@code ./pushwire client URL --count 1} and {@code ./pushwire
 * publish --api-key KEY --data hello}, each a separate process, on loopback.
 */
@Timeout(300)
class LauncherEndToEndTest {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern API_KEY = Pattern.compile("^API key: (\\S+)$");

  private final Path root = RepoRoot.get();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private Process launch(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("pushwire").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Lines of {@code in}, as they come, from a reader thread. */
  private static BlockingQueue<String> lines(InputStream in) {
    BlockingQueue<String> out = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  out.add(line);
                }
              } catch (IOException e) {
                out.add("(read failed: " + e + ")");
              }
            },
            "launcher-test-reader");
    t.setDaemon(true);
    t.start();
    return out;
  }

  /** The first line matching {@code pattern} within {@code seconds}, with everything seen. */
  private static Matcher await(BlockingQueue<String> lines, Pattern pattern, int seconds)
      throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
    }
    throw new AssertionError("no line matching " + pattern + " within " + seconds + "s: " + seen);
  }

  @Test
  void serveClientAndPublishAsSeparateProcesses() throws Exception {
    // First use builds the jar when it is missing or older than the sources; allow for that.
    Process version = launch("version");
    String versionOut = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String versionErr = new String(version.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(version.exitValue()).as("version failed: %s", versionErr).isZero();
    assertThat(versionOut).startsWith("pushwire ");

    Process serve = launch("serve", "--host", "127.0.0.1", "--port", "0");
    BlockingQueue<String> serveOut = lines(serve.getInputStream());
    lines(serve.getErrorStream());
    int port = Integer.parseInt(await(serveOut, LISTENING, 60).group(1));
    String key = await(serveOut, API_KEY, 10).group(1);

    Process client = launch("client", "ws://127.0.0.1:" + port + "/", "--count", "1");
    BlockingQueue<String> clientOut = lines(client.getInputStream());
    BlockingQueue<String> clientErr = lines(client.getErrorStream());
    await(clientErr, Pattern.compile("^connected to "), 60);

    Process publish =
        launch("publish", "--url", "http://127.0.0.1:" + port, "--api-key", key, "--data", "hello");
    String published = new String(publish.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String publishErr = new String(publish.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(publish.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(publish.exitValue()).as("publish failed: %s", publishErr).isZero();
    assertThat(published).contains("\"offset\":1");

    assertThat(await(clientOut, Pattern.compile("^hello$"), 10).group()).isEqualTo("hello");
    assertThat(client.waitFor(10, TimeUnit.SECONDS)).as("client exits after --count 1").isTrue();
    assertThat(client.exitValue()).isZero();

    Process wrongKey =
        launch("publish", "--url", "http://127.0.0.1:" + port, "--api-key", "wrong", "--data", "x");
    String wrongErr = new String(wrongKey.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(wrongKey.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(wrongKey.exitValue()).isEqualTo(1);
    assertThat(wrongErr)
        .isEqualTo(
            "error: HTTP 401 from http://127.0.0.1:"
                + port
                + "/api/publish: wrong API key"
                + System.lineSeparator());

    serve.destroy();
    assertThat(serve.waitFor(15, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
  }
}

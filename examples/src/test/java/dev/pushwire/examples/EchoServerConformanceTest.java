package dev.pushwire.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classic {@link EchoServer} example passes a conformance run with an independent client (issue
 * 2: "the echo example passes a conformance run with an independent client"). The example runs as
 * its own JVM, exactly as documented ({@code EchoServer PORT --quiet}); the client is {@code
 * conformance/echo_conformance.py}, about 90 cases modelled on the Autobahn testsuite's sections
 * 1-7, 9, 12 and 13, with Debian's Python {@code websockets} and a raw socket for what no library
 * sends. Every case must pass.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoServerConformanceTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
  private static final Pattern SUMMARY = Pattern.compile("^(\\d+) passed, (\\d+) failed$");

  @Test
  void echoServerPassesTheConformanceRun() throws Exception {
    requirePythonWebsockets();
    List<String> serverOutput = new CopyOnWriteArrayList<>();
    Process server =
        new ProcessBuilder(
                javaExecutable(),
                "-cp",
                System.getProperty("java.class.path"),
                EchoServer.class.getName(),
                "0",
                "--quiet")
            .redirectErrorStream(true)
            .start();
    try {
      drain(server.getInputStream(), serverOutput, "echo-server-output");
      int port = awaitPort(server, serverOutput);

      List<String> out = new CopyOnWriteArrayList<>();
      Process client =
          new ProcessBuilder(
                  PYTHON.toString(), "-u", script().toString(), "ws://127.0.0.1:" + port + "/")
              .redirectErrorStream(true)
              .start();
      try {
        client.getOutputStream().close();
        Thread reader = drain(client.getInputStream(), out, "conformance-output");
        if (!client.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          fail("the conformance run did not finish within %s; so far:\n%s", RUN_TIMEOUT, out);
        }
        reader.join(2000);
      } finally {
        destroy(client);
      }
      for (String line : out) {
        System.out.println("[conformance] " + line);
      }
      assertThat(client.exitValue()).as("exit status; output:\n%s", out).isZero();
      String summary =
          out.stream().filter(l -> SUMMARY.matcher(l).matches()).findFirst().orElse(null);
      assertThat(summary).as("summary line in:\n%s", String.join("\n", out)).isNotNull();
      String nonStrict =
          out.stream().filter(l -> l.endsWith("passes are non-strict")).findFirst().orElse("");
      System.out.println(
          "EchoServer conformance: "
              + summary
              + (nonStrict.isEmpty() ? "" : " (" + nonStrict + ")"));
      Matcher m = SUMMARY.matcher(summary);
      assertThat(m.matches()).isTrue();
      List<String> failures = new ArrayList<>();
      for (String line : out) {
        if (line.startsWith("FAIL ")) {
          failures.add(line);
        }
      }
      assertThat(Integer.parseInt(m.group(1))).as("cases passed").isGreaterThanOrEqualTo(40);
      assertThat(failures).as(summary).isEmpty();
      assertThat(Integer.parseInt(m.group(2))).isZero();
      assertThat(server.isAlive()).as("the echo server survived the run").isTrue();
    } finally {
      destroy(server);
    }
  }

  private static void requirePythonWebsockets() throws Exception {
    boolean ok = false;
    if (Files.isExecutable(PYTHON)) {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import websockets")
              .redirectErrorStream(true)
              .start();
      try {
        p.getInputStream().readAllBytes();
        ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
      } finally {
        p.destroyForcibly();
      }
    }
    if (!ok) {
      String tools = System.getProperty("pushwire.testTools", "target/test-tools");
      fail(
          "%s cannot import websockets: run scripts/test-setup %s (./mvnw verify runs it; it"
              + " installs Debian's python3-websockets)",
          PYTHON, tools);
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Path script() throws URISyntaxException {
    return Path.of(
        EchoServerConformanceTest.class.getResource("/conformance/echo_conformance.py").toURI());
  }

  private static int awaitPort(Process server, List<String> output) {
    try {
      return await("EchoServer printing its port")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (!server.isAlive()) {
                  throw new AssertionError("EchoServer exited");
                }
                return output.stream()
                    .map(LISTENING::matcher)
                    .filter(Matcher::find)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .findFirst();
              },
              Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException | AssertionError e) {
      return fail("EchoServer did not print its port; it printed:\n%s", String.join("\n", output));
    }
  }

  private static Thread drain(InputStream in, List<String> lines, String name) {
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
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** SIGTERM first, so that the example's shutdown hook stops the server; then SIGKILL. */
  private static void destroy(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}

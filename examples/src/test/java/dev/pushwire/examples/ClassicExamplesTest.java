package dev.pushwire.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the classic examples as their own processes, the way README tells users to, and talks to
 * them with the JDK's WebSocket client.
 */
@Timeout(180)
class ClassicExamplesTest {
  private static final Pattern LISTENING =
      Pattern.compile("listening on \\S+:(\\d+)\\b.*ws://127\\.0\\.0\\.1:(\\d+)/");
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killAll() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process run(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Examples.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    processes.add(p);
    return p;
  }

  private static int portOf(BufferedReader out) throws IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the example never said where it listens");
  }

  private static BufferedReader stdout(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private static JdkWebSocketClient connect(int port) {
    return JdkWebSocketClient.connect("ws://127.0.0.1:" + port + "/");
  }

  @Test
  void intervalClientSendsOnATimerAndPrintsTheEchoServersReplies() throws Exception {
    Process server = run("EchoServer", "0");
    int port = portOf(stdout(server));
    Process client = run("IntervalClient", String.valueOf(port), "--count", "3");
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = new ArrayList<>();
    stdout(client).lines().forEach(lines::add);
    assertThat(lines).contains("hello 1", "hello 2", "hello 3");
    assertThat(lines).anyMatch(l -> l.startsWith("Hey. "));
    assertThat(client.exitValue()).isZero();
  }

  @Test
  void echoServerGreetsEchoesAndPrintsTheClose() throws Exception {
    Process server = run("EchoServer", "0");
    BufferedReader out = stdout(server);
    int port = portOf(out);
    JdkWebSocketClient ws = connect(port);
    String greeting = ws.nextText();
    assertThat(greeting).startsWith("Hey. ");
    ws.send("ping me");
    assertThat(ws.nextText()).isEqualTo("ping me");
    ws.sendClose(1000, "bye");
    String id = greeting.substring("Hey. ".length());
    assertThat(out.readLine()).isEqualTo(id + " closed");
  }

  @Test
  void broadcastServerPushesEveryMessageToEveryClient() throws Exception {
    Process server = run("BroadcastServer", "0");
    int port = portOf(stdout(server));
    List<JdkWebSocketClient> sockets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sockets.add(connect(port));
    }
    // The server adds a connection to the ones broadcast to once its 101 is written, so a client
    // may have read the 101 before: each socket waits for its own broadcast to come back, which
    // proves it is counted. The others get each "ready" or not, and skip it (all come before
    // "one").
    for (int i = 0; i < sockets.size(); i++) {
      sockets.get(i).send("ready " + i);
      while (!sockets.get(i).nextText().equals("ready " + i)) {
        // an earlier socket's "ready"
      }
    }
    // Two senders on two connections are not ordered against each other (each may sit on its
    // own event loop), so "two" is sent only after every inbox has "one".
    sockets.get(0).send("one");
    for (JdkWebSocketClient inbox : sockets) {
      assertThat(nextSkippingReady(inbox)).isEqualTo("one");
    }
    sockets.get(2).send("two");
    for (JdkWebSocketClient inbox : sockets) {
      assertThat(inbox.nextText()).isEqualTo("two");
    }
  }

  private static String nextSkippingReady(JdkWebSocketClient inbox) {
    String m = inbox.nextText();
    while (m.startsWith("ready ")) {
      m = inbox.nextText();
    }
    return m;
  }

  @Test
  void aBadPortIsAClearErrorWithStatus2() throws Exception {
    Process p = run("EchoServer", "nope");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
  }

  @Test
  void helpPrintsTheUsageAndExitsInsteadOfStartingAServer() throws Exception {
    for (String example : List.of("EchoServer", "BroadcastServer", "IntervalClient")) {
      Process p = run(example, "--help");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s --help exits", example).isTrue();
      assertThat(p.exitValue()).as("%s --help", example).isZero();
      assertThat(out).startsWith("usage: " + example + " [PORT]").doesNotContain("listening");
    }
  }

  @Test
  void anUnknownFlagIsAClearErrorWithStatus2() throws Exception {
    Process p = run("EchoServer", "0", "--qiet");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
  }

  @Test
  void theListeningLineNamesTheAddressTheServerIsBoundTo() throws Exception {
    String everywhere = listeningLine(run("EchoServer", "0"));
    assertThat(everywhere)
        .matches(
            "EchoServer listening on 0\\.0\\.0\\.0:\\d+ \\(every interface\\); from this"
                + " machine: ws://127\\.0\\.0\\.1:\\d+/");
    String loopback = listeningLine(run("BroadcastServer", "0", "--host", "127.0.0.1"));
    assertThat(loopback)
        .matches("BroadcastServer listening on 127\\.0\\.0\\.1:(\\d+): ws://127\\.0\\.0\\.1:\\1/");
  }

  private static String listeningLine(Process p) throws IOException {
    BufferedReader out = stdout(p);
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.contains("listening")) {
        return line;
      }
    }
    throw new AssertionError("the example never said where it listens");
  }
}

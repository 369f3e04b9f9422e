package dev.pushwire.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
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
@Timeout(60)
class ClassicExamplesTest {
  private static final Pattern LISTENING =
      Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/");
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

  private static WebSocket connect(int port, BlockingQueue<String> received) {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(
            URI.create("ws://127.0.0.1:" + port + "/"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                received.add(data.toString());
                ws.request(1);
                return null;
              }
            })
        .join();
  }

  @Test
  void intervalClientSendsOnATimerAndPrintsTheEchoServersReplies() throws Exception {
    Process server = run("EchoServer", "0");
    int port = portOf(stdout(server));
    Process client = run("IntervalClient", String.valueOf(port), "--count", "3");
    assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
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
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    WebSocket ws = connect(port, got);
    String greeting = got.poll(10, TimeUnit.SECONDS);
    assertThat(greeting).startsWith("Hey. ");
    ws.sendText("ping me", true).join();
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("ping me");
    ws.sendClose(1000, "bye").join();
    String id = greeting.substring("Hey. ".length());
    assertThat(out.readLine()).isEqualTo(id + " closed");
  }

  @Test
  void broadcastServerPushesEveryMessageToEveryClient() throws Exception {
    Process server = run("BroadcastServer", "0");
    int port = portOf(stdout(server));
    List<BlockingQueue<String>> inboxes = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
      inboxes.add(inbox);
      sockets.add(connect(port, inbox));
    }
    sockets.get(0).sendText("one", true).join();
    sockets.get(2).sendText("two", true).join();
    for (BlockingQueue<String> inbox : inboxes) {
      assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo("one");
      assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo("two");
    }
  }

  @Test
  void aBadPortIsAClearErrorWithStatus2() throws Exception {
    Process p = run("EchoServer", "nope");
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
  }
}

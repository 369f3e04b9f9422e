package dev.pushwire.server;

import dev.pushwire.core.testing.JdkWebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code pushwire serve} process from the runnable jar, on loopback, with {@link TestNodes#KEY}
 * as its API key: started, asked over HTTP, stopped with SIGTERM ({@link #terminate}) or SIGKILL
 * ({@link #kill}). The jar is built once per test run by the {@code ./pushwire} launcher, which
 * rebuilds it when the sources are newer.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static Path jar;

  private final String nodeId;
  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile int port = -1;

  private NodeProcess(String nodeId, Process process) {
    this.nodeId = nodeId;
    this.process = process;
    read(process.getInputStream(), "out");
    read(process.getErrorStream(), "err");
  }

  /**
   * {@code serve} on a free loopback port as {@code nodeId} with the tests' API key, and no drain
   * notice: no load balancer polls these nodes, so a stop need not keep serving for one.
   */
  static List<String> serveArgs(String nodeId) {
    return List.of(
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--node-id",
        nodeId,
        "--api-key",
        TestNodes.KEY,
        "--drain-notice",
        "0",
        // Tests start many nodes and measure none: the warm-up would only cost each start CPU.
        "--warmup-connections",
        "0");
  }

  /**
   * Starts {@code pushwire serve --node-id NODE_ID} with {@code args} added; does not wait for it:
   * see {@link #awaitListening}.
   */
  static NodeProcess launch(String nodeId, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(ProgramRun.DEFAULT_SIGNALS);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(serveArgs(nodeId));
    command.addAll(List.of("--log-level", "info"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(RepoRoot.get().toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    return new NodeProcess(nodeId, pb.start());
  }

  /**
   * Starts {@code pushwire serve} like {@link #launch}, but through the {@code ./pushwire} launcher
   * with the Java of {@code javaHome} and {@code env} added to an environment without {@code
   * PUSHWIRE_*} variables, the JVM's own option variables or {@code MALLOC_ARENA_MAX}; the launcher
   * chooses the JVM options. The launcher execs Java, so {@link #pid} is the JVM's.
   */
  static NodeProcess launchViaLauncher(String nodeId, Path javaHome, Map<String, String> env)
      throws IOException, InterruptedException {
    jar(); // built here, with the JDK of the tests, so that the launcher does not build it
    List<String> command = new ArrayList<>(ProgramRun.DEFAULT_SIGNALS);
    command.add(RepoRoot.get().resolve("pushwire").toString());
    command.addAll(serveArgs(nodeId));
    ProcessBuilder pb = new ProcessBuilder(command).directory(RepoRoot.get().toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    environment
        .keySet()
        .removeAll(
            List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "MALLOC_ARENA_MAX"));
    environment.put("JAVA_HOME", javaHome.toString());
    environment.putAll(env);
    return new NodeProcess(nodeId, pb.start());
  }

  /** {@link #launch} for each id, then waits until all of them listen. */
  static List<NodeProcess> startAll(List<String> nodeIds, String... args) throws Exception {
    List<NodeProcess> nodes = new ArrayList<>();
    for (String id : nodeIds) {
      nodes.add(launch(id, args));
    }
    for (NodeProcess n : nodes) {
      n.awaitListening();
    }
    return nodes;
  }

  /** Waits until the node prints the port it listens on. */
  NodeProcess awaitListening() throws InterruptedException {
    if (!listening.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "node " + nodeId + " did not start within " + START_TIMEOUT + ": " + output());
    }
    return this;
  }

  /**
   * The jar, built by the launcher if it is missing or older than the sources; or the one the
   * system property {@code pushwire.jar} names (for a tree others are building in at the same
   * time).
   */
  static synchronized Path jar() throws IOException, InterruptedException {
    if (jar != null) {
      return jar;
    }
    String given = System.getProperty("pushwire.jar");
    if (given != null && !given.isBlank()) {
      jar = Path.of(given);
      return jar;
    }
    Path root = RepoRoot.get();
    ProcessBuilder pb =
        new ProcessBuilder(root.resolve("pushwire").toString(), "version")
            .directory(root.toFile())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("./pushwire version failed: " + out);
    }
    try (Stream<Path> files = Files.list(root.resolve("pushwire-server/target"))) {
      jar =
          files
              .filter(f -> f.getFileName().toString().matches("pushwire-server-.*-all\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no runnable jar after the build"));
    }
    return jar;
  }

  String nodeId() {
    return nodeId;
  }

  int port() {
    return port;
  }

  /** {@code ws://127.0.0.1:PORT} and {@code pathAndQuery}. */
  String ws(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  /** {@code method path} with the API key and {@code body} (or none). */
  HttpResponse<String> api(String method, String path, String body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("X-API-Key", TestNodes.KEY)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return JdkWebSocketClient.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET path} without a key. */
  HttpResponse<String> get(String path) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return JdkWebSocketClient.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** The process id of the node's JVM. */
  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the node gets no chance to clean up. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit status (or -1 if it did not exit within 20 s). */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      return -1;
    }
    return process.exitValue();
  }

  /** What the node printed so far, both streams. */
  List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  @Override
  public String toString() {
    return nodeId + "@" + port;
  }

  private void read(InputStream in, String stream) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(stream + ": " + line);
                  Matcher m = LISTENING.matcher(line);
                  if (port < 0 && m.find()) {
                    port = Integer.parseInt(m.group(1));
                    listening.countDown();
                  }
                }
              } catch (IOException e) {
                output.add(stream + ": (read failed: " + e + ")");
              }
            },
            "node-" + nodeId + "-" + stream);
    t.setDaemon(true);
    t.start();
  }
}

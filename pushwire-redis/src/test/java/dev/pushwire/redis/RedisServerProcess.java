package dev.pushwire.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a free loopback port, for one test class: register it as a static
 * {@code @RegisterExtension} field. Without persistence by default ({@code --save ''}, {@code
 * --appendonly no}), so a {@link #restart()} loses all data, as a crashed cache would. Talks RESP
 * itself ({@link #command}) so that tests can inspect Redis without the code under test.
 */
public final class RedisServerProcess implements BeforeAllCallback, AfterAllCallback {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final List<String> extraArgs;
  private int port;
  private Process process;
  private Thread reaper;
  private Path dir;

  /** A server started with {@code extraArgs} added to the defaults (later ones win in Redis). */
  public RedisServerProcess(String... extraArgs) {
    this.extraArgs = List.of(extraArgs);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /**
   * Starts the server (on the same port as before, if it ran before) and waits until it answers.
   */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path binary = TestBinaries.require("redis-server", "redis-server");
    if (port == 0) {
      port = TestBinaries.freePort();
      Path target = Path.of("target");
      Files.createDirectories(target);
      dir = Files.createTempDirectory(target, "redis-" + port + "-");
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            binary.toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            dir.toAbsolutePath().toString(),
            "--logfile",
            "",
            "--loglevel",
            "warning"));
    cmd.addAll(extraArgs);
    Path log = dir.resolve("redis.log");
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Process started = process;
    if (reaper == null) {
      // If the test JVM is killed before afterAll, do not leave the server running.
      reaper = new Thread(() -> started.destroyForcibly(), "kill-" + binary.getFileName());
      Runtime.getRuntime().addShutdownHook(reaper);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        if ("PONG".equals(command("PING"))) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // not up yet
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException(
            "redis-server did not answer on port " + port + " within " + START_TIMEOUT);
      }
      Thread.sleep(20);
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

  /** Stops and starts the server on the same port. */
  public void restart() throws IOException, InterruptedException {
    stop();
    start();
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Drops every key. */
  public void flushAll() {
    try {
      command("FLUSHALL");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The number of subscribers of pub/sub topic {@code topic} ({@code PUBSUB NUMSUB}). */
  public long subscribers(String topic) throws IOException {
    List<?> r = (List<?>) command("PUBSUB", "NUMSUB", topic);
    return (Long) r.get(1);
  }

  /**
   * Runs one command on a new connection and returns the reply: a String (simple or bulk), a Long,
   * a List, or {@code null}.
   *
   * @throws IllegalStateException for an error reply
   */
  public Object command(String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(b);
        req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(req.toByteArray());
      out.flush();
      return read(new BufferedInputStream(s.getInputStream()));
    }
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          byte[] b = in.readNBytes(n);
          in.readNBytes(2);
          return new String(b, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(read(in));
          }
          return items;
        }
      default:
        throw new IOException("unexpected RESP type " + type);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.write(c);
    }
    in.read(); // '\n'
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Free-port and binary lookup shared by the process helpers. */
  static final class TestBinaries {
    private TestBinaries() {}

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
        if (d.isEmpty()) {
          continue;
        }
        Path p = Path.of(d, name);
        if (Files.isExecutable(p)) {
          return p;
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
}

package dev.pushwire.memcached;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * A real {@code memcached} on a free loopback port (TCP only), for one test class: register it as a
 * static {@code @RegisterExtension} field. A {@link #restart()} loses all data, as Memcached always
 * does. Talks the text protocol itself ({@link #command}), so tests can inspect Memcached without
 * the code under test.
 */
public final class MemcachedProcess implements BeforeAllCallback, AfterAllCallback {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private int port;
  private Process process;
  private Thread reaper;
  private Path log;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts memcached (on the same port as before, if it ran before) and waits until it answers. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path binary = requireBinary();
    if (port == 0) {
      port = freePort();
      Path target = Path.of("target");
      Files.createDirectories(target);
      log = Files.createTempFile(target, "memcached-" + port + "-", ".log");
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "-l",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "0",
                "-m",
                "64",
                "-t",
                "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("-u", "root")); // memcached refuses to run as root otherwise
    }
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
        if (command("version").startsWith("VERSION")) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "memcached exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException(
            "memcached did not answer on port " + port + " within " + START_TIMEOUT);
      }
      Thread.sleep(20);
    }
  }

  /** Stops memcached (SIGTERM, then SIGKILL after 5 s); it keeps its port for {@link #start}. */
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

  /** Stops and starts memcached on the same port: empty. */
  public void restart() throws IOException, InterruptedException {
    stop();
    start();
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** {@code memcached://127.0.0.1:PORT}. */
  public String uri() {
    return "memcached://127.0.0.1:" + port;
  }

  /** Drops every item. */
  public void flushAll() {
    try {
      String r = command("flush_all");
      if (!r.equals("OK")) {
        throw new IllegalStateException("flush_all answered " + r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value of {@code key}, or {@code null} when there is none. */
  public String get(String key) throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String header = in.readLine();
      if (header == null || header.equals("END")) {
        return null;
      }
      String value = in.readLine();
      in.readLine(); // END
      return value;
    }
  }

  /** A number from {@code stats}, for example {@code cmd_set}. */
  public long stat(String name) throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length == 3 && parts[1].equals(name)) {
          return Long.parseLong(parts[2]);
        }
      }
      throw new IllegalStateException("memcached has no stat " + name);
    }
  }

  /** Sends a one-line command and returns the first line of the answer. */
  public String command(String line) throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String answer = in.readLine();
      if (answer == null) {
        throw new IOException("memcached closed the connection");
      }
      return answer;
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
    s.setSoTimeout(5000);
    return s;
  }

  private static Path requireBinary() {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"));
    for (String d : dirs) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "memcached"))) {
        return Path.of(d, "memcached");
      }
    }
    throw new IllegalStateException(
        "memcached is not installed: run scripts/test-setup as root (./mvnw verify runs it; it"
            + " installs Debian's memcached), or apt-get install memcached");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

package dev.pushwire.redis;

import dev.pushwire.hub.testing.ServerProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, for one test class: register it as a static
 * {@code @RegisterExtension} field. Without persistence by default ({@code --save ''}, {@code
 * --appendonly no}), so a {@link #restart()} loses all data, as a crashed cache would. Talks RESP
 * itself ({@link #command}) so that tests can inspect Redis without the code under test.
 */
public final class RedisServerProcess extends ServerProcess {
  private final List<String> extraArgs;

  /** For a sentinel: the lines of its config file, which it must be able to rewrite; or null. */
  private final String sentinelConfig;

  /** A server started with {@code extraArgs} added to the defaults (later ones win in Redis). */
  public RedisServerProcess(String... extraArgs) {
    this(null, List.of(extraArgs));
  }

  private RedisServerProcess(String sentinelConfig, List<String> extraArgs) {
    super("redis-server", "redis-server");
    this.sentinelConfig = sentinelConfig;
    this.extraArgs = extraArgs;
  }

  /**
   * A Redis Sentinel ({@code redis-server sentinel.conf --sentinel}) started with {@code config} as
   * its config file; the file is written once, and the sentinel keeps its state in it across a
   * {@link #restart()}.
   */
  public static RedisServerProcess sentinel(String config) {
    return new RedisServerProcess(config, List.of());
  }

  @Override
  protected List<String> commandLine(Path binary, int port, Path dir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    if (sentinelConfig != null) {
      Path file = dir.resolve("sentinel.conf");
      try {
        if (!Files.exists(file)) {
          Files.writeString(file, sentinelConfig);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cmd.add(file.toAbsolutePath().toString()); // it must come first
    }
    cmd.addAll(
        List.of(
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
    if (sentinelConfig != null) {
      cmd.add("--sentinel");
    }
    return cmd;
  }

  @Override
  protected boolean answers() throws IOException {
    return "PONG".equals(command("PING"));
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port();
  }

  /**
   * Kills the server with SIGKILL, as a crash would: no shutdown, no last write. {@link #stop()}
   * afterwards only tidies up; {@link #start()} starts it again.
   */
  public void kill() throws IOException {
    String info = (String) command("INFO", "server");
    long pid = -1;
    for (String line : info.split("\r\n")) {
      if (line.startsWith("process_id:")) {
        pid = Long.parseLong(line.substring("process_id:".length()).trim());
      }
    }
    // The pid is that of the process this object started (it answers on this object's port).
    ProcessHandle handle =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no redis process"));
    handle.destroyForcibly();
    handle.onExit().join();
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
    try (Socket s = connect()) {
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
}

package dev.pushwire.memcached;

import dev.pushwire.hub.testing.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code memcached} on a free loopback port (TCP only), for one test class: register it as a
 * static {@code @RegisterExtension} field. A {@link #restart()} loses all data, as Memcached always
 * does. Talks the text protocol itself ({@link #command}), so tests can inspect Memcached without
 * the code under test.
 */
public final class MemcachedProcess extends ServerProcess {
  /** A memcached with 64 MiB of memory and two threads. */
  public MemcachedProcess() {
    super("memcached", "memcached");
  }

  @Override
  protected List<String> commandLine(Path binary, int port, Path dir) {
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
    return cmd;
  }

  @Override
  protected boolean answers() throws IOException {
    return command("version").startsWith("VERSION");
  }

  /** {@code memcached://127.0.0.1:PORT}. */
  public String uri() {
    return "memcached://127.0.0.1:" + port();
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
}

package dev.pushwire.server.internal.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The file that names a running node's process: its pid on the first line (what {@code kill $(head
 * -n1 FILE)} and init systems read), and the node's local HTTP address on the second line (what
 * {@code pushwire status} asks). It is written atomically (a temporary file renamed over it) once
 * the node listens, and removed by the node when it stops.
 *
 * <p>A file whose pid is not a live pushwire process (it died, or the pid now belongs to something
 * else) is <em>stale</em>: starting replaces it, {@code stop} and {@code status} report "not
 * running".
 */
public final class PidFile {
  /** The file used when none is given: {@code pushwire.pid} in the working directory. */
  public static final String DEFAULT = "pushwire.pid";

  /**
   * What the file says.
   *
   * @param pid the process id, or 0 when the file does not start with one
   * @param url the node's HTTP address, such as {@code http://127.0.0.1:9876}, or {@code null}
   */
  public record Entry(long pid, String url) {}

  /** What a pid file tells about its process. */
  public enum State {
    /** There is no file. */
    MISSING,
    /** The file names no live pushwire process. */
    STALE,
    /** The file names a live pushwire process. */
    RUNNING
  }

  /**
   * The state of a pid file and what it says.
   *
   * @param state missing, stale or running
   * @param entry what the file says ({@code null} when missing)
   * @param process the live process (only when running)
   */
  public record Check(State state, Entry entry, ProcessHandle process) {}

  private final Path path;

  /** The pid file at {@code path}. */
  public PidFile(Path path) {
    this.path = path.toAbsolutePath().normalize();
  }

  /** Where the file is (absolute). */
  public Path path() {
    return path;
  }

  /**
   * What the file says, if it exists.
   *
   * @throws UncheckedIOException when it exists but cannot be read
   */
  public Optional<Entry> read() {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pid file " + path + ": " + e.getMessage(), e);
    }
    long pid = 0;
    if (!lines.isEmpty()) {
      try {
        pid = Long.parseLong(lines.get(0).trim());
      } catch (NumberFormatException e) {
        pid = 0; // not a pid: the file is stale
      }
    }
    String url = lines.size() > 1 && !lines.get(1).isBlank() ? lines.get(1).trim() : null;
    return Optional.of(new Entry(Math.max(pid, 0), url));
  }

  /** Whether the file exists and whether it names a live pushwire process. */
  public Check check() {
    Optional<Entry> entry = read();
    if (entry.isEmpty()) {
      return new Check(State.MISSING, null, null);
    }
    Optional<ProcessHandle> process = pushwireProcess(entry.get().pid());
    return process
        .map(p -> new Check(State.RUNNING, entry.get(), p))
        .orElseGet(() -> new Check(State.STALE, entry.get(), null));
  }

  /**
   * Writes {@code pid} and {@code url} atomically: to a temporary file beside this one, then
   * renamed over it, so that a reader sees the old file or the whole new one.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public void write(long pid, String url) {
    Path dir = path.getParent();
    Path tmp = dir.resolve("." + path.getFileName() + "." + pid + ".tmp");
    try {
      Files.writeString(tmp, pid + "\n" + url + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot write pid file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes the file if it names {@code pid}, so that a process never removes a file that another
   * one has written since.
   *
   * @return whether it was removed
   */
  public boolean removeIfOwnedBy(long pid) {
    try {
      Optional<Entry> entry = read();
      if (entry.isPresent() && entry.get().pid() == pid) {
        return Files.deleteIfExists(path);
      }
      return false;
    } catch (IOException | UncheckedIOException e) {
      return false; // nothing to clean up that can be cleaned up; the next start replaces it
    }
  }

  /**
   * Removes the file whatever it says (a stale one).
   *
   * @throws UncheckedIOException when it cannot be removed
   */
  public void remove() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove pid file " + path + ": " + e.getMessage(), e);
    }
  }

  /** The live process {@code pid} if it is a pushwire program (its command line says so). */
  public static Optional<ProcessHandle> pushwireProcess(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> commandLine(p).toLowerCase(Locale.ROOT).contains("pushwire"));
  }

  /** {@code process}'s command line, from {@code /proc} where there is one. */
  private static String commandLine(ProcessHandle process) {
    Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    try {
      byte[] bytes = Files.readAllBytes(proc);
      return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      // No /proc (not Linux) or no access: ask the JDK, which knows less on some systems.
      return process.info().commandLine().orElse("");
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}

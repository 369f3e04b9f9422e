package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JVM options {@code ./pushwire serve} runs with, as the running JVM reports them ({@code jcmd
 * PID VM.flags}): the launcher's defaults for less memory per idle connection, the user's options
 * winning over them, and {@code PUSHWIRE_JVM_DEFAULTS=none}. On the JDK running the tests and on
 * every other JDK 17 or later installed in {@code /usr/lib/jvm}, because what the launcher passes
 * depends on what the JVM accepts.
 */
@Timeout(600)
class LauncherJvmFlagsTest {
  private static final String YOUNG_8M = Long.toString(8L << 20);
  private static final String ARENAS = "env MALLOC_ARENA_MAX";
  private static final Pattern FLAG = Pattern.compile("-XX:([+-])(\\w+)|-XX:(\\w+)=(\\S*)");
  private static final Pattern COLLECTOR =
      Pattern.compile("bool\\s+(Use(?:Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC)\\s*=\\s*true");
  private static final Pattern JAVA_VERSION =
      Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (NodeProcess n : nodes) {
      n.close();
    }
  }

  /** The JDK of the tests, then the other JDKs 17+ with a {@code jcmd}, each installation once. */
  static Stream<Path> jdks() throws IOException {
    Map<Path, Path> byJava = new LinkedHashMap<>();
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(System.getProperty("java.home")));
    Path installed = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(installed)) {
      try (Stream<Path> dirs = Files.list(installed)) {
        dirs.sorted().forEach(candidates::add);
      }
    }
    for (Path home : candidates) {
      Path java = home.resolve("bin/java");
      if (Files.isExecutable(java)
          && Files.isExecutable(home.resolve("bin/jcmd"))
          && majorVersion(home) >= 17) {
        byJava.putIfAbsent(java.toRealPath(), home);
      }
    }
    return byJava.values().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void serveRunsWithTheDefaults(Path jdk) throws Exception {
    Map<String, String> flags = flagsOfServe(jdk, Map.of());

    assertThat(flags).containsEntry("UseSerialGC", "+");
    assertThat(flags).containsEntry("NewSize", YOUNG_8M).containsEntry("MaxNewSize", YOUNG_8M);
    if (acceptsTrimInterval(jdk)) {
      assertThat(flags).containsEntry("TrimNativeHeapInterval", "5000");
    } else {
      assertThat(flags).doesNotContainKey("TrimNativeHeapInterval");
    }
    if (accepts(jdk, "-XX:+UseCompactObjectHeaders")) {
      assertThat(flags).containsEntry("UseCompactObjectHeaders", "+");
    } else {
      assertThat(flags).doesNotContainKey("UseCompactObjectHeaders");
    }
    assertThat(flags).containsEntry(ARENAS, "2");
  }

  static Stream<Arguments> collectorsOfTheUser() throws IOException {
    return jdks()
        .flatMap(
            jdk ->
                Stream.of(
                    Arguments.of(jdk, "PUSHWIRE_JAVA_OPTS", "-XX:+UseG1GC", "UseG1GC"),
                    // The JVM reads this one itself: with the default collector added as well it
                    // would refuse to start ("Multiple garbage collectors selected").
                    Arguments.of(jdk, "JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC", "UseParallelGC")));
  }

  @ParameterizedTest(name = "{0}: {1}={2}")
  @MethodSource("collectorsOfTheUser")
  void aCollectorOfTheUserWinsAndTakesItsOwnYoungGeneration(
      Path jdk, String variable, String option, String collector) throws Exception {
    Map<String, String> flags = flagsOfServe(jdk, Map.of(variable, option));

    assertThat(flags).containsEntry(collector, "+").doesNotContainKey("UseSerialGC");
    assertThat(flags.get("MaxNewSize")).isNotEqualTo(YOUNG_8M);
    if (acceptsTrimInterval(jdk)) {
      assertThat(flags).containsEntry("TrimNativeHeapInterval", "5000");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aYoungGenerationSizeTrimIntervalHeaderChoiceAndArenaCountOfTheUserWin(Path jdk)
      throws Exception {
    boolean trims = acceptsTrimInterval(jdk);
    boolean compact = accepts(jdk, "-XX:+UseCompactObjectHeaders");
    String options =
        "-Xmn64m"
            + (trims ? " -XX:TrimNativeHeapInterval=20000" : "")
            + (compact ? " -XX:-UseCompactObjectHeaders" : "");

    Map<String, String> flags =
        flagsOfServe(jdk, Map.of("PUSHWIRE_JAVA_OPTS", options, "MALLOC_ARENA_MAX", "4"));

    assertThat(flags).containsEntry("UseSerialGC", "+");
    assertThat(flags).containsEntry("MaxNewSize", Long.toString(64L << 20));
    if (trims) {
      assertThat(flags).containsEntry("TrimNativeHeapInterval", "20000");
    }
    if (compact) {
      assertThat(flags).doesNotContainEntry("UseCompactObjectHeaders", "+");
    }
    assertThat(flags).containsEntry(ARENAS, "4");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void noneLeavesTheChoiceToTheJvm(Path jdk) throws Exception {
    String ergonomic = ergonomicCollector(jdk);

    Map<String, String> flags = flagsOfServe(jdk, Map.of("PUSHWIRE_JVM_DEFAULTS", "none"));

    assertThat(flags).containsEntry(ergonomic, "+");
    assertThat(flags.get("MaxNewSize")).isNotEqualTo(YOUNG_8M);
    assertThat(flags).doesNotContainKey("TrimNativeHeapInterval");
    assertThat(flags).doesNotContainKey(ARENAS);
    assertThat(flags).doesNotContainEntry("UseCompactObjectHeaders", "+");
  }

  @Test
  void anotherValueOfTheSwitchIsAUsageError() throws Exception {
    Path root = RepoRoot.get();
    ProcessBuilder pb =
        new ProcessBuilder(root.resolve("pushwire").toString(), "serve").directory(root.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PUSHWIRE_"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("PUSHWIRE_JVM_DEFAULTS", "off");

    Result r = run(pb);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output())
        .isEqualTo(
            "pushwire: PUSHWIRE_JVM_DEFAULTS='off': the only value is none"
                + System.lineSeparator());
  }

  /**
   * Starts {@code ./pushwire serve} with {@code jdk} and {@code env}, and returns the JVM's flags
   * that are not at their defaults: name to {@code +}, {@code -} or the value; and {@link #ARENAS}
   * to the node's {@code MALLOC_ARENA_MAX}, when it has one.
   */
  private Map<String, String> flagsOfServe(Path jdk, Map<String, String> env) throws Exception {
    NodeProcess node = NodeProcess.launchViaLauncher("jvm-flags", jdk, env);
    nodes.add(node);
    node.awaitListening();
    Result r =
        run(
            new ProcessBuilder(
                jdk.resolve("bin/jcmd").toString(), Long.toString(node.pid()), "VM.flags"));
    assertThat(r.exit()).as("jcmd VM.flags: %s", r.output()).isZero();
    Map<String, String> flags = new HashMap<>();
    Matcher m = FLAG.matcher(r.output());
    while (m.find()) {
      if (m.group(2) != null) {
        flags.put(m.group(2), m.group(1));
      } else {
        flags.put(m.group(3), m.group(4));
      }
    }
    assertThat(flags).as("jcmd VM.flags: %s", r.output()).containsKey("MaxHeapSize");
    String environ =
        new String(
            Files.readAllBytes(Path.of("/proc", Long.toString(node.pid()), "environ")),
            StandardCharsets.UTF_8);
    for (String variable : environ.split("\0")) {
      if (variable.startsWith("MALLOC_ARENA_MAX=")) {
        flags.put(ARENAS, variable.substring("MALLOC_ARENA_MAX=".length()));
      }
    }
    return flags;
  }

  /** Whether {@code jdk} starts with the option, without unlocking experimental ones. */
  private static boolean acceptsTrimInterval(Path jdk) throws Exception {
    return accepts(jdk, "-XX:TrimNativeHeapInterval=10000");
  }

  /** Whether {@code jdk} starts with {@code option}, without unlocking experimental ones. */
  private static boolean accepts(Path jdk, String option) throws Exception {
    return run(new ProcessBuilder(jdk.resolve("bin/java").toString(), option, "-version")).exit()
        == 0;
  }

  /** The collector {@code jdk} picks by itself on this machine. */
  private static String ergonomicCollector(Path jdk) throws Exception {
    Result r =
        run(
            new ProcessBuilder(
                jdk.resolve("bin/java").toString(), "-XX:+PrintFlagsFinal", "-version"));
    Set<String> chosen = new TreeSet<>();
    Matcher m = COLLECTOR.matcher(r.output());
    while (m.find()) {
      chosen.add(m.group(1));
    }
    assertThat(chosen).as("collectors in -XX:+PrintFlagsFinal").hasSize(1);
    return chosen.iterator().next();
  }

  private static int majorVersion(Path home) throws IOException {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    return Optional.of(JAVA_VERSION.matcher(Files.readString(release)))
        .filter(Matcher::find)
        .map(m -> Integer.parseInt(m.group(1)))
        .orElse(0);
  }

  private record Result(int exit, String output) {}

  /** Runs {@code pb} with the JVM's option variables removed, both streams together. */
  private static Result run(ProcessBuilder pb) throws Exception {
    pb.environment()
        .keySet()
        .removeAll(List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(pb.command() + " did not finish within 120 s: " + out);
    }
    return new Result(p.exitValue(), out);
  }
}

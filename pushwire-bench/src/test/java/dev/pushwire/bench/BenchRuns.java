package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs the bench command in this JVM, as its command line would, for short test runs. */
final class BenchRuns {
  private BenchRuns() {}

  /** Runs {@code args}, asserts the exit status and returns what the run printed. */
  static String run(int expectedStatus, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = BenchCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int status = cmd.execute(args);
    assertThat(status)
        .as("exit status; stderr: %s; stdout: %s", err, out)
        .isEqualTo(expectedStatus);
    return out.toString();
  }

  /**
   * Runs {@code args} without warm-up, expecting success, and returns the JSON report, the only
   * thing printed.
   */
  static String runJson(String... args) {
    return run(
        BenchCommand.EXIT_OK,
        Stream.concat(Arrays.stream(args), Stream.of("--warmup", "0s", "--json", "-q"))
            .toArray(String[]::new));
  }

  /**
   * The payload of the generator's {@code POST /api/publish} body {@code
   * {"channel":"x","data":"PAYLOAD"}}: plain ASCII without quotes or escapes, so the text between
   * the body's last pair of quotes.
   */
  static String publishedPayload(byte[] body) {
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    int end = text.lastIndexOf('"');
    int begin = text.lastIndexOf('"', end - 1);
    return text.substring(begin + 1, end);
  }
}

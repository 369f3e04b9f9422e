package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.server.cli.PushwireCommand;
import dev.pushwire.server.internal.config.ConfigSchema;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every bad config value, wherever it is set, makes {@code pushwire serve} print exactly one line
 * on standard error that names the key and the value, and exit with status 2 (no stack trace). The
 * command runs in-process with its output captured; {@code --check} keeps it from serving if the
 * config were accepted.
 */
class BadConfigExitsWithStatus2Test {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run serve(Map<String, String> env, String... args) {
    CommandLine cmd = PushwireCommand.commandLine(env, new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("serve", "--check"));
    all.addAll(List.of(args));
    int status = cmd.execute(all.toArray(String[]::new));
    return new Run(status, out.toString(), err.toString());
  }

  private static void assertRefused(Run run, String message) {
    assertThat(run.err()).isEqualTo("config error: " + message + System.lineSeparator());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
  }

  static Stream<Arguments> badFlags() {
    return Stream.of(
        Arguments.of("--port", "abc", "--port: bad value 'abc' (expected 0-65535)"),
        Arguments.of(
            "--warmup-connections",
            "-1",
            "--warmup-connections: bad value '-1' (expected 0 (off) to 20000)"),
        Arguments.of(
            "--warmup-connections",
            "20001",
            "--warmup-connections: bad value '20001' (expected 0 (off) to 20000)"),
        Arguments.of(
            "--warmup-connections",
            "lots",
            "--warmup-connections: bad value 'lots' (expected 0 (off) to 20000)"),
        Arguments.of("--port", "70000", "--port: bad value '70000' (expected 0-65535)"),
        Arguments.of("--host", " ", "--host: bad value ' ' (expected a host name or address)"),
        Arguments.of("--path", "ws", "--path: bad value 'ws' (expected a path starting with /)"),
        Arguments.of(
            "--publisher-path",
            "publish",
            "--publisher-path: bad value 'publish' (expected a path starting with /)"),
        Arguments.of(
            "--publisher-path",
            "/ws",
            "publisher.path: bad value '/ws' (expected a path that is not one of the subscriber"
                + " paths [/, /ws])"),
        Arguments.of(
            "--tick",
            "soon",
            "--tick: bad value 'soon' (expected 0 (off) or a duration of at least 10ms, such as"
                + " 1s)"),
        Arguments.of(
            "--tick",
            "5ms",
            "--tick: bad value '5ms' (expected 0 (off) or a duration of at least 10ms, such as"
                + " 1s)"),
        Arguments.of(
            "--tick-channel",
            "a b",
            "--tick-channel: bad value 'a b' (expected a channel name: 1-200 characters of A-Z"
                + " a-z 0-9 _ . : @ / -)"),
        Arguments.of("--history-size", "-1", "--history-size: bad value '-1' (expected 0-1000000)"),
        Arguments.of(
            "--history-size", "lots", "--history-size: bad value 'lots' (expected 0-1000000)"),
        Arguments.of(
            "--history-ttl",
            "0",
            "--history-ttl: bad value '0' (expected a positive duration such as 30s, 5m, 1h)"),
        Arguments.of(
            "--history-ttl",
            "5 minutes",
            "--history-ttl: bad value '5 minutes' (expected a positive duration such as 30s, 5m,"
                + " 1h)"),
        Arguments.of(
            "--max-subscriptions", "0", "--max-subscriptions: bad value '0' (expected 1 or more)"),
        Arguments.of(
            "--max-message-size",
            "64KB",
            "--max-message-size: bad value '64KB' (expected a size such as 65536, 64KiB, 1MiB)"),
        Arguments.of(
            "--max-body-size",
            "0",
            "--max-body-size: bad value '0' (expected a size such as 65536, 64KiB, 1MiB)"),
        Arguments.of(
            "--max-connections", "0", "--max-connections: bad value '0' (expected 1 or more)"),
        Arguments.of(
            "--ping-interval",
            "often",
            "--ping-interval: bad value 'often' (expected 0 (off) or a duration such as 25s)"),
        Arguments.of(
            "--idle-timeout",
            "-5s",
            "--idle-timeout: bad value '-5s' (expected 0 (off) or a duration such as 60s)"),
        Arguments.of(
            "--allowed-origin",
            "example.com",
            "--allowed-origin: bad value 'example.com' (expected an origin such as"
                + " https://example.com or https://*.example.com)"),
        Arguments.of(
            "--slow-consumer-policy",
            "wait",
            "--slow-consumer-policy: bad value 'wait' (expected drop or close)"),
        Arguments.of(
            "--log-level",
            "loud",
            "--log-level: bad value 'loud' (expected one of off, error, warn, info, debug,"
                + " trace)"),
        Arguments.of(
            "--node-id",
            "node one",
            "--node-id: bad value 'node one' (expected 1-64 characters of A-Z a-z 0-9 _ . -)"),
        Arguments.of(
            "--api-key",
            "two words",
            "--api-key: bad value 'two words' (expected keys of printable characters without"
                + " spaces)"),
        Arguments.of(
            "--api-key",
            "clé",
            "--api-key: bad value 'clé' (expected keys of printable characters without spaces)"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badFlags")
  void badFlag(String flag, String value, String message) {
    assertRefused(serve(Map.of(), flag, value), message);
  }

  static Stream<Arguments> badVariables() {
    return Stream.of(
        Arguments.of("PUSHWIRE_PORT", "abc", "PUSHWIRE_PORT: bad value 'abc' (expected 0-65535)"),
        Arguments.of(
            "PUSHWIRE_WARMUP_CONNECTIONS",
            "2k",
            "PUSHWIRE_WARMUP_CONNECTIONS: bad value '2k' (expected 0 (off) to 20000)"),
        Arguments.of(
            "PUSHWIRE_HISTORY_SIZE",
            "2000000",
            "PUSHWIRE_HISTORY_SIZE: bad value '2000000' (expected 0-1000000)"),
        Arguments.of(
            "PUSHWIRE_COMPRESSION",
            "maybe",
            "PUSHWIRE_COMPRESSION: bad value 'maybe' (expected true or false)"),
        Arguments.of(
            "PUSHWIRE_CLIENT_PUBLISH",
            "2",
            "PUSHWIRE_CLIENT_PUBLISH: bad value '2' (expected true or false)"),
        Arguments.of(
            "PUSHWIRE_PATHS",
            "/,ws",
            "PUSHWIRE_PATHS: bad value 'ws' (expected a path starting with /)"),
        Arguments.of(
            "PUSHWIRE_PATHS",
            ",",
            "PUSHWIRE_PATHS: bad value ',' (expected at least one: a path starting with /)"),
        Arguments.of(
            "PUSHWIRE_TICK_DATA_X",
            "1",
            "PUSHWIRE_TICK_DATA_X: unknown variable (did you mean PUSHWIRE_TICK_DATA?)"),
        Arguments.of(
            "PUSHWIRE_PROT", "1", "PUSHWIRE_PROT: unknown variable (did you mean PUSHWIRE_PORT?)"),
        Arguments.of(
            "PUSHWIRE_SOMETHING_ELSE",
            "1",
            "PUSHWIRE_SOMETHING_ELSE: unknown variable (PUSHWIRE_* variables set config keys,"
                + " for example PUSHWIRE_PORT)"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badVariables")
  void badVariable(String variable, String value, String message) {
    assertRefused(serve(Map.of(variable, value)), message);
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("port: abc\n", "port: bad value 'abc' (expected 0-65535)"),
        Arguments.of(
            "warmup:\n  connections: -5\n",
            "warmup.connections: bad value '-5' (expected 0 (off) to 20000)"),
        Arguments.of("port: 1.5\n", "port: bad value '1.5' (expected 0-65535)"),
        Arguments.of("port: [1]\n", "port: bad value '[1]' (expected 0-65535)"),
        Arguments.of(
            "history:\n  ttl: 300\n",
            "history.ttl: bad value '300' (expected a positive duration such as 30s, 5m, 1h)"),
        Arguments.of(
            "history:\n  size: 10\n  sise: 10\n",
            "history.sise: unknown key (did you mean 'history.size'?)"),
        Arguments.of(
            "max_connections: 5\n",
            "max_connections: unknown key (did you mean 'max-connections'?)"),
        Arguments.of(
            "colour: blue\n",
            // Every top-level key and section, sorted; the schema grows, so they are read from it.
            "colour: unknown key (known keys: "
                + String.join(", ", ConfigSchema.namesIn(""))
                + ")"),
        Arguments.of(
            "history: 5\n", "history: bad value '5' (expected a section with the keys size, ttl)"),
        Arguments.of(
            "paths: [/, {a: 1}]\n",
            "paths: bad value '{\"a\":1}' (expected a path starting with /)"),
        Arguments.of(
            "api:\n  keys: [\"\"]\n",
            "api.keys: bad value '' (expected keys of printable characters without spaces)"),
        Arguments.of(
            "- port\n", "FILE: expected a mapping of keys such as 'port: 9876' at the top level"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void badFile(String yaml, String message) throws Exception {
    Path f = dir.resolve("pushwire.yaml");
    Files.writeString(f, yaml);
    assertRefused(serve(Map.of(), "--config", f.toString()), message.replace("FILE", f.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("yamlSyntaxErrors")
  void aYamlSyntaxErrorNamesItsLineAndSaysWhatIsWrong(String yaml, String message)
      throws Exception {
    Path f = dir.resolve("syntax.yaml");
    Files.writeString(f, yaml);
    Run run = serve(Map.of(), "--config", f.toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo("config error: " + f + ": not valid YAML " + message)
        .doesNotContain("scanning", "simple key");
  }

  static Stream<Arguments> yamlSyntaxErrors() {
    return Stream.of(
        Arguments.of(
            "host: 127.0.0.1\nport 9876\n",
            "(line 2, column 1): 'port 9876': expected 'key: value' (is the ':' after the key"
                + " missing, or the space after it?)"),
        Arguments.of(
            "port: 9876\nhost: a: b\n",
            "(line 2, column 8): 'host: a: b': a ':' where a value should be (quote a value that"
                + " contains ': ', or check the indentation: a key indented under a value)"),
        Arguments.of(
            "drain-timeout: 10s\nnode-id: \"n1\n",
            "(line 2, column 10): 'node-id: \"n1': a quoted value whose closing quote is missing"));
  }

  @Test
  void yamlThatDoesNotParse() throws Exception {
    Path f = dir.resolve("broken.yaml");
    Files.writeString(f, "port: 1\nport: 2\n");
    Run run = serve(Map.of(), "--config", f.toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("config error: " + f + ": not valid YAML (line 2, column ")
        .contains("Duplicate field 'port'")
        .hasLineCount(1);
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.yaml");
    assertRefused(
        serve(Map.of(), "--config", f.toString()),
        "--config: cannot read '" + f + "' (no such file)");
  }

  @Test
  void goodConfigIsPrintedWithStatus0() {
    Run run = serve(Map.of("PUSHWIRE_PORT", "1234"), "--history-size", "7");
    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("\nport: 1234\n").contains("  size: 7\n");
  }

  @Test
  void badFlagOfAnotherCommandIsAUsageErrorWithStatus2() {
    CommandLine cmd = PushwireCommand.commandLine(Map.of(), new ByteArrayInputStream(new byte[0]));
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err));
    int status = cmd.execute("publish", "--interval", "soon", "--api-key", "k", "--data", "x");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "error: Invalid value for option '--interval': 'soon' is not a duration (expected a"
                + " duration such as 100ms, 1s, 5m, 1h)");
  }
}

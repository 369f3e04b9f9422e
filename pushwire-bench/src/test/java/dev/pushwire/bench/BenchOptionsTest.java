package dev.pushwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Wrong options end with exit status 2 and one line that names the option and the fix. */
class BenchOptionsTest {
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = BenchCommand.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    cmd.setOut(new PrintWriter(out, true));
    return cmd.execute(args);
  }

  @Test
  void fanoutMessagesTooSmallForTheSequenceAndTimestamp() {
    assertThat(run("fanout", "-s", "16")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--size must be at least 32").contains("sequence number");
  }

  @Test
  void aUrlThatIsNotWebSocket() {
    assertThat(run("echo", "--url", "http://127.0.0.1:9876/")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("must start with ws://");
  }

  @Test
  void wssIsNotSupported() {
    assertThat(run("echo", "--url", "wss://127.0.0.1:9876/")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("(no TLS)");
  }

  @Test
  void onlyLoopbackTargets() {
    assertThat(run("connect", "--url", "ws://192.0.2.1:9876/")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("only targets loopback");
  }

  @Test
  void onlyLoopbackSourceAddresses() {
    assertThat(run("connect", "--source-addresses", "127.0.0.1,10.0.0.1"))
        .isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--source-addresses").contains("not a loopback address");
  }

  @Test
  void aRateThatIsNeitherANumberNorMax() {
    assertThat(run("fanout", "--rate", "fast")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--rate must be a number from 1 to 1000000, or max");
  }

  @Test
  void httpPublishingNeedsAUrl() {
    assertThat(run("fanout", "--publish", "http")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--publish http needs a URL: http=http://");
  }

  @Test
  void anUnknownPublishMode() {
    assertThat(run("fanout", "--publish", "carrier-pigeon")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("expected ws, ws=URL, http=URL or socket=URL");
  }

  @Test
  void idleNeedsTheServerPid() {
    assertThat(run("idle", "-c", "10")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("idle needs the server's process id: add --pid PID");
  }

  @Test
  void aPidThatIsNoProcess() {
    assertThat(run("idle", "--pid", String.valueOf(Integer.MAX_VALUE)))
        .isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("no process");
  }

  @Test
  void zeroConnections() {
    assertThat(run("echo", "-c", "0")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--connections must be greater than 0");
  }

  @Test
  void aDurationWithoutAUnitWeKnow() {
    assertThat(run("echo", "--duration", "10 fortnights")).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("write it like 500ms, 10s, 2m or 1h");
  }

  @Test
  void noScenarioPrintsUsage() {
    assertThat(run()).isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("echo").contains("fanout").contains("connect");
  }

  @Test
  void aServerThatIsNotThereIsAnUncleanRunNotACrash() {
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    int status = run("connect", "--url", "ws://127.0.0.1:1/", "-c", "3", "--json", "-q");
    assertThat(status).isEqualTo(BenchCommand.EXIT_UNCLEAN);
    assertThat(out.toString()).contains("\"failed\":3").contains("Connection refused");
  }

  @Test
  void aWarmupUrlThatIsNotWebSocket() {
    assertThat(run("connect", "--warmup-url", "http://127.0.0.1:9876/"))
        .isEqualTo(BenchCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("--warmup-url").contains("must start with ws://");
  }

  @Test
  void theWarmupConnectionsGoToTheWarmupUrl() {
    // Nothing listens on ports 1 and 2: the warm-up's attempts are refused there, the run's at 1.
    int status =
        run(
            "connect",
            "--url",
            "ws://127.0.0.1:1/",
            "--warmup-url",
            "ws://127.0.0.1:2/",
            "--warmup-connections",
            "2",
            "-c",
            "3",
            "--json",
            "-q");
    assertThat(status).isEqualTo(BenchCommand.EXIT_UNCLEAN);
    assertThat(out.toString())
        .contains("\"url\":\"ws://127.0.0.1:1/\"")
        .contains("\"warmupUrl\":\"ws://127.0.0.1:2/\"")
        .contains("\"failed\":3");
  }
}

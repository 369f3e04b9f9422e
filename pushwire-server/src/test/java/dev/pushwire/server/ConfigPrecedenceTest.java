package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.SlowConsumerPolicy;
import dev.pushwire.server.ConfigLoader.Flag;
import dev.pushwire.server.cli.PushwireCommand;
import dev.pushwire.server.cli.ServeCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML file, then {@code PUSHWIRE_*} variables, then flags: each wins over the one before. */
class ConfigPrecedenceTest {
  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    Path f = dir.resolve("pushwire.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void nothingGivenIsTheDefaults() throws Exception {
    ServerConfig c = new ConfigLoader(Map.of()).load(null, List.of());
    assertThat(c.toString()).isEqualTo(ServerConfig.DEFAULT.toString());
    assertThat(c.core().port()).isEqualTo(9876);
    assertThat(c.core().paths()).containsExactly("/", "/ws");
    assertThat(c.publisherPath()).isEqualTo("/publish");
    assertThat(c.clientPublish()).isFalse();
  }

  @Test
  void fileThenEnvironmentThenFlags() throws Exception {
    Path f =
        file(
            "port: 1000\n"
                + "history:\n"
                + "  size: 10\n"
                + "  ttl: 1m\n"
                + "tick:\n"
                + "  period: 2s\n"
                + "  channel: from-file\n"
                + "api:\n"
                + "  keys: [file-key]\n");
    Map<String, String> env =
        Map.of(
            "PUSHWIRE_PORT", "2000",
            "PUSHWIRE_HISTORY_SIZE", "20",
            "PUSHWIRE_TICK_CHANNEL", "from-env",
            "HOME", "/root");
    List<Flag> flags = List.of(new Flag("port", "--port", "3000"));

    ServerConfig c = new ConfigLoader(env).load(f, flags);

    assertThat(c.core().port()).as("flag over env over file").isEqualTo(3000);
    assertThat(c.hub().historySize()).as("env over file").isEqualTo(20);
    assertThat(c.tickChannel()).as("env over file").isEqualTo("from-env");
    assertThat(c.hub().historyTtl()).as("file only").isEqualTo(Duration.ofMinutes(1));
    assertThat(c.tickPeriod()).as("file only").isEqualTo(Duration.ofSeconds(2));
    assertThat(c.apiKeys()).as("file only").containsExactly("file-key");
  }

  @Test
  void listsFromEnvironmentAreCommaSeparatedAndReplaceTheFile() throws Exception {
    Path f = file("paths: [/a]\nallowed-origins: [https://a.example]\n");
    ServerConfig c = new ConfigLoader(Map.of("PUSHWIRE_PATHS", "/b, /c")).load(f, List.of());
    assertThat(c.core().paths()).containsExactly("/b", "/c");
    assertThat(c.core().allowedOrigins()).containsExactly("https://a.example");
  }

  @Test
  void repeatedFlagsAddUpAndReplaceTheEnvironment() throws Exception {
    ServerConfig c =
        new ConfigLoader(Map.of("PUSHWIRE_API_KEYS", "env-a,env-b"))
            .load(
                null,
                List.of(
                    new Flag("api.keys", "--api-key", "flag-a"),
                    new Flag("api.keys", "--api-key", "flag-b")));
    assertThat(c.apiKeys()).containsExactly("flag-a", "flag-b");
  }

  @Test
  void singleApiKeyVariable() throws Exception {
    ServerConfig c = new ConfigLoader(Map.of("PUSHWIRE_API_KEY", "k1")).load(null, List.of());
    assertThat(c.apiKeys()).containsExactly("k1");
  }

  @Test
  void everyKindOfValue() throws Exception {
    Path f =
        file(
            "host: 127.0.0.1\n"
                + "max-message-size: 1MiB\n"
                + "ping-interval: 0\n"
                + "idle-timeout: 1m30s\n"
                + "compression: false\n"
                + "slow-consumer-policy: CLOSE\n"
                + "log-level: debug\n"
                + "node-id: n-1\n"
                + "publisher:\n"
                + "  path: /trigger\n"
                + "tick:\n"
                + "  data: hello\n"
                + "max-subscriptions: 5\n"
                + "client-publish: yes\n"
                + "port:\n");
    ServerConfig c = new ConfigLoader(Map.of()).load(f, List.of());
    assertThat(c.core().host()).isEqualTo("127.0.0.1");
    assertThat(c.core().maxMessageSize()).isEqualTo(1024 * 1024);
    assertThat(c.core().pingInterval()).isZero();
    assertThat(c.core().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.core().compression()).isFalse();
    assertThat(c.core().slowConsumerPolicy()).isEqualTo(SlowConsumerPolicy.CLOSE);
    assertThat(c.logLevel()).isEqualTo(LogLevel.DEBUG);
    assertThat(c.nodeId()).isEqualTo("n-1");
    assertThat(c.publisherPath()).isEqualTo("/trigger");
    assertThat(c.tickData()).isEqualTo("hello");
    assertThat(c.hub().maxSubscriptionsPerConnection()).isEqualTo(5);
    assertThat(c.clientPublish()).isTrue();
    assertThat(c.core().port()).as("an empty value keeps the default").isEqualTo(9876);
  }

  @Test
  void theServeCommandReadsTheSameSources() throws Exception {
    Path f = file("port: 1000\nhistory:\n  size: 10\n");
    var cmd = PushwireCommand.commandLine(Map.of("PUSHWIRE_HISTORY_SIZE", "20"), System.in);
    var parsed = cmd.parseArgs("serve", "--config", f.toString(), "--history-ttl", "2m");
    ServeCommand serve = parsed.subcommand().commandSpec().commandLine().getCommand();
    ServerConfig c = serve.loadConfig();
    assertThat(c.core().port()).isEqualTo(1000);
    assertThat(c.hub().historySize()).isEqualTo(20);
    assertThat(c.hub().historyTtl()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void configFileFromTheEnvironment() throws Exception {
    Path f = file("port: 1234\n");
    var cmd = PushwireCommand.commandLine(Map.of("PUSHWIRE_CONFIG", f.toString()), System.in);
    ServeCommand serve =
        cmd.parseArgs("serve").subcommand().commandSpec().commandLine().getCommand();
    assertThat(serve.loadConfig().core().port()).isEqualTo(1234);
  }
}

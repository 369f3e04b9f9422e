package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.server.ConfigLoader.Flag;
import dev.pushwire.server.cli.PushwireCommand;
import dev.pushwire.server.internal.backends.BackendUri;
import dev.pushwire.server.internal.config.ConfigYaml;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code broker}, {@code registry} and {@code registry-ttl} settings: read from the file, the
 * environment and flags like every other key, refused with one clear line (exit 2) when wrong, and
 * never shown with their password.
 */
class BackendSettingsTest {
  @TempDir Path dir;

  @Test
  void theDefaultsAreTheMemoryBackendsAndA30sTtl() {
    assertThat(ServerConfig.DEFAULT.backends().broker()).isEqualTo("memory");
    assertThat(ServerConfig.DEFAULT.backends().registry()).isEqualTo("memory");
    assertThat(ServerConfig.DEFAULT.backends().registryTtl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theFileTheEnvironmentAndFlagsSetThem() throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(
        file, "broker: redis://10.0.0.5:6379/2\nregistry: memcached://a:1,b\nregistry-ttl: 9s\n");
    ServerConfig fromFile = new ConfigLoader(Map.of()).load(file, List.of());
    assertThat(fromFile.backends().broker()).isEqualTo("redis://10.0.0.5:6379/2");
    assertThat(fromFile.backends().registry()).isEqualTo("memcached://a:1,b");
    assertThat(fromFile.backends().registryTtl()).isEqualTo(Duration.ofSeconds(9));

    ServerConfig fromEnv =
        new ConfigLoader(
                Map.of(
                    "PUSHWIRE_BROKER", "rediss://:pw@redis.example:6380",
                    "PUSHWIRE_REGISTRY", "redis://redis.example",
                    "PUSHWIRE_REGISTRY_TTL", "1m"))
            .load(file, List.of());
    assertThat(fromEnv.backends().broker()).isEqualTo("rediss://:pw@redis.example:6380");
    assertThat(fromEnv.backends().registry()).isEqualTo("redis://redis.example");
    assertThat(fromEnv.backends().registryTtl()).isEqualTo(Duration.ofMinutes(1));

    ServerConfig fromFlags =
        new ConfigLoader(Map.of("PUSHWIRE_BROKER", "redis://x:1"))
            .load(
                file,
                List.of(
                    new Flag("broker", "--broker", "memory"),
                    new Flag("registry", "--registry", "memory"),
                    new Flag("registry-ttl", "--registry-ttl", "3s")));
    assertThat(fromFlags.backends().broker()).isEqualTo("memory");
    assertThat(fromFlags.backends().registry()).isEqualTo("memory");
    assertThat(fromFlags.backends().registryTtl()).isEqualTo(Duration.ofSeconds(3));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--broker|memcached://h:11211|--broker: bad value 'memcached://h:11211' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--broker|redis://h:abc|--broker: bad value 'redis://h:abc' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--broker|redis|--broker: bad value 'redis' (expected " + BackendUri.BROKER_EXPECTED + ")",
        "--registry|memcached://|--registry: bad value 'memcached://' (expected "
            + BackendUri.REGISTRY_EXPECTED
            + ")",
        "--registry|memcached://h:99999|--registry: bad value 'memcached://h:99999' (expected "
            + BackendUri.REGISTRY_EXPECTED
            + ")",
        // A URI that does not parse may still hold a password: the message does not repeat it.
        "--broker|redis://user:s3cret@bad host:6379|--broker: bad value"
            + " 'redis://user:****@bad host:6379' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--registry|redis://:s3cret@h:port|--registry: bad value 'redis://:****@h:port' (expected "
            + BackendUri.REGISTRY_EXPECTED
            + ")",
        "--broker|redis-sentinel://h1:26379,h2:26379|--broker: bad value"
            + " 'redis-sentinel://h1:26379,h2:26379' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--broker|redis-sentinel://:s3cret@h1:26379,h2:x#m|--broker: bad value"
            + " 'redis-sentinel://:****@h1:26379,h2:x#m' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--registry|redis-sentinel://h1:26379,#m|--registry: bad value"
            + " 'redis-sentinel://h1:26379,#m' (expected "
            + BackendUri.REGISTRY_EXPECTED
            + ")",
        "--broker|redis-cluster://:s3cret@h1:7000,h2|--broker: bad value"
            + " 'redis-cluster://:****@h1:7000,h2' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--registry|redis-cluster://h1:7000/2|--registry: bad value"
            + " 'redis-cluster://h1:7000/2' (expected "
            + BackendUri.REGISTRY_EXPECTED
            + ")",
        // Shards: a Redis Cluster cannot be one; each shard's password is hidden.
        "--broker|redis://:s3cret@h1:6379 redis-cluster://h2:7000|--broker: bad value"
            + " 'redis://:****@h1:6379 redis-cluster://h2:7000' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--broker|redis://h1:6379 redis://:s3cret@h2:x|--broker: bad value"
            + " 'redis://h1:6379 redis://:****@h2:x' (expected "
            + BackendUri.BROKER_EXPECTED
            + ")",
        "--registry-ttl|1500ms|--registry-ttl: bad value '1500ms' (expected whole seconds, at"
            + " least 1s, such as 30s)",
        "--registry-ttl|0|--registry-ttl: bad value '0' (expected whole seconds, at least 1s,"
            + " such as 30s)"
      })
  void aBadValueIsOneLineAndExitStatus2(String flag, String value, String message) {
    CommandLineRun run = serveCheck(Map.of(), flag, value);
    assertThat(run.err()).isEqualTo("config error: " + message + System.lineSeparator());
    assertThat(run.status()).isEqualTo(2);
  }

  @Test
  void aBadValueInTheFileNamesTheKey() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "broker: redis://\n");
    CommandLineRun run = serveCheck(Map.of(), "--config", file.toString());
    assertThat(run.err())
        .isEqualTo(
            "config error: broker: bad value 'redis://' (expected "
                + BackendUri.BROKER_EXPECTED
                + ")"
                + System.lineSeparator());
    assertThat(run.status()).isEqualTo(2);
  }

  @Test
  void checkPrintsTheBackendsWithoutTheirPassword() {
    CommandLineRun run =
        serveCheck(
            Map.of(),
            "--broker",
            "redis://:s3cret@10.0.0.5:6379/1",
            "--registry",
            "rediss://admin:s3cret@10.0.0.5:6380",
            "--registry-ttl",
            "10s");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("broker: redis://:****@10.0.0.5:6379/1\n")
        .contains("registry: rediss://admin:****@10.0.0.5:6380\n")
        .contains("registry-ttl: 10s\n")
        .doesNotContain("s3cret");
  }

  @Test
  void sentinelUrisAreGoodForBothAndPrintedWithoutTheirPassword() {
    CommandLineRun run =
        serveCheck(
            Map.of(),
            "--broker",
            "redis-sentinel://s3cret@10.0.0.5:26379,10.0.0.6:26379/1#mymaster",
            "--registry",
            "rediss-sentinel://10.0.0.5:26379#mymaster");
    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("broker: \"redis-sentinel://****@10.0.0.5:26379,10.0.0.6:26379/1#mymaster\"\n")
        .contains("registry: rediss-sentinel://10.0.0.5:26379#mymaster\n")
        .doesNotContain("s3cret");
    assertThat(BackendUri.kind("redis-sentinel://h:26379#m")).isEqualTo(BackendUri.Kind.REDIS);
  }

  @Test
  void clusterUrisAreGoodForBothAndPrintedWithoutTheirPassword() {
    CommandLineRun run =
        serveCheck(
            Map.of(),
            "--broker",
            "redis-cluster://:s3cret@10.0.0.5:7000,10.0.0.6:7001",
            "--registry",
            "rediss-cluster://10.0.0.5:7000");
    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("broker: \"redis-cluster://:****@10.0.0.5:7000,10.0.0.6:7001\"\n")
        .contains("registry: rediss-cluster://10.0.0.5:7000\n")
        .doesNotContain("s3cret");
    assertThat(BackendUri.kind("redis-cluster://h:7000")).isEqualTo(BackendUri.Kind.REDIS);
  }

  @Test
  void shardListsAreGoodForBothAndPrintedWithoutAnyShardsPassword() {
    CommandLineRun run =
        serveCheck(
            Map.of(),
            "--broker",
            "redis://:one@10.0.0.5:6379 redis://:two@10.0.0.6:6379"
                + " redis-sentinel://:three@10.0.0.7:26379#m",
            "--registry",
            "redis://10.0.0.5:6379 redis://10.0.0.6:6379");
    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains(
            "broker: redis://:****@10.0.0.5:6379 redis://:****@10.0.0.6:6379"
                + " redis-sentinel://:****@10.0.0.7:26379#m\n")
        .contains("registry: redis://10.0.0.5:6379 redis://10.0.0.6:6379\n")
        .doesNotContain("one@")
        .doesNotContain("two@")
        .doesNotContain("three@");
    assertThat(BackendUri.kind("redis://h:1 redis://h:2")).isEqualTo(BackendUri.Kind.REDIS);
  }

  @Test
  void passwordsAreRedactedWherever() {
    assertThat(BackendUri.redacted("redis://:pw@h:1/0")).isEqualTo("redis://:****@h:1/0");
    assertThat(BackendUri.redacted("redis://user:pw@h")).isEqualTo("redis://user:****@h");
    assertThat(BackendUri.redacted("redis://pw@h:1")).isEqualTo("redis://****@h:1");
    assertThat(BackendUri.redacted("redis://h:1?password=pw&x=1"))
        .isEqualTo("redis://h:1?password=****&x=1");
    assertThat(BackendUri.redacted("memcached://a:1,b:2")).isEqualTo("memcached://a:1,b:2");
    assertThat(BackendUri.redacted("memory")).isEqualTo("memory");
    ServerConfig c = ServerConfig.newBuilder().broker("redis://:pw@h:1").build();
    assertThat(c.toString()).doesNotContain(":pw@");
    assertThat(ConfigYaml.write(c)).doesNotContain(":pw@");
  }

  @Test
  void theBuilderChecksTooWithoutShowingThePassword() {
    assertThatThrownBy(() -> ServerConfig.newBuilder().broker("redis://:pw@h:x").build())
        .hasMessage(
            "broker: bad value 'redis://:****@h:x' (expected " + BackendUri.BROKER_EXPECTED + ")");
    assertThatThrownBy(() -> ServerConfig.newBuilder().registryTtl(Duration.ofMillis(2500)).build())
        .hasMessage(
            "registry-ttl: bad value '2500ms' (expected whole seconds, at least 1s, such as 30s)");
  }

  private record CommandLineRun(int status, String out, String err) {}

  private static CommandLineRun serveCheck(Map<String, String> env, String... args) {
    var cmd = PushwireCommand.commandLine(env, new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    all[0] = "serve";
    all[1] = "--check";
    System.arraycopy(args, 0, all, 2, args.length);
    int status = cmd.execute(all);
    return new CommandLineRun(status, out.toString(), err.toString());
  }
}

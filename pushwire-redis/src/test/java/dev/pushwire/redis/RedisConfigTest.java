package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link RedisConfig} accepts, what it refuses, and that it never shows a password. */
class RedisConfigTest {

  @Test
  void readsHostPortDatabasePasswordAndTls() {
    RedisConfig c =
        RedisConfig.newBuilder("rediss://:s3cret@cache.example:6380/2").nodeId("n1").build();
    RedisURI uri = c.redisUri();
    assertThat(uri.getHost()).isEqualTo("cache.example");
    assertThat(uri.getPort()).isEqualTo(6380);
    assertThat(uri.getDatabase()).isEqualTo(2);
    assertThat(uri.isSsl()).isTrue();
    assertThat(new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword()))
        .isEqualTo("s3cret");
    assertThat(uri.getTimeout()).isEqualTo(RedisConfig.DEFAULT_COMMAND_TIMEOUT);
    assertThat(c.address()).isEqualTo("rediss://cache.example:6380/2");
  }

  @Test
  void neverShowsThePassword() {
    RedisConfig c =
        RedisConfig.newBuilder("redis://user:s3cret@127.0.0.1:6379").nodeId("n1").build();
    assertThat(c.toString()).doesNotContain("s3cret").contains("redis://127.0.0.1:6379");
    assertThat(c.address()).doesNotContain("s3cret");
  }

  @Test
  void hasDefaultsAndCopiesThroughToBuilder() {
    RedisConfig c = RedisConfig.newBuilder("redis://127.0.0.1").nodeId("n1").build();
    assertThat(c.keyPrefix()).isEqualTo("pushwire:");
    assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.redisUri().getPort()).isEqualTo(6379);
    RedisConfig d = c.toBuilder().keyPrefix("other:").build();
    assertThat(d.keyPrefix()).isEqualTo("other:");
    assertThat(d.nodeId()).isEqualTo("n1");
  }

  @Test
  void refusesOtherSchemesWithoutEchoingTheUri() {
    assertThatThrownBy(() -> RedisConfig.newBuilder("http://u:s3cret@h:1").nodeId("n1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme http")
        .hasMessageContaining("redis://HOST:PORT")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void requiresAValidNodeIdAndPositiveDurations() {
    assertThatThrownBy(() -> RedisConfig.newBuilder("redis://h").build())
        .hasMessageContaining("nodeId is missing");
    assertThatThrownBy(() -> RedisConfig.newBuilder("redis://h").nodeId("a:b").build())
        .hasMessageContaining("nodeId is a:b");
    assertThatThrownBy(
            () ->
                RedisConfig.newBuilder("redis://h")
                    .nodeId("a")
                    .commandTimeout(Duration.ZERO)
                    .build())
        .hasMessageContaining("commandTimeout");
    assertThatThrownBy(
            () ->
                RedisConfig.newBuilder("redis://h")
                    .nodeId("a")
                    .registryTtl(Duration.ofMillis(500))
                    .build())
        .hasMessageContaining("registryTtl");
  }

  @Test
  void readsASentinelUriWithItsSentinelsMasterAndDatabase() {
    RedisConfig c =
        RedisConfig.newBuilder("redis-sentinel://s3cret@10.0.0.1:26379,10.0.0.2:26380/3#mymaster")
            .nodeId("n1")
            .build();
    RedisURI uri = c.redisUri();
    assertThat(c.isSentinel()).isTrue();
    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels())
        .extracting(s -> s.getHost() + ":" + s.getPort())
        .containsExactly("10.0.0.1:26379", "10.0.0.2:26380");
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(uri.getTimeout()).isEqualTo(RedisConfig.DEFAULT_COMMAND_TIMEOUT);
    assertThat(c.address())
        .isEqualTo("redis-sentinel://10.0.0.1:26379,10.0.0.2:26380/3#mymaster")
        .doesNotContain("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");
    RedisConfig tls = RedisConfig.newBuilder("rediss-sentinel://h1:26379#m1").nodeId("n1").build();
    assertThat(tls.redisUri().isSsl()).isTrue();
    assertThat(tls.address()).isEqualTo("rediss-sentinel://h1:26379#m1");
    assertThat(RedisConfig.newBuilder("redis://h").nodeId("n1").build().isSentinel()).isFalse();
  }

  @Test
  void refusesASentinelUriWithoutAMasterName() {
    assertThatThrownBy(
            () -> RedisConfig.newBuilder("redis-sentinel://:s3cret@h1:26379").nodeId("n1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri ")
        .hasMessageContaining("#MASTER")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void waitForReplicasIsOffByDefaultAndChecked() {
    RedisConfig off = RedisConfig.newBuilder("redis://h").nodeId("a").build();
    assertThat(off.waitReplicas()).isZero();
    assertThat(off.toString()).doesNotContain("waitForReplicas");
    RedisConfig on = off.toBuilder().waitForReplicas(1, Duration.ofMillis(500)).build();
    assertThat(on.waitReplicas()).isEqualTo(1);
    assertThat(on.waitTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(on.toString()).contains("waitForReplicas=1 in PT0.5S");
    assertThatThrownBy(() -> off.toBuilder().waitForReplicas(-1, Duration.ofSeconds(1)).build())
        .hasMessageStartingWith("waitForReplicas is -1");
    assertThatThrownBy(() -> off.toBuilder().waitForReplicas(1, Duration.ZERO).build())
        .hasMessageStartingWith("waitForReplicas timeout");
    assertThatThrownBy(() -> off.toBuilder().waitForReplicas(1, Duration.ofSeconds(2)).build())
        .hasMessageContaining("less than commandTimeout");
  }

  @Test
  void readsAClusterUriWithItsServersAndCredentials() {
    RedisConfig c =
        RedisConfig.newBuilder("redis-cluster://user:s3cret@10.0.0.1:7000,10.0.0.2:7001")
            .nodeId("n1")
            .build();
    assertThat(c.isCluster()).isTrue();
    assertThat(c.isSentinel()).isFalse();
    assertThat(c.clusterSeeds())
        .extracting(s -> s.getHost() + ":" + s.getPort())
        .containsExactly("10.0.0.1:7000", "10.0.0.2:7001");
    RedisURI seed = c.clusterSeeds().get(1);
    assertThat(seed.getCredentialsProvider().resolveCredentials().block().getUsername())
        .isEqualTo("user");
    assertThat(new String(seed.getCredentialsProvider().resolveCredentials().block().getPassword()))
        .isEqualTo("s3cret");
    assertThat(seed.getTimeout()).isEqualTo(RedisConfig.DEFAULT_COMMAND_TIMEOUT);
    assertThat(c.address()).isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7001");
    assertThat(c.toString()).doesNotContain("s3cret");
    RedisConfig tls = RedisConfig.newBuilder("rediss-cluster://h1:7000").nodeId("n1").build();
    assertThat(tls.clusterSeeds().get(0).isSsl()).isTrue();
    assertThat(tls.address()).isEqualTo("rediss-cluster://h1:7000");
    assertThat(RedisConfig.newBuilder("redis://h").nodeId("n1").build().clusterSeeds()).isEmpty();
  }

  @Test
  void refusesAClusterUriWithADatabaseABadServerOrWaitForReplicas() {
    assertThatThrownBy(
            () -> RedisConfig.newBuilder("redis-cluster://:s3cret@h1:7000/2").nodeId("n1").build())
        .hasMessageContaining("only database 0")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(
            () -> RedisConfig.newBuilder("redis-cluster://h1:7000,h2").nodeId("n1").build())
        .hasMessageContaining("bad cluster server 'h2'");
    assertThatThrownBy(
            () ->
                RedisConfig.newBuilder("redis-cluster://h1:7000")
                    .nodeId("n1")
                    .waitForReplicas(1, Duration.ofMillis(500))
                    .build())
        .hasMessageContaining("with Redis Cluster");
  }
}

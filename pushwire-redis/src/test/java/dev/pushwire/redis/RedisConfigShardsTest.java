package dev.pushwire.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sharded form of the URI: several URIs separated by spaces. */
class RedisConfigShardsTest {

  @Test
  void readsEachShardInOrderWithTheSharedSettings() {
    RedisConfig c =
        RedisConfig.newBuilder(
                " redis://:s3cret@10.0.0.1:6379/2  redis-sentinel://10.0.0.9:26379#m2\tredis://h3 ")
            .nodeId("n1")
            .commandTimeout(Duration.ofSeconds(3))
            .build();
    assertThat(c.isSharded()).isTrue();
    assertThat(c.isCluster()).isFalse();
    assertThat(c.shards())
        .extracting(RedisConfig::address)
        .containsExactly(
            "redis://10.0.0.1:6379/2", "redis-sentinel://10.0.0.9:26379#m2", "redis://h3:6379");
    assertThat(c.shards()).allSatisfy(s -> assertThat(s.isSharded()).isFalse());
    assertThat(c.shards()).extracting(RedisConfig::nodeId).containsOnly("n1");
    assertThat(c.shards())
        .extracting(RedisConfig::commandTimeout)
        .containsOnly(Duration.ofSeconds(3));
    assertThat(c.shards().get(1).isSentinel()).isTrue();
    assertThat(c.redisUri().getHost()).as("the first shard's").isEqualTo("10.0.0.1");
    assertThat(c.address())
        .isEqualTo("redis://10.0.0.1:6379/2 redis-sentinel://10.0.0.9:26379#m2 redis://h3:6379");
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(c.toBuilder().build().shards()).hasSize(3);
  }

  @Test
  void oneUriIsNoShardList() {
    RedisConfig c = RedisConfig.newBuilder("redis://127.0.0.1:6379").nodeId("n1").build();
    assertThat(c.isSharded()).isFalse();
    assertThat(c.shards()).containsExactly(c);
  }

  @Test
  void refusesAClusterAmongTheShardsNamingItWithoutThePassword() {
    assertThatThrownBy(
            () ->
                RedisConfig.newBuilder("redis://h1:6379 redis-cluster://:pw@h2:7000,h3:7000")
                    .nodeId("n1")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shard 2 is the Redis Cluster redis-cluster://h2:7000,h3:7000")
        .hasMessageNotContaining("pw");
  }

  @Test
  void refusesAShardTwiceAndABadShard() {
    assertThatThrownBy(
            () -> RedisConfig.newBuilder("redis://h1:6379 REDIS://h1:6379").nodeId("n1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(
            () -> RedisConfig.newBuilder("redis://h1:6379 memcached://h2").nodeId("n1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("shard 2: ")
        .hasMessageContaining("memcached");
    assertThatThrownBy(
            () ->
                RedisConfig.newBuilder("redis://h1 redis-sentinel://s:26379").nodeId("n1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("shard 2: ")
        .hasMessageContaining("sentinelMasterId");
  }

  @Test
  void oneRedisBrokerRefusesShards() {
    RedisConfig c = RedisConfig.newBuilder("redis://h1 redis://h2").nodeId("n1").build();
    assertThatThrownBy(() -> RedisBroker.connect(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RedisBrokers.connect");
  }
}

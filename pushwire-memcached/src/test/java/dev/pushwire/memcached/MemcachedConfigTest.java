package dev.pushwire.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link MemcachedConfig} accepts and what it refuses. */
class MemcachedConfigTest {

  @Test
  void readsSeveralServersWithAndWithoutPorts() {
    MemcachedConfig c =
        MemcachedConfig.newBuilder("memcached://10.0.0.7:11311,cache.example,[::1]:11222")
            .nodeId("n1")
            .build();
    assertThat(c.servers())
        .containsExactly(
            InetSocketAddress.createUnresolved("10.0.0.7", 11311),
            InetSocketAddress.createUnresolved("cache.example", 11211),
            InetSocketAddress.createUnresolved("::1", 11222));
    assertThat(c.address()).isEqualTo("10.0.0.7:11311,cache.example:11211,[::1]:11222");
  }

  @Test
  void hasDefaultsAndCopiesThroughToBuilder() {
    MemcachedConfig c = MemcachedConfig.newBuilder("memcached://127.0.0.1").nodeId("n1").build();
    assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.buckets()).isEqualTo(16);
    assertThat(c.toBuilder().buckets(4).build().buckets()).isEqualTo(4);
  }

  @Test
  void refusesWhatItCannotUse() {
    assertThatThrownBy(() -> MemcachedConfig.newBuilder("redis://h:1").nodeId("n").build())
        .hasMessageContaining("memcached://HOST[:PORT]");
    assertThatThrownBy(() -> MemcachedConfig.newBuilder("memcached://h:0").nodeId("n").build())
        .hasMessageContaining("1-65535");
    assertThatThrownBy(() -> MemcachedConfig.newBuilder("memcached://h,,g").nodeId("n").build())
        .hasMessageContaining("a server is empty");
    assertThatThrownBy(() -> MemcachedConfig.newBuilder("memcached://h").build())
        .hasMessageContaining("nodeId is missing");
    assertThatThrownBy(
            () ->
                MemcachedConfig.newBuilder("memcached://h")
                    .nodeId("n")
                    .ttl(Duration.ofMillis(1500))
                    .build())
        .hasMessageContaining("whole seconds");
  }
}

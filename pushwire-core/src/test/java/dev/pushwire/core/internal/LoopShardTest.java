package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopShardTest {

  private static Connection conn(long id, LoopShard shard) {
    EmbeddedChannel ch = new EmbeddedChannel();
    return new Connection(id, ch, shard, Connection.Deflate.NONE, "/", "", null, "");
  }

  @Test
  void removalDuringIterationIsDeferredSoNoConnectionIsSkipped() {
    EmbeddedChannel loopOwner = new EmbeddedChannel();
    LoopShard shard = new LoopShard(loopOwner.eventLoop());
    List<Connection> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Connection c = conn(i, shard);
      all.add(c);
      shard.add(c);
    }
    List<Long> visited = new ArrayList<>();
    shard.forEach(
        c -> {
          visited.add(c.id);
          if (c.id % 2 == 0) {
            shard.remove(c);
          }
        });
    assertThat(visited).hasSize(10).doesNotHaveDuplicates();
    assertThat(shard.size()).isEqualTo(5);
    List<Long> left = new ArrayList<>();
    shard.forEach(c -> left.add(c.id));
    assertThat(left).containsExactlyInAnyOrder(1L, 3L, 5L, 7L, 9L);
  }

  @Test
  void removeIsIdempotent() {
    EmbeddedChannel loopOwner = new EmbeddedChannel();
    LoopShard shard = new LoopShard(loopOwner.eventLoop());
    Connection a = conn(1, shard);
    Connection b = conn(2, shard);
    shard.add(a);
    shard.add(b);
    shard.remove(a);
    shard.remove(a);
    assertThat(shard.size()).isEqualTo(1);
  }
}

package dev.pushwire.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Channel placement: the published values of both hashes, and what consistency promises. */
class JumpHashTest {

  @Test
  void fnv1aGivesTheReferenceValues() {
    assertThat(JumpHash.fnv1a(new byte[0])).isEqualTo(0xcbf29ce484222325L);
    assertThat(JumpHash.fnv1a("a".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xaf63dc4c8601ec8cL);
  }

  @Test
  void jumpGivesTheReferenceValues() {
    // From the reference implementation's tests (github.com/dgryski/go-jump).
    assertThat(JumpHash.jump(1, 1)).isZero();
    assertThat(JumpHash.jump(42, 57)).isEqualTo(43);
    assertThat(JumpHash.jump(0xDEAD10CCL, 1)).isZero();
    assertThat(JumpHash.jump(0xDEAD10CCL, 666)).isEqualTo(361);
    assertThat(JumpHash.jump(256, 1024)).isEqualTo(520);
  }

  @Test
  void aFourthShardTakesAboutAQuarterOfTheChannelsAndMovesNoOther() {
    int moved = 0;
    int[] perShard = new int[3];
    for (int i = 0; i < 10_000; i++) {
      String channel = "news." + i;
      int of3 = JumpHash.shardOf(channel, 3);
      int of4 = JumpHash.shardOf(channel, 4);
      perShard[of3]++;
      if (of4 != of3) {
        assertThat(of4).as(channel + " moves only to the new shard").isEqualTo(3);
        moved++;
      }
    }
    assertThat(moved).isBetween(2_000, 3_000);
    assertThat(IntStream.of(perShard).boxed().toList())
        .allSatisfy(n -> assertThat(n).isBetween(3_000, 3_700));
  }

  @Test
  void placementDependsOnlyOnTheNameAndTheCount() {
    IntStream.range(0, 100)
        .forEach(
            i ->
                assertThat(JumpHash.shardOf("c" + i, 5))
                    .isEqualTo(JumpHash.shardOf(new String("c" + i), 5))
                    .isBetween(0, 4));
    assertThat(JumpHash.shardOf("anything", 1)).isZero();
    assertThatThrownBy(() -> JumpHash.shardOf("x", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.pushwire.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.client.Position;
import dev.pushwire.client.internal.ChannelCursor.Verdict;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The client rule of docs/PROTOCOL.md "Recovery", one push at a time. */
class ChannelCursorTest {

  @Test
  void withoutAPositionEveryPushIsHandled() {
    ChannelCursor c = new ChannelCursor(null);
    assertThat(c.check(42, "e")).isEqualTo(Verdict.HANDLE);
    assertThat(c.position()).isNull();
  }

  @Test
  void theNextOffsetIsHandledAndMovesTheCursor() {
    ChannelCursor c = new ChannelCursor(new Position(5, "e"));
    assertThat(c.check(6, "e")).isEqualTo(Verdict.HANDLE);
    c.advance(6, "e");
    assertThat(c.position()).isEqualTo(new Position(6, "e"));
  }

  @Test
  void anOffsetNotAboveTheCursorIsADuplicate() {
    ChannelCursor c = new ChannelCursor(new Position(5, "e"));
    assertThat(c.check(5, "e")).isEqualTo(Verdict.DUPLICATE);
    assertThat(c.check(1, "e")).isEqualTo(Verdict.DUPLICATE);
  }

  @Test
  void skippedOffsetsAreAGap() {
    assertThat(new ChannelCursor(new Position(5, "e")).check(7, "e")).isEqualTo(Verdict.GAP);
  }

  @Test
  void anotherEpochIsAGapWhateverTheOffset() {
    ChannelCursor c = new ChannelCursor(new Position(5, "e"));
    assertThat(c.check(6, "f")).isEqualTo(Verdict.GAP);
    assertThat(c.check(1, "f")).isEqualTo(Verdict.GAP);
  }

  /** Whatever order and repeats pushes come in, what is handled is 1, 2, 3, ... with no repeat. */
  @Property
  void handledOffsetsAreConsecutiveWhateverArrives(
      @ForAll @Size(max = 200) List<@IntRange(min = 1, max = 40) Integer> pushes) {
    ChannelCursor c = new ChannelCursor(new Position(0, "e"));
    List<Long> handled = new ArrayList<>();
    for (int offset : pushes) {
      if (c.check(offset, "e") == Verdict.HANDLE) {
        c.advance(offset, "e");
        handled.add((long) offset);
      }
    }
    for (int i = 0; i < handled.size(); i++) {
      assertThat(handled.get(i)).isEqualTo(i + 1L);
    }
  }
}

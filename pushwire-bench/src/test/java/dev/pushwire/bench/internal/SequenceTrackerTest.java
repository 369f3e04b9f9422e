package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

  @Test
  void inOrderDeliveryIsOneRangeWithNothingLost() {
    SequenceTracker t = new SequenceTracker();
    for (long i = 0; i < 10_000; i++) {
      assertThat(t.record(i)).isTrue();
    }
    assertThat(t.unique()).isEqualTo(10_000);
    assertThat(t.duplicates()).isZero();
    assertThat(t.lost(10_000)).isZero();
    assertThat(t.complete(10_000)).isTrue();
    assertThat(t.ranges()).isEqualTo(1);
  }

  @Test
  void aRepeatedNumberIsADuplicateAndNotCountedTwice() {
    SequenceTracker t = new SequenceTracker();
    t.record(0);
    t.record(1);
    assertThat(t.record(1)).isFalse();
    assertThat(t.record(0)).isFalse();
    t.record(2);
    assertThat(t.unique()).isEqualTo(3);
    assertThat(t.duplicates()).isEqualTo(2);
    assertThat(t.lost(3)).isZero();
  }

  @Test
  void gapsAreLostAndTheMissingTailIsLostToo() {
    SequenceTracker t = new SequenceTracker();
    for (long i : new long[] {0, 1, 2, 5, 6, 9}) {
      t.record(i);
    }
    // missing: 3, 4, 7, 8 inside; 10, 11 after the highest received
    assertThat(t.lost(12)).isEqualTo(6);
    assertThat(t.max()).isEqualTo(9);
    assertThat(t.complete(12)).isFalse();
    assertThat(t.ranges()).isEqualTo(3);
  }

  @Test
  void outOfOrderArrivalsFillTheGapsAndMerge() {
    SequenceTracker t = new SequenceTracker();
    for (long i : new long[] {0, 3, 1, 4, 2}) {
      assertThat(t.record(i)).isTrue();
    }
    assertThat(t.ranges()).isEqualTo(1);
    assertThat(t.lost(5)).isZero();
    assertThat(t.record(3)).isFalse();
    assertThat(t.duplicates()).isEqualTo(1);
  }

  @Test
  void aDuplicateInsideALaterRangeIsFound() {
    SequenceTracker t = new SequenceTracker();
    for (long i : new long[] {0, 1, 10, 11, 12, 20}) {
      t.record(i);
    }
    assertThat(t.record(11)).isFalse();
    assertThat(t.record(20)).isFalse();
    assertThat(t.record(15)).isTrue();
    assertThat(t.duplicates()).isEqualTo(2);
    assertThat(t.unique()).isEqualTo(7);
  }

  @Test
  void manyGapsStayBoundedAndStillCountAsLost() {
    SequenceTracker t = new SequenceTracker();
    long expected = 10_000;
    for (long i = 0; i < expected; i += 2) { // every other message lost
      t.record(i);
    }
    assertThat(t.ranges()).isLessThanOrEqualTo(SequenceTracker.MAX_RANGES);
    assertThat(t.forgotten()).isPositive();
    assertThat(t.lost(expected)).isEqualTo(expected / 2);
  }

  @Test
  void negativeNumbersAreRefused() {
    assertThatThrownBy(() -> new SequenceTracker().record(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

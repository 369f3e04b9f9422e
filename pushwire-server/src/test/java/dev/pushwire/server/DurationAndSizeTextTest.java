package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.pushwire.server.internal.config.DurationText;
import dev.pushwire.server.internal.config.SizeText;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations ({@code 100ms 1s 5m 1h}) and sizes ({@code 64KiB}) as flags and config take them. */
class DurationAndSizeTextTest {
  @Test
  void durations() {
    assertThat(DurationText.parse("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(DurationText.parse("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationText.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationText.parse("0")).isZero();
    for (String bad : new String[] {"", "5", "1x", "-1s", "s", "1.5s", "1 s"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> DurationText.parse(bad));
    }
  }

  @Test
  void durationsFormatInTheLargestExactUnit() {
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void sizes() {
    assertThat(SizeText.parse("65536")).isEqualTo(65536);
    assertThat(SizeText.parse("64KiB")).isEqualTo(65536);
    assertThat(SizeText.parse("1MiB")).isEqualTo(1 << 20);
    assertThat(SizeText.parse("1gib")).isEqualTo(1 << 30);
    assertThat(SizeText.format(65536)).isEqualTo("64KiB");
    assertThat(SizeText.format(1000)).isEqualTo("1000");
    for (String bad : new String[] {"", "64KB", "-1", "2GiB", "1.5MiB", "KiB"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> SizeText.parse(bad));
    }
  }
}

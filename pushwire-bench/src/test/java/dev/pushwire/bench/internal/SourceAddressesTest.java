package dev.pushwire.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SourceAddressesTest {

  @Test
  void listsAndRangesExpandInOrderAndAreUsedRoundRobin() {
    SourceAddresses s = SourceAddresses.parse("127.0.0.1, 127.0.0.5-7,127.0.0.9-127.0.0.10");
    assertThat(s.list())
        .extracting(a -> a.getAddress().getHostAddress())
        .containsExactly(
            "127.0.0.1", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.9", "127.0.0.10");
    InetSocketAddress first = s.next();
    for (int i = 1; i < s.size(); i++) {
      s.next();
    }
    assertThat(s.next()).isEqualTo(first);
  }

  @Test
  void blankMeansNoBinding() {
    assertThat(SourceAddresses.parse(" ").isEmpty()).isTrue();
    assertThat(SourceAddresses.ANY.next()).isNull();
  }

  @Test
  void aBackwardsRangeIsRefused() {
    assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.9-3"))
        .hasMessageContaining("ends before it starts");
  }

  @Test
  void hostNamesAreRefused() {
    assertThatThrownBy(() -> SourceAddresses.parse("example.org"))
        .hasMessageContaining("is not an IP address");
  }
}

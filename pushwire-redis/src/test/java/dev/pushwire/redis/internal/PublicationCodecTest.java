package dev.pushwire.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pushwire.hub.Publication;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entry format publish.lua stores and publishes, read back as {@link Publication}s. */
class PublicationCodecTest {

  @Test
  void readsWhatTheScriptMakesOfABodyWithoutInfo() {
    byte[] body = PublicationCodec.body("{\"a\":1}".getBytes(StandardCharsets.UTF_8), Map.of());
    Publication p = PublicationCodec.decode(entry("12:0abc:1735689600000:", body));
    assertThat(p).isEqualTo(new Publication(12, "0abc", "{\"a\":1}".getBytes(), 1735689600000L));
  }

  @Test
  void keepsInfoAndBinaryDataIntact() {
    byte[] data = {0, 1, ':', (byte) 0xff, '\n'};
    Map<String, String> info = Map.of("by", "publisher:7", "note", "h\u00e9 \ud83d\ude00");
    Publication p = PublicationCodec.decode(entry("1:e:5:", PublicationCodec.body(data, info)));
    assertThat(p.data()).containsExactly(data);
    assertThat(p.info()).isEqualTo(info);
    assertThat(p.publishedAt()).isEqualTo(5);
  }

  @Test
  void emptyDataIsAllowed() {
    Publication p =
        PublicationCodec.decode(entry("3:e:5:", PublicationCodec.body(new byte[0], Map.of())));
    assertThat(p.data()).isEmpty();
  }

  @Test
  void malformedEntriesAreRejected() {
    assertThatThrownBy(() -> PublicationCodec.decode("garbage".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PublicationCodec.decode("x:e:5:\0".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PublicationCodec.decode("1:e:5:".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] entry(String header, byte[] body) {
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + body.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    return out;
  }
}

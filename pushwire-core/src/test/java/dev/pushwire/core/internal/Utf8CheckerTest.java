package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The fast UTF-8 check agrees with the JDK's strict decoder, however a message is split. */
class Utf8CheckerTest {

  /** The JDK's decoder with REPORT is the reference for well-formed UTF-8. */
  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean checkerAccepts(byte[] bytes, int[] cuts) {
    Utf8Checker checker = new Utf8Checker();
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    int from = 0;
    for (int cut : cuts) {
      int to = Math.min(Math.max(cut, from), bytes.length);
      if (!checker.accept(buf, from, to)) {
        return false;
      }
      from = to;
    }
    return checker.accept(buf, from, bytes.length) && checker.complete();
  }

  @Property(tries = 400)
  void agreesWithTheJdkOnArbitraryBytes(
      @ForAll("mostlyAscii") byte[] bytes,
      @ForAll @Size(max = 4) List<@IntRange(max = 300) Integer> cuts) {
    assertThat(checkerAccepts(bytes, sorted(cuts))).isEqualTo(jdkAccepts(bytes));
  }

  @Property(tries = 300)
  void acceptsEveryStringTheJdkEncodes(
      @ForAll String text, @ForAll @Size(max = 4) List<@IntRange(max = 300) Integer> cuts) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThat(checkerAccepts(bytes, sorted(cuts))).isEqualTo(jdkAccepts(bytes));
  }

  /** Runs of ASCII (the fast path) broken by bytes from anywhere in 0x80..0xFF. */
  @Provide
  Arbitrary<byte[]> mostlyAscii() {
    Arbitrary<Byte> ascii = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E);
    Arbitrary<Byte> high = Arbitraries.integers().between(0x80, 0xFF).map(i -> (byte) (int) i);
    Arbitrary<Byte> any = Arbitraries.frequencyOf(Tuple.of(12, ascii), Tuple.of(1, high));
    return any.list().ofMaxSize(200).map(Utf8CheckerTest::toArray);
  }

  private static int[] sorted(List<Integer> cuts) {
    return cuts.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  private static byte[] toArray(List<Byte> list) {
    byte[] out = new byte[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  @Test
  void edgesOfTheUnicodeRange() {
    assertThat(checkerAccepts(bytes(0xF4, 0x8F, 0xBF, 0xBF), new int[0])).isTrue(); // U+10FFFF
    assertThat(checkerAccepts(bytes(0xF4, 0x90, 0x80, 0x80), new int[0])).isFalse(); // > 10FFFF
    assertThat(checkerAccepts(bytes(0xED, 0x9F, 0xBF), new int[0])).isTrue(); // U+D7FF
    assertThat(checkerAccepts(bytes(0xED, 0xA0, 0x80), new int[0])).isFalse(); // surrogate
    assertThat(checkerAccepts(bytes(0xE0, 0x9F, 0xBF), new int[0])).isFalse(); // overlong
    assertThat(checkerAccepts(bytes(0xC1, 0xBF), new int[0])).isFalse(); // overlong
    assertThat(checkerAccepts(bytes(0xF0, 0x8F, 0xBF, 0xBF), new int[0])).isFalse(); // overlong
    assertThat(checkerAccepts(bytes(0xCE, 0xBA), new int[] {1})).isTrue(); // split in a char
    assertThat(checkerAccepts(bytes(0xCE), new int[0])).isFalse(); // cut short
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }
}

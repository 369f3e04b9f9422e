package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A close reason made from an error message is cut to 123 bytes of UTF-8, never inside a char. */
class CloseReasonFitsTheCloseFrameTest {

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void asciiUpTo123BytesIsKeptWhole() {
    String m = "x".repeat(123);
    assertThat(WebSocketConnectionHandler.reasonOf(m)).isEqualTo(m);
  }

  @Test
  void asciiIsCutAt123Bytes() {
    assertThat(WebSocketConnectionHandler.reasonOf("x".repeat(200))).isEqualTo("x".repeat(123));
  }

  @Test
  void multiByteCharactersAreCutByBytesAtACharacterBoundary() {
    // 'é' is 2 bytes: after one ASCII byte, 61 of them make 123 bytes, the 62nd would make 125.
    String m = "a" + "é".repeat(100);
    String r = WebSocketConnectionHandler.reasonOf(m);
    assertThat(utf8Length(r)).isEqualTo(123);
    assertThat(r).isEqualTo("a" + "é".repeat(61));
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    // U+1F600 is 4 bytes (two chars): 30 of them are 120 bytes, a 31st would be 124.
    String m = "\uD83D\uDE00".repeat(40);
    String r = WebSocketConnectionHandler.reasonOf(m);
    assertThat(r).isEqualTo("\uD83D\uDE00".repeat(30));
    assertThat(utf8Length(r)).isEqualTo(120);
  }

  @Test
  void noMessageIsAnEmptyReason() {
    assertThat(WebSocketConnectionHandler.reasonOf(null)).isEmpty();
  }
}

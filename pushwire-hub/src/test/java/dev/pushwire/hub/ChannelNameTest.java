package dev.pushwire.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"a", "default", "news", "chat:room-1", "user@example.com", "a/b/c", "A_Z.0-9"})
  void acceptsNamesOfAllowedCharacters(String name) {
    assertThat(ChannelName.isValid(name)).isTrue();
    assertThat(ChannelName.requireValid(name)).isEqualTo(name);
  }

  @Test
  void accepts200CharactersAndRejects201() {
    assertThat(ChannelName.isValid("x".repeat(200))).isTrue();
    assertThatThrownBy(() -> ChannelName.requireValid("x".repeat(201)))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("201 characters long (at most 200 allowed)")
        .extracting(e -> ((HubException) e).code())
        .isEqualTo(ErrorCode.BAD_CHANNEL);
  }

  @Test
  void rejectsEmptyAndMissing() {
    assertThatThrownBy(() -> ChannelName.requireValid(""))
        .hasMessage("channel name is empty (expected 1-200 characters)");
    assertThatThrownBy(() -> ChannelName.requireValid(null)).hasMessage("channel name is missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "news!", "tab\there", "a?b", "a#b", "ü", "a,b", "a\"b", "😀"})
  void rejectsOtherCharacters(String name) {
    assertThat(ChannelName.isValid(name)).isFalse();
    assertThatThrownBy(() -> ChannelName.requireValid(name))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("(allowed: A-Z a-z 0-9 _ . : @ / -)");
  }

  @Test
  void messageNamesTheCharacterAndItsIndex() {
    assertThatThrownBy(() -> ChannelName.requireValid("news room"))
        .hasMessage(
            "channel name \"news room\" has a space at index 4 (allowed: A-Z a-z 0-9 _ . : @ / -)");
    assertThatThrownBy(() -> ChannelName.requireValid("a!"))
        .hasMessage(
            "channel name \"a!\" has '!' (U+0021) at index 1 (allowed: A-Z a-z 0-9 _ . : @ / -)");
  }

  @Test
  void messageEscapesControlCharactersAndTruncatesLongNames() {
    assertThatThrownBy(() -> ChannelName.requireValid("a\nb"))
        .hasMessage(
            "channel name \"a\\u000ab\" has control or space character U+000A at index 1"
                + " (allowed: A-Z a-z 0-9 _ . : @ / -)");
    String longBad = "y".repeat(50) + " ";
    assertThatThrownBy(() -> ChannelName.requireValid(longBad))
        .hasMessageStartingWith(
            "channel name \"" + "y".repeat(40) + "...\" has a space at index 50");
  }
}

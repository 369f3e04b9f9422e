package dev.pushwire.hub;

/**
 * The rules for channel names: 1 to {@value #MAX_LENGTH} characters, each one of {@code A-Z a-z 0-9
 * _ . : @ / -}. The set is small on purpose: names travel in URLs, JSON, Redis keys and log lines
 * without any escaping.
 */
public final class ChannelName {
  /** The longest name allowed, in characters. */
  public static final int MAX_LENGTH = 200;

  private static final String ALLOWED_PUNCTUATION = "_.:@/-";
  private static final int ECHO_LIMIT = 40;

  private ChannelName() {}

  /** Whether {@code name} is a valid channel name; {@code null} is not. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /**
   * Returns {@code name} if it is valid.
   *
   * @throws HubException with {@link ErrorCode#BAD_CHANNEL} and a message naming the problem
   */
  public static String requireValid(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new HubException(ErrorCode.BAD_CHANNEL, problem);
    }
    return name;
  }

  /** Whether {@code c} may appear in a channel name. */
  public static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || ALLOWED_PUNCTUATION.indexOf(c) >= 0;
  }

  private static String problem(String name) {
    if (name == null) {
      return "channel name is missing";
    }
    if (name.isEmpty()) {
      return "channel name is empty (expected 1-" + MAX_LENGTH + " characters)";
    }
    if (name.length() > MAX_LENGTH) {
      return "channel name "
          + echo(name)
          + " is "
          + name.length()
          + " characters long (at most "
          + MAX_LENGTH
          + " allowed)";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAllowed(c)) {
        return "channel name "
            + echo(name)
            + " has "
            + describe(name.codePointAt(i))
            + " at index "
            + i
            + " (allowed: A-Z a-z 0-9 _ . : @ / -)";
      }
    }
    return null;
  }

  // Names come from clients: the message must neither grow without bound nor carry control
  // characters into logs and JSON.
  private static String echo(String name) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(name.length(), ECHO_LIMIT);
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (name.length() > n) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }

  private static String describe(int codePoint) {
    if (codePoint == ' ') {
      return "a space";
    }
    if (Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)) {
      return String.format("control or space character U+%04X", codePoint);
    }
    return String.format("'%s' (U+%04X)", new String(Character.toChars(codePoint)), codePoint);
  }
}

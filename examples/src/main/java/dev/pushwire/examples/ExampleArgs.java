package dev.pushwire.examples;

import java.util.Arrays;
import java.util.List;

/** The examples' command line: an optional port as the first argument, then flags. */
final class ExampleArgs {
  static final int DEFAULT_PORT = 9876;

  final int port;
  final List<String> flags;

  private ExampleArgs(int port, List<String> flags) {
    this.port = port;
    this.flags = flags;
  }

  /** Parses {@code [PORT] [--flag...]}; exits with status 2 and a message on a bad port. */
  static ExampleArgs parse(String usage, String[] args) {
    int port = DEFAULT_PORT;
    int first = 0;
    if (args.length > 0 && !args[0].startsWith("--")) {
      try {
        port = Integer.parseInt(args[0]);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        System.err.println("bad port '" + args[0] + "': expected 0-65535\nusage: " + usage);
        System.exit(2);
      }
      first = 1;
    }
    List<String> flags = Arrays.asList(args).subList(first, args.length);
    return new ExampleArgs(port, flags);
  }

  boolean has(String flag) {
    return flags.contains(flag);
  }

  /** The value after {@code flag}, or {@code fallback} when the flag is absent. */
  String value(String flag, String fallback) {
    int i = flags.indexOf(flag);
    return i >= 0 && i + 1 < flags.size() ? flags.get(i + 1) : fallback;
  }
}

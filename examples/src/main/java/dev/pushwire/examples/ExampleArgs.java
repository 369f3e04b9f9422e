package dev.pushwire.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The examples' command line: an optional port as the first argument, then flags. {@code --help}
 * prints the usage and exits 0; a bad port or an unknown flag prints the usage and exits 2.
 */
final class ExampleArgs {
  static final int DEFAULT_PORT = 9876;

  final int port;
  private final Map<String, String> values;
  private final List<String> switches;

  private ExampleArgs(int port, Map<String, String> values, List<String> switches) {
    this.port = port;
    this.values = values;
    this.switches = switches;
  }

  /**
   * Parses {@code [PORT] [FLAGS...]}.
   *
   * @param usage the usage text, printed for {@code --help} and after an error
   * @param switchFlags flags that stand alone, such as {@code --quiet}
   * @param valueFlags flags followed by a value, such as {@code --count N}
   */
  static ExampleArgs parse(
      String usage, List<String> switchFlags, List<String> valueFlags, String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(usage);
        System.exit(0);
      }
    }
    int port = DEFAULT_PORT;
    int i = 0;
    if (args.length > 0 && !args[0].startsWith("-")) {
      try {
        port = Integer.parseInt(args[0]);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        fail("bad port '" + args[0] + "': expected 0-65535", usage);
      }
      i = 1;
    }
    Map<String, String> values = new java.util.HashMap<>();
    List<String> switches = new ArrayList<>();
    for (; i < args.length; i++) {
      String a = args[i];
      if (switchFlags.contains(a)) {
        switches.add(a);
      } else if (valueFlags.contains(a)) {
        if (i + 1 >= args.length) {
          fail(a + " needs a value", usage);
        }
        values.put(a, args[++i]);
      } else {
        fail("unknown argument '" + a + "'", usage);
      }
    }
    return new ExampleArgs(port, values, switches);
  }

  private static void fail(String message, String usage) {
    System.err.println(message + "\n" + usage);
    System.exit(2);
  }

  boolean has(String flag) {
    return switches.contains(flag);
  }

  /** The value given after {@code flag}, or {@code otherwise}. */
  String value(String flag, String otherwise) {
    return values.getOrDefault(flag, otherwise);
  }

  /**
   * The line a server example prints once it listens: the address it is bound to, and the URL to
   * connect to from this machine.
   */
  static String listening(String name, String host, int port) {
    if (host.equals("0.0.0.0")) {
      return name
          + " listening on 0.0.0.0:"
          + port
          + " (every interface); from this machine: ws://127.0.0.1:"
          + port
          + "/";
    }
    String shown = host.contains(":") ? "[" + host + "]" : host;
    return name + " listening on " + shown + ":" + port + ": ws://" + shown + ":" + port + "/";
  }
}

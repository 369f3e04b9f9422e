package dev.pushwire.examples;

import java.util.Arrays;

/**
 * The examples jar's entry point: {@code java -jar examples-all.jar NAME [ARGS...]} runs the
 * example called NAME.
 */
public final class Examples {
  private Examples() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? System.err : System.out)
          .println(
              "usage: java -jar examples-all.jar EchoServer|BroadcastServer|IntervalClient"
                  + "|ChannelReader [ARGS...]\n  NAME --help prints what one example takes");
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "EchoServer" -> EchoServer.main(rest);
      case "BroadcastServer" -> BroadcastServer.main(rest);
      case "IntervalClient" -> IntervalClient.main(rest);
      case "ChannelReader" -> ChannelReader.main(rest);
      default -> {
        System.err.println(
            "unknown example '"
                + args[0]
                + "': EchoServer, BroadcastServer, IntervalClient or ChannelReader");
        System.exit(2);
      }
    }
  }
}

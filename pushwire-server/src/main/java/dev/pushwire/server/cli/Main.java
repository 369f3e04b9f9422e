package dev.pushwire.server.cli;

/** The {@code pushwire} program's entry point: {@code java -jar pushwire-server-all.jar ARGS}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(PushwireCommand.commandLine(System.getenv(), System.in).execute(args));
  }
}

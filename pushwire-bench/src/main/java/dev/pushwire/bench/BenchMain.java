package dev.pushwire.bench;

/**
 * Runs {@code bench} alone: {@code java -jar pushwire-bench-*-all.jar echo --url ...}. Logging goes
 * through the bundled {@code pushwire-bench-logback.xml} (warnings only) unless {@code
 * -Dlogback.configurationFile} names another.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "pushwire-bench-logback.xml");
    }
    System.exit(BenchCommand.commandLine().execute(args));
  }
}

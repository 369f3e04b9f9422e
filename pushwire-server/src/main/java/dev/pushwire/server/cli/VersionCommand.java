package dev.pushwire.server.cli;

import dev.pushwire.server.internal.BuildInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pushwire version}: the program's version and the Java runtime it runs on. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version of pushwire and of the Java runtime.",
    footerHeading = "%nExample:%n",
    footer = "  pushwire version")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("pushwire " + BuildInfo.version());
    out.println(BuildInfo.runtime());
    out.flush();
    return PushwireCommand.EXIT_OK;
  }
}

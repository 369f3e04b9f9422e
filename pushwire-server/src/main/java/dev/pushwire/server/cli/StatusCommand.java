package dev.pushwire.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.server.internal.api.ApiJson;
import dev.pushwire.server.internal.api.OperationsRoutes;
import dev.pushwire.server.internal.config.DurationText;
import dev.pushwire.server.internal.daemon.PidFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;

/**
 * {@code pushwire status}: whether the node its pid file names is running, with its pid and uptime,
 * and what its {@code /readyz} says (ready or draining, node id, open connections). Exits 0 when it
 * runs and {@link PushwireCommand#EXIT_NOT_RUNNING} when it does not, as init scripts expect.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Tell whether the node of a pid file is running: pid, uptime, readiness, connections.",
      "Exit status: 0 running, 3 stopped, 1 the pid file cannot be read.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {"  pushwire status", "  pushwire status --pid-file /run/pushwire/pushwire.pid", ""})
final class StatusCommand extends PidFileCommand {
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(3);

  @Override
  int run(PidFile pid, PidFile.Check check, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    if (check.state() == PidFile.State.MISSING) {
      out.println("stopped (no pid file " + pid.path() + ")");
      out.flush();
      return PushwireCommand.EXIT_NOT_RUNNING;
    }
    if (check.state() == PidFile.State.STALE) {
      out.println(
          "stopped (stale pid file "
              + pid.path()
              + ": pid "
              + check.entry().pid()
              + " is not a running pushwire)");
      out.flush();
      return PushwireCommand.EXIT_NOT_RUNNING;
    }
    out.println("running");
    out.println("  pid:         " + check.entry().pid());
    check
        .process()
        .info()
        .startInstant()
        .ifPresent(
            t ->
                out.println(
                    "  uptime:      " + DurationText.format(uptime(t)) + " (since " + t + ")"));
    String url = check.entry().url();
    if (url != null) {
      out.println("  address:     " + url);
      ready(url, out);
    }
    out.flush();
    return PushwireCommand.EXIT_OK;
  }

  /** Prints what the node's {@code /readyz} says, or why it could not be asked. */
  private static void ready(String url, PrintWriter out) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + OperationsRoutes.READY_PATH))
                  .timeout(HTTP_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = ApiJson.MAPPER.readTree(r.body());
      String status = body.path("status").asText("unknown");
      String reason = body.path("reason").asText("");
      out.println("  ready:       " + status + (reason.isEmpty() ? "" : " (" + reason + ")"));
      out.println("  node:        " + body.path("node").asText("?"));
      out.println("  connections: " + body.path("connections").asText("?"));
    } catch (IOException | IllegalArgumentException e) {
      out.println("  ready:       unknown (" + url + OperationsRoutes.READY_PATH + ": " + e + ")");
    }
  }

  private static Duration uptime(Instant start) {
    Duration d = Duration.between(start, Instant.now());
    return d.isNegative() ? Duration.ZERO : Duration.ofSeconds(d.toSeconds());
  }
}

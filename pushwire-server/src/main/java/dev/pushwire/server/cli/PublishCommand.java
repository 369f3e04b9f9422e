package dev.pushwire.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.server.LogLevel;
import dev.pushwire.server.ServerConfig;
import dev.pushwire.server.internal.api.ApiJson;
import dev.pushwire.server.internal.config.DurationConverter;
import dev.pushwire.server.internal.config.LogLevels;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pushwire publish}: publishes to a channel of a running node, over the HTTP API ({@code
 * POST /api/publish}) or, with {@code --socket}, over the publisher socket. With {@code --interval}
 * it publishes periodically, on a timer, like the classic trigger client. Without {@code --data} it
 * publishes each line of standard input.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Publish to a channel of a running node.",
      "Publishes over the HTTP API, or over the publisher socket with --socket. Every client"
          + " subscribed to the channel receives the message. Without --data, each line of"
          + " standard input is published.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pushwire publish --api-key KEY --data hello",
      "  pushwire publish --api-key KEY --channel news --json --data '{\"a\":1}'",
      "  pushwire publish --api-key KEY --data tick --interval 1s   # the classic trigger",
      "  pushwire publish --api-key KEY --data tick --interval 1s --socket",
      "  tail -f app.log | pushwire publish --api-key KEY --channel logs",
      "",
      "PUSHWIRE_API_KEY and PUSHWIRE_URL, when set, are the defaults of --api-key and",
      "--url.",
      ""
    })
final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand PushwireCommand parent;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The node's HTTP address (PUSHWIRE_URL, else http://127.0.0.1:9876).")
  String url;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "The node's API key (what 'pushwire serve' printed).")
  String apiKey;

  @Option(
      names = "--channel",
      paramLabel = "CHANNEL",
      description = "The channel to publish to (default).")
  String channel = "default";

  @Option(
      names = "--data",
      paramLabel = "TEXT",
      description = "What to publish; clients receive exactly this text.")
  String data;

  @Option(
      names = "--json",
      description = "--data is a JSON value, published as JSON rather than as a string.")
  boolean json;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Publish --data every DURATION, e.g. 1s, until --count is reached.")
  Duration interval;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "How many times to publish (1; with --interval: no limit).")
  Long count;

  @Option(
      names = "--socket",
      description = "Publish over the publisher socket (ws://.../publish) instead of HTTP.")
  boolean socket;

  @Option(
      names = "--publisher-path",
      paramLabel = "PATH",
      description = "Path of the publisher socket, for --socket (/publish).")
  String publisherPath = ServerConfig.DEFAULT_PUBLISHER_PATH;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for the node (10s).")
  Duration timeout = Duration.ofSeconds(10);

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing on success.")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    String base =
        url != null ? url : parent.env().getOrDefault("PUSHWIRE_URL", "http://127.0.0.1:9876");
    String key = apiKey != null ? apiKey : parent.env().get("PUSHWIRE_API_KEY");
    long times;
    try {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "--api-key is missing (use the key 'pushwire serve' printed, or set PUSHWIRE_API_KEY)");
      }
      if (!ChannelName.isValid(channel)) {
        throw new IllegalArgumentException(
            "--channel: bad value '"
                + channel
                + "' (expected 1-200 characters of A-Z a-z 0-9 _ . : @ / -)");
      }
      if (interval != null && data == null) {
        throw new IllegalArgumentException("--interval needs --data TEXT (what to publish)");
      }
      if (interval != null && interval.isZero()) {
        throw new IllegalArgumentException("--interval must be more than 0");
      }
      if (json && socket) {
        throw new IllegalArgumentException(
            "--json does not apply to --socket: the publisher socket publishes text as it is");
      }
      if (json && data != null) {
        ApiJson.readTree(data);
      }
      times = count != null ? count : interval != null ? Long.MAX_VALUE : 1;
      if (times < 1) {
        throw new IllegalArgumentException("--count must be 1 or more");
      }
    } catch (JsonProcessingException e) {
      throw new ParameterException(
          spec.commandLine(), "--data is not valid JSON: " + ApiJson.detail(e));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    LogLevels.apply(LogLevel.WARN);
    PublishConsole console =
        new PublishConsole(
            spec.commandLine().getOut(), spec.commandLine().getErr(), quiet, channel);
    Publisher publisher;
    try {
      publisher =
          socket
              ? SocketPublisher.connect(base, publisherPath, key, channel, timeout, console)
              : new HttpPublisher(base, key, channel, json, timeout, console);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (PublishFailure e) {
      console.error(e.getMessage());
      console.flush();
      return PushwireCommand.EXIT_FAILURE;
    }
    try {
      return data == null
          ? PublishSources.lines(publisher, parent.stdin(), json, console)
          : PublishSources.repeat(publisher, data, times, interval, console);
    } finally {
      publisher.close();
      console.flush();
    }
  }
}

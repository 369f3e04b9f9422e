package dev.pushwire.server.cli;

import dev.pushwire.server.ConfigException;
import dev.pushwire.server.ConfigLoader;
import dev.pushwire.server.internal.auth.TokenMinter;
import dev.pushwire.server.internal.config.DurationText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pushwire token}: mints an HS256 token for development, signed with {@code --secret} or the
 * configured {@code auth.hmac-secret}, and prints it alone on its last line: a connection token
 * ({@code "kind": "connection"}), or with {@code --channel} a subscription token ({@code "kind":
 * "subscription"}).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Mint an HS256 token (JWT) for development; the token is the last line. It is a"
          + " connection token (\"kind\": \"connection\"), or with --channel a subscription"
          + " token (\"kind\": \"subscription\") for that one channel.",
      "Without --secret it signs with auth.hmac-secret from --config FILE, PUSHWIRE_CONFIG"
          + " or PUSHWIRE_AUTH_HMAC_SECRET.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pushwire token --secret \"$SECRET\" --user alice",
      "  pushwire token --config pushwire.yaml --user alice --channels 'team:*' --ttl 8h",
      "  wscat -c \"ws://127.0.0.1:9876/?token=$(pushwire token --user alice | tail -1)\"",
      ""
    })
final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand PushwireCommand parent;

  @Option(
      names = "--secret",
      paramLabel = "SECRET",
      description = "The HS256 secret (32 or more bytes); default: auth.hmac-secret.")
  String secret;

  @Option(
      names = "--user",
      paramLabel = "USER",
      required = true,
      description = "The user: the token's sub claim, shown in presence.")
  String user;

  @Option(
      names = "--channels",
      paramLabel = "PATTERN",
      arity = "1..*",
      description = "Channel patterns it may subscribe to (channels claim); * matches anything.")
  List<String> channels = new ArrayList<>();

  @Option(
      names = "--channel",
      paramLabel = "CHANNEL",
      description =
          "Mint a subscription token for this one private channel (channel claim), sent in the"
              + " subscribe command's token field.")
  String channel;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      description = "How long it is valid (default: 1h).")
  String ttl = "1h";

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration validFor;
    try {
      validFor = DurationText.parse(ttl);
    } catch (IllegalArgumentException e) {
      return usage(err, "--ttl: bad value '" + ttl + "' (expected a duration such as 1h)");
    }
    if (validFor.isZero() || validFor.isNegative()) {
      return usage(err, "--ttl: must be more than 0");
    }
    if (user.isBlank()) {
      return usage(err, "--user: must not be blank");
    }
    if (channel != null && channel.isBlank()) {
      return usage(err, "--channel: must not be blank");
    }
    String key = secret;
    if (key == null) {
      try {
        key = new ConfigLoader(parent.env()).load(configFile(), List.of()).auth().hmacSecret();
      } catch (ConfigException e) {
        return usage(err, "config error: " + e.getMessage());
      }
      if (key == null) {
        return usage(err, "no secret: pass --secret or configure auth.hmac-secret (--config FILE)");
      }
    }
    String token;
    try {
      token =
          TokenMinter.hs256(
              key,
              user,
              channels.isEmpty() ? null : channels,
              channel,
              validFor,
              Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    out.println(
        "# HS256 "
            + (channel == null ? "connection" : "subscription")
            + " token for "
            + user
            + ", valid for "
            + DurationText.format(validFor)
            + (channels.isEmpty() ? "" : ", channels " + channels)
            + (channel == null ? "" : ", subscription to channel " + channel));
    out.println(token);
    out.flush();
    return PushwireCommand.EXIT_OK;
  }

  private Path configFile() {
    if (config != null) {
      return config;
    }
    String fromEnv = parent.env().get("PUSHWIRE_CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  private static int usage(PrintWriter err, String message) {
    err.println("error: " + message);
    err.flush();
    return PushwireCommand.EXIT_USAGE;
  }
}

package dev.pushwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.server.cli.PushwireCommand;
import dev.pushwire.server.internal.auth.TokenVerifier;
import dev.pushwire.server.internal.auth.VerifiedToken;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pushwire token} prints, on its last line, an HS256 token that the node's verifier accepts,
 * with the user as {@code sub}, the {@code channels} claim and {@code exp} after {@code --ttl}.
 */
class TokenCommandTest {
  private static final String SECRET = ConnectionTokensTest.SECRET;

  private record Run(int status, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1].strip();
    }
  }

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cmd = PushwireCommand.commandLine(env, new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int status = cmd.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static VerifiedToken verify(String token) throws Exception {
    return TokenVerifier.of(AuthSettings.DEFAULT.withHmacSecret(SECRET)).verify(token);
  }

  @Test
  void printsATokenThatVerifies() throws Exception {
    Run r =
        run(
            Map.of(),
            "token",
            "--secret",
            SECRET,
            "--user",
            "alice",
            "--channels",
            "team:*",
            "news",
            "--ttl",
            "2h");
    assertThat(r.status()).as(r.err()).isZero();
    VerifiedToken t = verify(r.lastLine());
    assertThat(t.subject()).isEqualTo("alice");
    assertThat(t.channels()).containsExactly("team:*", "news");
    assertThat(t.expiresAt())
        .isBetween(
            Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofHours(2)));
  }

  @Test
  void withoutSecretUsesTheConfiguredOne(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("pushwire.yaml");
    Files.writeString(config, "auth:\n  hmac-secret: " + SECRET + "\n");
    Run r = run(Map.of(), "token", "--config", config.toString(), "--user", "bob");
    assertThat(r.status()).as(r.err()).isZero();
    VerifiedToken t = verify(r.lastLine());
    assertThat(t.subject()).isEqualTo("bob");
    assertThat(t.channels()).isNull();
  }

  @Test
  void withoutAnySecretIsAUsageError() {
    Run r = run(Map.of(), "token", "--user", "bob");
    assertThat(r.status()).isEqualTo(PushwireCommand.EXIT_USAGE);
    assertThat(r.err()).contains("auth.hmac-secret");
  }

  @Test
  void shortSecretIsAUsageError() {
    Run r = run(Map.of(), "token", "--secret", "short", "--user", "bob");
    assertThat(r.status()).isEqualTo(PushwireCommand.EXIT_USAGE);
    assertThat(List.of(r.err())).anyMatch(e -> e.contains("32"));
  }

  @Test
  void channelOptionMintsASubscriptionToken() throws Exception {
    Run r =
        run(
            Map.of(),
            "token",
            "--secret",
            SECRET,
            "--user",
            "alice",
            "--channel",
            "secret:x",
            "--ttl",
            "10m");
    assertThat(r.status()).as(r.err()).isZero();
    VerifiedToken t = verify(r.lastLine());
    assertThat(t.subject()).isEqualTo("alice");
    assertThat(t.channel()).isEqualTo("secret:x");
    assertThat(t.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
  }
}

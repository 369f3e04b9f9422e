package dev.pushwire.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.client.ClientConfig;
import dev.pushwire.client.LostEvent;
import dev.pushwire.client.Position;
import dev.pushwire.client.Publication;
import dev.pushwire.client.PushwireClient;
import dev.pushwire.client.ResubscribingEvent;
import dev.pushwire.client.Subscription;
import dev.pushwire.core.ClientSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code pushwire client --v1}: a {@code pushwire.v1} client on the SDK ({@link PushwireClient}),
 * subscribed to the {@code --channel}s. Prints each publication as one JSON line on standard output
 * ({@code {"channel":..,"offset":..,"epoch":..,"data":..}}, the push as the node sent it) and each
 * direct message as {@code {"data":..}}; reports on standard error every connection change and
 * every delivery signal (close codes such as 4008, {@code unsubscribed}, a gap, lost publications),
 * one line each. It reconnects and recovers until Ctrl-C or {@code --count}.
 */
public final class V1ClientMode {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> channels;
  private final Position since;

  private V1ClientMode(List<String> channels, Position since) {
    this.channels = channels;
    this.since = since;
  }

  /**
   * The {@code --v1} mode for these options, or {@code null} without {@code --v1}.
   *
   * @param plainOnly whether an option of the plain mode was given ({@code --send}, {@code
   *     --interval}, {@code --subprotocol})
   * @throws IllegalArgumentException with a message for the user when the options do not fit
   */
  public static V1ClientMode of(
      boolean v1, List<String> channels, String since, boolean plainOnly) {
    if (!v1) {
      if (!channels.isEmpty()) {
        throw new IllegalArgumentException(
            "--channel needs --v1 (plain clients name channels in the URL: ?channel=NAME)");
      }
      if (since != null) {
        throw new IllegalArgumentException("--since needs --v1 and one --channel");
      }
      return null;
    }
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("--v1 needs --channel NAME (repeat for more channels)");
    }
    if (plainOnly) {
      throw new IllegalArgumentException(
          "--v1 cannot be combined with --send, --interval or --subprotocol");
    }
    Position from = null;
    if (since != null) {
      if (channels.size() != 1) {
        throw new IllegalArgumentException("--since needs exactly one --channel");
      }
      try {
        from = Position.parse(since);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--since: bad value '" + since + "' (expected OFFSET:EPOCH, e.g. 42:0k3j5x9q2a)", e);
      }
    }
    return new V1ClientMode(List.copyOf(new LinkedHashSet<>(channels)), from);
  }

  /**
   * Runs until Ctrl-C, {@code count} publications (0: no limit), or every subscription refused.
   * Returns the exit status.
   */
  public int run(
      URI uri,
      ClientSettings transport,
      Duration timeout,
      long count,
      boolean quiet,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicLong received = new AtomicLong();
    AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    Lines lines = new Lines(out, err, quiet);
    PushwireClient client =
        PushwireClient.create(
            uri, ClientConfig.newBuilder().transport(transport).commandTimeout(timeout).build());
    client
        .onConnected(
            e ->
                lines.status(
                    (e.reconnected() ? "reconnected to " : "connected to ")
                        + e.uri()
                        + (e.user() == null ? "" : " as " + e.user())))
        .onDisconnected(
            e ->
                lines.status(
                    "closed: "
                        + e.code()
                        + (e.reason().isEmpty() ? "" : " " + e.reason())
                        + (e.reconnect() ? " (reconnecting)" : "")))
        .onReconnecting(
            e -> {
              if (e.cause() != null) {
                lastFailure.set(e.cause());
              }
              lines.status(
                  "reconnecting in "
                      + e.delay().toMillis()
                      + " ms (attempt "
                      + e.attempt()
                      + ")"
                      + (e.cause() == null ? "" : ": " + ClientOptions.rootMessage(e.cause())));
            })
        .onSubscribed(
            e ->
                lines.status(
                    (e.resubscribed() ? "resubscribed " : "subscribed ")
                        + e.channel()
                        + " at "
                        + e.position()
                        + " (recovered: "
                        + e.recovered()
                        + ")"))
        .onResubscribing(
            e ->
                lines.status(
                    "resubscribing "
                        + e.channel()
                        + " since "
                        + e.since()
                        + ": "
                        + (e.cause() == ResubscribingEvent.Cause.UNSUBSCRIBED
                            ? "unsubscribed " + e.code()
                            : "gap")
                        + (e.message().isEmpty() ? "" : " (" + e.message() + ")")))
        .onLost(e -> lines.status(lostLine(e)))
        .onMessage(m -> lines.print("{\"data\":" + m.data() + "}"))
        .onError(
            e ->
                lines.status(
                    "error: "
                        + (e.channel() == null ? "" : e.channel() + ": ")
                        + ClientOptions.rootMessage(e.error())));
    AtomicInteger refused = new AtomicInteger();
    for (String channel : channels) {
      Subscription sub =
          client.subscribe(
              channel,
              since,
              p -> {
                if (done.isDone()) {
                  return;
                }
                lines.print(pushLine(p));
                if (count > 0 && received.incrementAndGet() >= count) {
                  done.complete(0);
                }
              });
      sub.ready()
          .whenComplete(
              (ok, e) -> {
                if (e != null && refused.incrementAndGet() == channels.size()) {
                  done.complete(1); // every subscription was refused: nothing will arrive
                }
              });
    }
    Thread hook =
        new Thread(
            () -> {
              done.complete(0);
              client.close();
            },
            "pushwire-client-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      try {
        client
            .connect()
            .toCompletableFuture()
            .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable why = lastFailure.get() != null ? lastFailure.get() : e;
        lines.error("error: cannot connect to " + uri + ": " + ClientOptions.rootMessage(why));
        return 1;
      }
      try {
        return done.get();
      } catch (ExecutionException e) {
        lines.error("error: " + ClientOptions.rootMessage(e));
        return 1;
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook closes the client
      }
      client.close();
      out.flush();
      err.flush();
    }
  }

  /** What {@code e} says, in one line. */
  static String lostLine(LostEvent e) {
    StringBuilder b = new StringBuilder("lost ").append(e.channel());
    if (e.epochChanged()) {
      b.append(": the epoch changed (the channel's history was lost); what followed ")
          .append(e.since())
          .append(" is unknown");
      if (e.hasRange()) {
        b.append(", and offsets ").append(e.from()).append("..").append(e.to());
        b.append(" of the new epoch are gone too");
      }
    } else if (e.hasRange()) {
      b.append(" offsets ").append(e.from()).append("..").append(e.to());
      b.append(" (history no longer holds them)");
    } else {
      b.append(": the position asked for is ahead of the channel");
    }
    return b.append("; carrying on from ").append(e.position()).toString();
  }

  private static String pushLine(Publication p) {
    ObjectNode line =
        JSON.createObjectNode()
            .put("channel", p.channel())
            .put("offset", p.offset())
            .put("epoch", p.epoch());
    line.set("data", p.data());
    return line.toString();
  }

  /** Standard output and error, one whole line at a time (listeners run on another thread). */
  private record Lines(PrintWriter out, PrintWriter err, boolean quiet) {
    void print(String line) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }

    void status(String line) {
      if (!quiet) {
        error(line);
      }
    }

    void error(String line) {
      synchronized (err) {
        err.println(line);
        err.flush();
      }
    }
  }
}

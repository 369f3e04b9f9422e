package dev.pushwire.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.WebSocketClient;
import dev.pushwire.hub.ChannelName;
import dev.pushwire.server.internal.ApiJson;
import dev.pushwire.server.internal.ApiKeys;
import dev.pushwire.server.internal.ClientOptions;
import dev.pushwire.server.internal.DurationConverter;
import dev.pushwire.server.internal.LogLevels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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

  private PrintWriter out;
  private PrintWriter err;
  private volatile boolean notedNobody;

  @Override
  public Integer call() throws InterruptedException {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
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
    Publisher publisher;
    try {
      publisher =
          socket ? SocketPublisher.connect(this, base, key) : new HttpPublisher(this, base, key);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (PublishFailure e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return PushwireCommand.EXIT_FAILURE;
    }
    try {
      return data == null ? publishLines(publisher) : publishData(publisher, times);
    } finally {
      publisher.close();
      out.flush();
      err.flush();
    }
  }

  /** Publishes {@code data} {@code times} times, every {@code interval} if there is one. */
  private int publishData(Publisher publisher, long times) throws InterruptedException {
    if (interval == null && times == 1) {
      return finish(publisher.publish(data));
    }
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicLong started = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pushwire-publish-timer");
              t.setDaemon(true);
              return t;
            });
    long period = interval == null ? 0 : Math.max(1, interval.toMillis());
    Runnable task =
        () -> {
          if (done.isDone() || started.get() >= times) {
            return;
          }
          started.incrementAndGet();
          publisher
              .publish(data)
              .whenComplete(
                  (ok, e) -> {
                    if (e != null) {
                      done.completeExceptionally(e);
                    } else if (finished.incrementAndGet() >= times) {
                      done.complete(PushwireCommand.EXIT_OK);
                    }
                  });
        };
    if (period == 0) {
      for (long i = 0; i < times; i++) {
        task.run();
      }
    } else {
      timer.scheduleAtFixedRate(task, 0, period, TimeUnit.MILLISECONDS);
    }
    try {
      return finish(done);
    } finally {
      timer.shutdownNow();
    }
  }

  /** Publishes each line of standard input, one after the other. */
  private int publishLines(Publisher publisher) throws InterruptedException {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(parent.stdin(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (json && line.isBlank()) {
          continue;
        }
        int code = finish(publisher.publish(line));
        if (code != PushwireCommand.EXIT_OK) {
          return code;
        }
      }
      return PushwireCommand.EXIT_OK;
    } catch (IOException e) {
      err.println("error: cannot read standard input: " + e.getMessage());
      return PushwireCommand.EXIT_FAILURE;
    }
  }

  private int finish(CompletionStage<?> stage) throws InterruptedException {
    try {
      stage.toCompletableFuture().get();
      return PushwireCommand.EXIT_OK;
    } catch (ExecutionException e) {
      err.println("error: " + ClientOptions.rootMessage(e));
      return PushwireCommand.EXIT_FAILURE;
    }
  }

  private void print(String line) {
    if (!quiet) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  /**
   * Says on standard error, once, when the node had no subscriber for the channel: the publication
   * is not lost (history keeps it, other nodes deliver it), but a newcomer who sees nothing arrive
   * wants to know why.
   */
  private void noteWhenNobodyListens(String answer) {
    if (quiet || notedNobody) {
      return;
    }
    try {
      JsonNode n = ApiJson.MAPPER.readTree(answer).path("localSubscribers");
      if (n.isNumber() && n.asLong() == 0) {
        notedNobody = true;
        synchronized (out) {
          err.println(
              "note: no client of this node is subscribed to '"
                  + channel
                  + "' (it is kept in the channel's history; subscribers on other nodes of a"
                  + " cluster still get it)");
          err.flush();
        }
      }
    } catch (JsonProcessingException e) {
      // Not the API's JSON: nothing to say about it.
    }
  }

  /** A publication could not be made; the message says why, for one line on standard error. */
  static final class PublishFailure extends Exception {
    private static final long serialVersionUID = 1L;

    PublishFailure(String message) {
      super(message);
    }
  }

  /** One way to publish. */
  private interface Publisher extends AutoCloseable {
    /** Publishes one message; the stage fails with a {@link PublishFailure}. */
    CompletionStage<Void> publish(String text);

    @Override
    void close();
  }

  /** {@code POST /api/publish} with the JDK's HTTP client; prints each answer. */
  private static final class HttpPublisher implements Publisher {
    private final PublishCommand cmd;
    private final URI endpoint;
    private final String key;
    private final HttpClient http;

    HttpPublisher(PublishCommand cmd, String base, String key) {
      this.cmd = cmd;
      this.endpoint = apiUri(base, "/api/publish");
      this.key = key;
      this.http = HttpClient.newBuilder().connectTimeout(cmd.timeout).build();
    }

    @Override
    public CompletionStage<Void> publish(String text) {
      ObjectNode body = ApiJson.object().put("channel", cmd.channel);
      if (cmd.json) {
        try {
          body.set("data", ApiJson.readTree(text));
        } catch (JsonProcessingException e) {
          return CompletableFuture.failedFuture(
              new PublishFailure("not valid JSON: " + ApiJson.detail(e)));
        }
      } else {
        body.put("data", text);
      }
      HttpRequest request =
          HttpRequest.newBuilder(endpoint)
              .timeout(cmd.timeout)
              .header(ApiKeys.HEADER, key)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(ApiJson.write(body)))
              .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle(
              (response, e) -> {
                if (e != null) {
                  throw new CompletionException(
                      new PublishFailure(
                          "cannot reach " + endpoint + ": " + ClientOptions.rootMessage(e)));
                }
                if (response.statusCode() != 200) {
                  throw new CompletionException(
                      new PublishFailure(
                          "HTTP "
                              + response.statusCode()
                              + " from "
                              + endpoint
                              + ": "
                              + message(response.body())));
                }
                cmd.print(response.body().strip());
                cmd.noteWhenNobodyListens(response.body());
                return null;
              });
    }

    private static String message(String body) {
      try {
        JsonNode node = ApiJson.MAPPER.readTree(body);
        JsonNode m = node.path("error").path("message");
        if (m.isTextual()) {
          return m.asText();
        }
      } catch (JsonProcessingException e) {
        // not the API's JSON: show the body as it is
      }
      return body.strip();
    }

    @Override
    public void close() {
      // The JDK's HTTP client needs no closing before Java 21, and its threads are daemons.
    }
  }

  /** The publisher socket: one connection, each publication one text message. */
  private static final class SocketPublisher implements Publisher {
    private final PublishCommand cmd;
    private final WebSocketClient client;
    private final URI uri;
    private final AtomicLong sent = new AtomicLong();

    private SocketPublisher(PublishCommand cmd, WebSocketClient client, URI uri) {
      this.cmd = cmd;
      this.client = client;
      this.uri = uri;
    }

    static SocketPublisher connect(PublishCommand cmd, String base, String key)
        throws PublishFailure, InterruptedException {
      URI ws = ClientOptions.webSocketUri(base);
      URI uri =
          URI.create(
              ws.getScheme()
                  + "://"
                  + ws.getRawAuthority()
                  + cmd.publisherPath
                  + "?channel="
                  + URLEncoder.encode(cmd.channel, StandardCharsets.UTF_8));
      ClientSettings settings =
          ClientSettings.newBuilder()
              .header(ApiKeys.HEADER, key)
              .connectTimeout(cmd.timeout)
              .handshakeTimeout(cmd.timeout)
              .build();
      WebSocketClient client = WebSocketClient.create(uri, settings);
      client.onMessage(
          (c, m) -> {
            // The node answers only when a publication failed: {"error":{...}}.
            synchronized (cmd.err) {
              cmd.err.println("error from " + uri + ": " + m.text());
              cmd.err.flush();
            }
          });
      try {
        client
            .connect()
            .toCompletableFuture()
            .get(cmd.timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        client.shutdown();
        throw new PublishFailure("cannot connect to " + uri + ": " + ClientOptions.rootMessage(e));
      }
      return new SocketPublisher(cmd, client, uri);
    }

    @Override
    public CompletionStage<Void> publish(String text) {
      return client
          .sendText(text)
          .handle(
              (v, e) -> {
                if (e != null) {
                  throw new CompletionException(
                      new PublishFailure(
                          "cannot send to " + uri + ": " + ClientOptions.rootMessage(e)));
                }
                long n = sent.incrementAndGet();
                cmd.print("sent " + n + " to " + cmd.channel);
                return null;
              });
    }

    @Override
    public void close() {
      try {
        client
            .close(CloseCodes.NORMAL, "")
            .toCompletableFuture()
            .get(cmd.timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Closing is best effort: everything was sent already; shutdown() drops the link.
      }
      client.shutdown();
    }
  }

  private static URI apiUri(String base, String path) {
    String b = base.trim();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    if (!b.startsWith("http://") && !b.startsWith("https://")) {
      throw new IllegalArgumentException(
          "--url: bad value '" + base + "' (expected http://HOST:PORT or https://HOST:PORT)");
    }
    try {
      URI uri = URI.create(b + path);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--url: bad value '" + base + "' (expected http://HOST:PORT or https://HOST:PORT)");
    }
  }
}

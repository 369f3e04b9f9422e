package dev.pushwire.examples;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.ReconnectPolicy;
import dev.pushwire.core.WebSocketClient;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The classic periodic client: connects to ws://127.0.0.1:PORT/, sends a message every 100 ms and
 * prints every message it receives. The sends run on a timer, never in a sleep loop; the client
 * reconnects with backoff if the server goes away.
 *
 * <pre>
 * java -jar examples/target/examples-0.1.0-SNAPSHOT-all.jar IntervalClient [PORT] [--count N]
 * </pre>
 */
public final class IntervalClient {
  static final String USAGE =
      """
      usage: IntervalClient [PORT] [--count N]
        Connects to ws://127.0.0.1:PORT/, sends 'hello N' every 100 ms, prints what arrives.
        PORT       the server's port (default 9876)
        --count N  close after N messages (default: never)""";

  private IntervalClient() {}

  public static void main(String[] args) throws Exception {
    ExampleArgs a = ExampleArgs.parse(USAGE, List.of(), List.of("--count"), args);
    long count;
    try {
      count = Long.parseLong(a.value("--count", Long.toString(Long.MAX_VALUE)));
    } catch (NumberFormatException e) {
      System.err.println(
          "bad --count '" + a.value("--count", "") + "': expected a number\n" + USAGE);
      System.exit(2);
      return;
    }
    URI uri = URI.create("ws://127.0.0.1:" + a.port + "/");
    ClientSettings settings =
        ClientSettings.newBuilder()
            .reconnect(ReconnectPolicy.newBuilder().enabled(true).build())
            .build();
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong sent = new AtomicLong();
    long limit = count;
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "interval-client-timer");
              t.setDaemon(true);
              return t;
            });
    WebSocketClient client = WebSocketClient.create(uri, settings);
    client
        .onMessage((c, m) -> System.out.println(m.isText() ? m.text() : m.data().length + " bytes"))
        .onClose((c, e) -> System.out.println("closed: " + e.code() + " " + e.reason()))
        .onError((c, e) -> System.err.println("error: " + e.getMessage()));
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.out.println("connected to " + uri);
    timer.scheduleAtFixedRate(
        () -> {
          if (!client.isOpen()) {
            return; // reconnecting: skip this beat
          }
          long n = sent.incrementAndGet();
          client.sendText("hello " + n);
          if (n >= limit) {
            client.close(1000, "done").whenComplete((v, e) -> done.countDown());
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
    done.await();
    timer.shutdownNow();
    client.shutdown();
  }
}

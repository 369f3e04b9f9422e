package dev.pushwire.examples;

import dev.pushwire.client.ClientConfig;
import dev.pushwire.client.Position;
import dev.pushwire.client.PushwireClient;
import dev.pushwire.client.Subscription;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A {@code pushwire.v1} reader on the Java SDK: subscribes to a channel of the node at
 * ws://127.0.0.1:PORT/, prints each publication with its offset, and survives restarts of the
 * connection without losing or repeating anything that history holds; when something could not be
 * recovered it says which offsets. On Ctrl-C it prints the position to resume from with {@code
 * --since}.
 *
 * <pre>
 * java -jar examples/target/examples-0.1.0-SNAPSHOT-all.jar ChannelReader [PORT] [--channel NAME] [--since OFFSET:EPOCH]
 * </pre>
 */
public final class ChannelReader {
  private ChannelReader() {}

  public static void main(String[] args) throws Exception {
    ExampleArgs a =
        ExampleArgs.parse(
            "usage: ChannelReader [PORT] [--channel NAME] [--since OFFSET:EPOCH]\n"
                + "  reads a channel through the Java SDK, once and in order across reconnects",
            List.of(),
            List.of("--channel", "--since"),
            args);
    String channel = a.value("--channel", "news");
    String since = a.value("--since", null);

    PushwireClient client =
        PushwireClient.create(URI.create("ws://127.0.0.1:" + a.port + "/"), ClientConfig.DEFAULT);
    client
        .onConnected(e -> System.out.println("(connected to " + e.uri() + ")"))
        .onDisconnected(e -> System.out.println("(closed: " + e.code() + ", reconnecting)"))
        .onLost(
            e ->
                System.out.println(
                    e.hasRange() && !e.epochChanged()
                        ? "(lost offsets "
                            + e.from()
                            + ".."
                            + e.to()
                            + ": reload "
                            + e.channel()
                            + ")"
                        : "(" + e.channel() + " could not be recovered: reload it)"));
    Subscription sub =
        client.subscribe(
            channel,
            since == null ? null : Position.parse(since),
            p -> System.out.println(p.channel() + " #" + p.offset() + ": " + p.text()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("(resume with --since " + sub.position() + ")");
                  client.close();
                  stopped.countDown();
                }));
    client.connect();
    stopped.await();
  }
}

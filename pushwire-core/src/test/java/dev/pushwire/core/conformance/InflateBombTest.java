package dev.pushwire.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.ServerSettings;
import dev.pushwire.core.WebSocketServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The message size limit applies to the inflated size (issue 2, RFC 7692 part): a few KB of deflate
 * data that would inflate to 10 MiB is refused with 1009, without the server inflating it all. The
 * bomb comes from Node's {@code ws}, which compresses 10 MiB of zeros to about 10 KB.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InflateBombTest {
  private static final int LIMIT = 64 * 1024;
  private static final int BOMB = 10 * 1024 * 1024;
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);

  private final AtomicInteger messages = new AtomicInteger();
  private final List<CloseEvent> closes = new CopyOnWriteArrayList<>();
  private WebSocketServer server;
  private String url;

  @BeforeEach
  void startServer() {
    server =
        WebSocketServer.create(
            ServerSettings.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .maxMessageSize(LIMIT)
                .build());
    server.onMessage(
        (srv, msg) -> {
          messages.incrementAndGet();
          srv.push(msg.connectionId(), msg.text());
        });
    server.onClose((srv, event) -> closes.add(event));
    url = "ws://127.0.0.1:" + server.start() + "/";
  }

  @AfterEach
  void stopServer() {
    server.stop(Duration.ofSeconds(2));
  }

  private PeerResult sendZeros(int size, int fragments) {
    return PeerScript.node("inflate_bomb.js")
        .run(SCRIPT_TIMEOUT, url, Integer.toString(size), Integer.toString(fragments));
  }

  @Test
  void smallFrameInflatingTo10MiBIsRefusedWith1009() {
    // Warm up first: the first connection of a JVM loads classes on the I/O thread (a few MB).
    assertThat(sendZeros(1024, 1).number("echoedBytes")).isEqualTo(1024);
    long allocatedBefore = ioThreadAllocatedBytes();

    PeerResult r = sendZeros(BOMB, 1);

    long allocated = ioThreadAllocatedBytes() - allocatedBefore;
    assertThat(r.string("extensions")).as("%s", r).startsWith("permessage-deflate");
    assertThat(r.number("bytesWritten")).as("the bomb on the wire").isLessThan(LIMIT);
    assertThat(r.number("closeCode")).as("%s", r).isEqualTo(1009);
    assertThat(messages).as("messages delivered, the warm-up's included").hasValue(1);
    assertThat(server.stats().bytesIn()).isEqualTo(1024);
    awaitCloses(2);
    assertThat(closes).extracting(CloseEvent::code).containsExactly(1000, 1009);
    // The I/O thread never held anything like the inflated 10 MiB on the heap (accepting the
    // same message under a 16 MiB limit allocates about 11 MB there; refusing it, under 1 MB).
    assertThat(allocated).as("heap bytes allocated by the I/O thread").isLessThan(BOMB / 2);
  }

  @Test
  void compressedFragmentsAddingUpPastTheLimitAreRefusedWith1009() {
    // 320 fragments of 32 KiB: each inflates to less than the limit, together to 10 MiB.
    PeerResult r = sendZeros(BOMB, 320);

    assertThat(r.number("closeCode")).as("%s", r).isEqualTo(1009);
    assertThat(messages).hasValue(0);
    awaitCloses(1);
    assertThat(closes).singleElement().extracting(CloseEvent::code).isEqualTo(1009);
  }

  @Test
  void compressedMessageOfExactlyTheLimitIsAccepted() {
    // The limit is on the inflated size, and a message of exactly maxMessageSize is allowed, as
    // it is uncompressed.
    PeerResult r = sendZeros(LIMIT, 1);

    assertThat(r.number("closeCode")).as("%s", r).isEqualTo(1000);
    assertThat(r.number("echoedBytes")).isEqualTo(LIMIT);
    assertThat(messages).hasValue(1);
  }

  @Test
  void compressedMessageOneByteOverTheLimitIsRefusedWith1009() {
    PeerResult r = sendZeros(LIMIT + 1, 1);

    assertThat(r.number("closeCode")).as("%s", r).isEqualTo(1009);
    assertThat(messages).hasValue(0);
  }

  private void awaitCloses(int n) {
    await("closes").atMost(Duration.ofSeconds(30)).until(() -> closes.size() >= n);
  }

  /** Heap bytes allocated so far by the server's event-loop threads (HotSpot's counter). */
  private static long ioThreadAllocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("pushwire-io")) {
        total += Math.max(0, threads.getThreadAllocatedBytes(t.getId()));
      }
    }
    return total;
  }
}

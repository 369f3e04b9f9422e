package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.pushwire.core.ServerSettingsBuilder;
import dev.pushwire.core.WebSocketServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * What every hostile-input property checks around its tries: an echo server on loopback with
 * Netty's leak detector at PARANOID, a well-behaved client that keeps echoing through the run, and
 * a log appender that records every warning and error. {@link #verify()} then asserts that no
 * exception reached the end of a pipeline, nothing leaked, no connection was closed with 1011, all
 * connections are gone, and the normal client was served the whole time.
 */
final class HostileInputGuard implements AutoCloseable {
  /** Messages that mean an error escaped or a buffer leaked. */
  private static final List<String> ALARMS =
      List.of("LEAK", "reached at the tail", "unexpected error", "listener failed");

  private final LoopbackServers servers = new LoopbackServers();
  private final List<String> alarms = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          String m = e.getFormattedMessage();
          boolean alarm =
              e.getLevel().isGreaterOrEqual(Level.ERROR)
                  || ALARMS.stream().anyMatch(a -> m != null && m.contains(a));
          if (alarm && e.getLevel().isGreaterOrEqual(Level.WARN)) {
            synchronized (alarms) {
              alarms.add(e.getLevel() + " " + e.getLoggerName() + ": " + m);
            }
          }
        }
      };
  private final WebSocketServer server;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger echoed = new AtomicInteger();
  private final List<String> normalClientProblems = new ArrayList<>();
  private final Thread normalClient;

  HostileInputGuard(ServerSettingsBuilder settings) {
    System.setProperty("io.netty.leakDetection.level", "paranoid");
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    appender.start();
    root.addAppender(appender);
    server = servers.startEcho(settings.build());
    normalClient = new Thread(this::serveNormalClient, "normal-client");
    normalClient.setDaemon(true);
    normalClient.start();
  }

  int port() {
    return server.port();
  }

  WebSocketServer server() {
    return server;
  }

  /** Messages the normal client got back so far. */
  int echoed() {
    return echoed.get();
  }

  private void serveNormalClient() {
    try (RawWebSocket c = RawWebSocket.connect(server.port(), Duration.ofSeconds(5))) {
      c.handshake();
      int n = 0;
      while (running.get()) {
        String text = "normal-" + n++;
        c.sendText(text);
        RawWebSocket.Frame f;
        do {
          f = c.readFrame();
        } while (f.opcode() == RawWebSocket.OP_PING || f.opcode() == RawWebSocket.OP_PONG);
        if (f.opcode() != RawWebSocket.OP_TEXT || !f.text().equals(text)) {
          throw new IOException("expected echo of " + text + ", got opcode " + f.opcode());
        }
        echoed.incrementAndGet();
        Thread.sleep(2); // the scenario: a normal client talks at a steady pace, not flat out
      }
      c.sendClose(1000, "");
      c.readClose();
    } catch (IOException | RuntimeException e) {
      synchronized (normalClientProblems) {
        normalClientProblems.add(e.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asserts the properties above; call after the tries, before {@link #close()}. */
  void verify() throws InterruptedException {
    running.set(false);
    normalClient.join(10_000);
    assertThat(normalClientProblems).as("normal client problems").isEmpty();
    assertThat(echoed.get()).as("normal client echoes").isPositive();

    await("every connection closed")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> assertThat(server.stats().connections()).as("connections left open").isZero());
    assertThat(server.stats().protocolCloses()).as("closes by code").doesNotContainKey(1011);

    // PARANOID tracks every buffer; leaks are reported when a later allocation finds a collected
    // buffer that was never released, so collect and allocate a few times.
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      for (int j = 0; j < 100; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.release();
      }
    }
    synchronized (alarms) {
      assertThat(alarms).as("warnings and errors logged during the run").isEmpty();
    }
  }

  @Override
  public void close() {
    running.set(false);
    servers.close();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    appender.stop();
  }
}

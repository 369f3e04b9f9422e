package dev.pushwire.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import dev.pushwire.core.WebSocketClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a client's listeners report, for tests to wait on. */
final class ClientEvents {
  static final long WAIT_SECONDS = 30;

  final AtomicInteger opens = new AtomicInteger();
  final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  final BlockingQueue<CloseEvent> closes = new LinkedBlockingQueue<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  final List<String> threads = new CopyOnWriteArrayList<>();

  static ClientEvents of(WebSocketClient client) {
    ClientEvents events = new ClientEvents();
    client
        .onOpen(
            c -> {
              events.threads.add(Thread.currentThread().getName());
              events.opens.incrementAndGet();
            })
        .onMessage((c, m) -> events.messages.add(m))
        .onClose((c, e) -> events.closes.add(e))
        .onError((c, e) -> events.errors.add(e));
    return events;
  }

  Message nextMessage() throws InterruptedException {
    Message m = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(m).as("a message within %d s", WAIT_SECONDS).isNotNull();
    return m;
  }

  CloseEvent nextClose() throws InterruptedException {
    CloseEvent e = closes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).as("a close event within %d s", WAIT_SECONDS).isNotNull();
    return e;
  }

  /** Waits until {@link #opens} reaches {@code count}. */
  void awaitOpens(int count) {
    await("opens").atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> opens.get() >= count);
    assertThat(opens.get()).as("opens").isEqualTo(count);
  }

  /** Waits until {@link #errors} holds {@code count} errors. */
  void awaitErrors(int count) {
    await("errors").atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> errors.size() >= count);
    assertThat(errors).as("errors").hasSize(count);
  }
}

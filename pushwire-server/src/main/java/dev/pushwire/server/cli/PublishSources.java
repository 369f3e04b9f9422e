package dev.pushwire.server.cli;

import dev.pushwire.server.internal.ClientOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code pushwire publish} publishes, and when: one text a number of times, on a timer if
 * there is an interval, or each line of standard input. Each returns the command's exit status.
 */
final class PublishSources {
  private PublishSources() {}

  /** Publishes {@code data} {@code times} times, every {@code interval} if there is one. */
  static int repeat(
      Publisher publisher, String data, long times, Duration interval, PublishConsole console)
      throws InterruptedException {
    if (interval == null && times == 1) {
      return finish(publisher.publish(data), console);
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
      return finish(done, console);
    } finally {
      timer.shutdownNow();
    }
  }

  /**
   * Publishes each line of {@code stdin}, one after the other; with {@code json}, blank lines are
   * skipped.
   */
  static int lines(Publisher publisher, InputStream stdin, boolean json, PublishConsole console)
      throws InterruptedException {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (json && line.isBlank()) {
          continue;
        }
        int code = finish(publisher.publish(line), console);
        if (code != PushwireCommand.EXIT_OK) {
          return code;
        }
      }
      return PushwireCommand.EXIT_OK;
    } catch (IOException e) {
      console.error("cannot read standard input: " + e.getMessage());
      return PushwireCommand.EXIT_FAILURE;
    }
  }

  private static int finish(CompletionStage<?> stage, PublishConsole console)
      throws InterruptedException {
    try {
      stage.toCompletableFuture().get();
      return PushwireCommand.EXIT_OK;
    } catch (ExecutionException e) {
      console.error(ClientOptions.rootMessage(e));
      return PushwireCommand.EXIT_FAILURE;
    }
  }
}

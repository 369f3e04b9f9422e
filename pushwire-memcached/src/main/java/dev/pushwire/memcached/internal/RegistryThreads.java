package dev.pushwire.memcached.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the registry runs on, all from one scheduled pool: one writer (only this node writes
 * its keys, and never two writes at once, which is why they need no CAS), two readers, and the
 * delayed refreshes after a reconnect. As with Lettuce's {@code ClientResources}, a pool that was
 * passed in belongs to the caller and is left running by {@link #close}; the pool made when none
 * was passed is shut down by it.
 */
public final class RegistryThreads {
  private static final int READERS = 2;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ScheduledExecutorService pool;
  private final boolean owned;
  private final RegistryHealth health;
  private final BoundedExecutor writer;
  private final BoundedExecutor readers;
  private volatile boolean closed;

  private RegistryThreads(ScheduledExecutorService pool, boolean owned, RegistryHealth health) {
    this.pool = pool;
    this.owned = owned;
    this.health = health;
    this.writer = new BoundedExecutor(pool, 1);
    this.readers = new BoundedExecutor(pool, READERS);
  }

  /** Threads of a pool made here, one per writer and reader, shut down by {@link #close}. */
  public static RegistryThreads owned(RegistryHealth health) {
    String name = "pushwire-memcached-" + INSTANCES.incrementAndGet();
    ScheduledExecutorService pool =
        Executors.newScheduledThreadPool(
            1 + READERS,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    return new RegistryThreads(pool, true, health);
  }

  /** Threads of the caller's {@code pool}, which {@link #close} leaves running. */
  public static RegistryThreads shared(ScheduledExecutorService pool, RegistryHealth health) {
    return new RegistryThreads(pool, false, health);
  }

  /** A blocking Memcached task. */
  @FunctionalInterface
  public interface Task<T> {
    T run() throws Exception;
  }

  /** Runs {@code task} after the writes submitted before it; it fails as {@code what} failed. */
  public <T> CompletableFuture<T> onWriter(String what, Task<T> task) {
    return submit(writer, what, task);
  }

  /** Runs {@code task} on a reader; it fails as {@code what} failed. */
  public <T> CompletableFuture<T> onReader(String what, Task<T> task) {
    return submit(readers, what, task);
  }

  /**
   * Runs {@code write} on the writer, which reports its own failures.
   *
   * @throws RejectedExecutionException once closed
   */
  public void write(Runnable write) {
    writer.execute(write);
  }

  /** Runs {@code task} after {@code delay}, unless the pool no longer takes tasks. */
  public void later(Duration delay, Runnable task) {
    try {
      pool.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The pool's owner shut it down: a registry closing, or closed with it, needs no more.
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Rejects new tasks, lets the submitted writes finish for at most {@code drain}, drops what is
   * still waiting, and shuts the pool down if it was made here.
   */
  public void close(Duration drain) {
    closed = true;
    writer.shutdown();
    readers.shutdown();
    try {
      writer.awaitIdle(drain.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.shutdownNow();
    readers.shutdownNow();
    if (owned) {
      pool.shutdownNow();
    }
  }

  private <T> CompletableFuture<T> submit(BoundedExecutor executor, String what, Task<T> task) {
    if (closed) {
      return CompletableFuture.failedFuture(RegistryHealth.closed());
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(task.run());
            } catch (Exception e) {
              result.completeExceptionally(health.failure(e, what));
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(RegistryHealth.closed());
    }
    return result;
  }
}

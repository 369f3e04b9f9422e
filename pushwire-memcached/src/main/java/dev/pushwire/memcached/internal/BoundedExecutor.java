package dev.pushwire.memcached.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs at most {@code limit} of its tasks at once on a pool that others may share, the rest in
 * order after them. One pool can so carry the registry's single writer and its readers, and reads
 * never take every thread away from writes.
 */
final class BoundedExecutor implements Executor {
  private final Executor pool;
  private final int limit;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private int running;
  private boolean shutdown;

  BoundedExecutor(Executor pool, int limit) {
    this.pool = pool;
    this.limit = limit;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (shutdown) {
        throw new RejectedExecutionException("shut down");
      }
      if (running >= limit) {
        queue.add(task);
        return;
      }
      running++;
    }
    start(task);
  }

  private void start(Runnable task) {
    try {
      pool.execute(() -> runFrom(task));
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running--;
        notifyAll();
      }
      throw e;
    }
  }

  // A runner drains the queue on its thread, so a queued task does not wait for the pool again.
  private void runFrom(Runnable first) {
    Runnable task = first;
    while (task != null) {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // Hand the queue to a fresh runner, so one failed task does not strand those after it.
        Runnable rest = next();
        if (rest != null) {
          try {
            start(rest);
          } catch (RejectedExecutionException r) {
            e.addSuppressed(r);
          }
        }
        throw e;
      }
      task = next();
    }
  }

  /** The next queued task, or {@code null} after counting this runner as done. */
  private synchronized Runnable next() {
    Runnable task = queue.poll();
    if (task == null) {
      running--;
      notifyAll();
    }
    return task;
  }

  /** Rejects new tasks; queued ones still run. */
  synchronized void shutdown() {
    shutdown = true;
  }

  /** Rejects new tasks and drops the queued ones; running ones finish. */
  synchronized void shutdownNow() {
    shutdown = true;
    queue.clear();
  }

  /** Waits until no task runs or waits, for at most {@code timeoutMillis}; returns whether so. */
  synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (running > 0 || !queue.isEmpty()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}

package dev.pushwire.core.testing;

import java.util.concurrent.Executor;

/**
 * Runs each task on a new daemon thread of its own. For a test's background task that waits or
 * loops: on 2 cores the common fork-join pool has a single thread, so a task queued there can wait
 * behind one that an earlier test left running, and time out for no reason of its own.
 */
public final class OwnThread implements Executor {
  private final String name;

  private OwnThread(String name) {
    this.name = name;
  }

  /** An executor whose threads are called {@code name}. */
  public static Executor named(String name) {
    return new OwnThread(name);
  }

  @Override
  public void execute(Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }
}

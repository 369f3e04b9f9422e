package dev.pushwire.client.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one event loop of a client, in a group the client owns, and its end. All the client's state
 * lives on this loop, so it needs no locks: work from other threads hops onto it.
 */
final class ClientLoop {
  // Logged under the client's name, where users look for (and configure) its messages.
  private static final Logger log = LoggerFactory.getLogger(PushwireClientImpl.class);
  private static final long GROUP_SHUTDOWN_SECONDS = 5;

  private final EventLoopGroup group;
  private final EventLoop loop;
  private final AtomicBoolean closing = new AtomicBoolean();

  ClientLoop() {
    // One daemon thread: a client holds one connection, and, like the JDK's HttpClient, an idle
    // client does not keep the JVM alive.
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("pushwire-client", true), NioIoHandler.newFactory());
    this.loop = group.next();
  }

  /** The group the client's connections run in. */
  EventLoopGroup group() {
    return group;
  }

  /**
   * Runs {@code task} on the loop: at once when called there. When the loop is gone, fails {@code
   * onRejected} (if not {@code null}) as a closed client.
   */
  void execute(CompletableFuture<?> onRejected, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      if (onRejected != null) {
        onRejected.completeExceptionally(ClientErrors.closed());
      }
    }
  }

  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration every) {
    long nanos = every.toNanos();
    return loop.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Marks the client closing; {@code false} if it was already. */
  boolean startClosing() {
    return closing.compareAndSet(false, true);
  }

  boolean closing() {
    return closing.get();
  }

  /**
   * Waits up to {@code wait} for {@code closed} (not when called on the loop, which would wait for
   * itself), then shuts the group down.
   */
  void shutdownAfter(CompletableFuture<Void> closed, Duration wait) {
    boolean onLoop = loop.inEventLoop();
    if (!onLoop) {
      try {
        closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Shutting the group down below drops whatever is still open.
        log.debug("pushwire client did not close cleanly", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Future<?> terminated = group.shutdownGracefully(0, GROUP_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    if (!onLoop) {
      terminated.awaitUninterruptibly(GROUP_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    }
  }
}

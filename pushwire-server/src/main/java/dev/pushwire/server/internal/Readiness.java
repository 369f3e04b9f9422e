package dev.pushwire.server.internal;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether a node should be sent new clients, for {@code GET /readyz} and the {@code pushwire_ready}
 * gauge: only while it is {@link State#SERVING} and no backend reports a problem. Draining turns it
 * false at once and for good.
 */
public final class Readiness {

  /** Where a node is in its life. */
  public enum State {
    /** Created, not listening yet. */
    STARTING,
    /** Listening and serving. */
    SERVING,
    /** Stopping gracefully: closing its clients with 1001, then leaving the registry. */
    DRAINING,
    /** Stopped. */
    STOPPED
  }

  /**
   * The answer to "is this node ready?".
   *
   * @param ready whether it should get new clients
   * @param status {@code starting}, {@code ready}, {@code unavailable}, {@code draining} or {@code
   *     stopped}
   * @param reason why not, or {@code null} when ready
   */
  public record Verdict(boolean ready, String status, String reason) {}

  private final Supplier<List<String>> backendProblems;
  private volatile State state = State.STARTING;
  private volatile long drainingSinceNanos;

  /** Readiness that also asks {@code backendProblems} (one line per unavailable backend). */
  public Readiness(Supplier<List<String>> backendProblems) {
    this.backendProblems = Objects.requireNonNull(backendProblems, "backendProblems");
  }

  /** The node listens. Does nothing once draining has begun. */
  public synchronized void serving() {
    if (state == State.STARTING) {
      state = State.SERVING;
    }
  }

  /**
   * The node starts draining; readiness is false from now on.
   *
   * @return whether this call began the drain (false if it had begun before)
   */
  public synchronized boolean draining() {
    if (state == State.DRAINING || state == State.STOPPED) {
      return false;
    }
    state = State.DRAINING;
    drainingSinceNanos = System.nanoTime();
    return true;
  }

  /** When draining began ({@link System#nanoTime()}); meaningful once {@link #draining()} ran. */
  public long drainingSinceNanos() {
    return drainingSinceNanos;
  }

  /** The node has stopped. */
  public synchronized void stopped() {
    state = State.STOPPED;
  }

  /** Where the node is. */
  public State state() {
    return state;
  }

  /** Whether the node should get new clients, and why not. */
  public Verdict check() {
    switch (state) {
      case STARTING:
        return new Verdict(false, "starting", "the node is starting");
      case DRAINING:
        return new Verdict(
            false, "draining", "the node is shutting down: it closes its clients with 1001");
      case STOPPED:
        return new Verdict(false, "stopped", "the node has stopped");
      default:
        List<String> problems = backendProblems.get();
        return problems.isEmpty()
            ? new Verdict(true, "ready", null)
            : new Verdict(false, "unavailable", String.join("; ", problems));
    }
  }
}

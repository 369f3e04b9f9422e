package dev.pushwire.client;

import java.time.Duration;

/**
 * The client waits before its next connection attempt.
 *
 * @param attempt the attempt that follows, counted from 1 since the last open connection
 * @param delay how long it waits, drawn from the {@link ClientConfig#reconnect()} policy
 * @param cause why the previous attempt failed, or {@code null} when an open connection closed
 *     (reported by {@link PushwireClient#onDisconnected})
 */
public record ReconnectingEvent(int attempt, Duration delay, Throwable cause) {}

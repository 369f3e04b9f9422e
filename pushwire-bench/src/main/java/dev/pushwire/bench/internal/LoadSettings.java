package dev.pushwire.bench.internal;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;

/**
 * Where and how to open a run's connections: the server, extra upgrade headers, how many, how many
 * handshakes in flight at once, how long the whole opening may take, and the server's process id (0
 * when not given).
 */
public record LoadSettings(
    Target target,
    HttpHeaders headers,
    int connections,
    int concurrency,
    Duration openTimeout,
    long serverPid) {}

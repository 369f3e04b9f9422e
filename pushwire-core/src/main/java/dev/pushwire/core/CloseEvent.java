package dev.pushwire.core;

/**
 * A connection has closed.
 *
 * @param connectionId the connection that closed
 * @param code the close code received from or sent to the peer; {@link CloseCodes#ABNORMAL} (1006)
 *     when the TCP connection ended without a close frame, {@link CloseCodes#NO_STATUS} (1005) when
 *     the close frame carried no code
 * @param reason the close reason, or an empty string
 * @param byServer true when the server started the close (disconnect, limits, shutdown)
 */
public record CloseEvent(long connectionId, int code, String reason, boolean byServer) {}

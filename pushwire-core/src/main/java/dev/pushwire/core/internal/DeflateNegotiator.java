package dev.pushwire.core.internal;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Negotiates permessage-deflate (RFC 7692) for one connection on top of Netty's handshaker: it
 * declines malformed offers instead of failing the handshake, answers with {@code
 * server_no_context_takeover} unless context takeover is configured (RFC 7692 section 7.1.1.1
 * allows that even when the client did not ask), and remembers what was agreed so that the
 * connection knows whether it can share broadcast frames compressed once.
 */
final class DeflateNegotiator implements WebSocketServerExtensionHandshaker {
  private static final String NAME = "permessage-deflate";
  private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
  private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
  private static final String SERVER_MAX_WINDOW = "server_max_window_bits";
  private static final String CLIENT_MAX_WINDOW = "client_max_window_bits";

  private final boolean contextTakeover;
  private final PerMessageDeflateServerExtensionHandshaker delegate;

  private boolean negotiated;
  private boolean serverNoContext;
  private boolean clientNoContext;
  private int serverWindowBits = 15;

  DeflateNegotiator(int level, boolean contextTakeover, int minSize, int maxAllocation) {
    this.contextTakeover = contextTakeover;
    WebSocketExtensionFilter skipSmall = frame -> isSmallMessage(frame, minSize);
    WebSocketExtensionFilterProvider filters =
        new WebSocketExtensionFilterProvider() {
          @Override
          public WebSocketExtensionFilter encoderFilter() {
            return skipSmall;
          }

          @Override
          public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
          }
        };
    this.delegate =
        new PerMessageDeflateServerExtensionHandshaker(
            level, true, 15, true, false, filters, maxAllocation);
  }

  private static boolean isSmallMessage(WebSocketFrame frame, int minSize) {
    return frame.isFinalFragment() && frame.content().readableBytes() < minSize;
  }

  @Override
  public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
    if (!NAME.equals(offer.name()) || negotiated) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> p : offer.parameters().entrySet()) {
      String key = p.getKey().toLowerCase(Locale.ROOT);
      String value = p.getValue();
      if (params.containsKey(key)) {
        return null; // RFC 7692 7.1: a parameter given twice makes the offer invalid
      }
      switch (key) {
        case SERVER_NO_CONTEXT:
        case CLIENT_NO_CONTEXT:
          if (value != null) {
            return null;
          }
          break;
        case SERVER_MAX_WINDOW:
          if (!isWindowBits(value)) {
            return null;
          }
          break;
        case CLIENT_MAX_WINDOW:
          if (value != null && !isWindowBits(value)) {
            return null;
          }
          break;
        default:
          return null; // unknown parameter: decline this offer
      }
      params.put(key, value);
    }
    if (!contextTakeover) {
      params.put(SERVER_NO_CONTEXT, null);
    }
    WebSocketServerExtension ext =
        delegate.handshakeExtension(new WebSocketExtensionData(NAME, params));
    if (ext != null) {
      negotiated = true;
      Map<String, String> response = ext.newReponseData().parameters();
      serverNoContext = response.containsKey(SERVER_NO_CONTEXT);
      clientNoContext = response.containsKey(CLIENT_NO_CONTEXT);
      String bits = response.get(SERVER_MAX_WINDOW);
      serverWindowBits = bits == null ? 15 : Integer.parseInt(bits);
    }
    return ext;
  }

  private static boolean isWindowBits(String value) {
    if (value == null || value.length() > 2 || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (!Character.isDigit(value.charAt(i))) {
        return false;
      }
    }
    int bits = Integer.parseInt(value);
    return bits >= 8 && bits <= 15;
  }

  /** Whether the client resets its compression context after each message. */
  boolean clientNoContext() {
    return clientNoContext;
  }

  /** How the connection compresses, once the handshake is done. */
  Connection.Deflate outcome() {
    if (!negotiated) {
      return Connection.Deflate.NONE;
    }
    return serverNoContext && serverWindowBits == 15
        ? Connection.Deflate.SHARED
        : Connection.Deflate.OWN;
  }
}

package dev.pushwire.core.internal;

import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
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
  private String responseText = "";

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
            level, false, 15, true, false, filters, maxAllocation);
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
    boolean confirmServerWindow = false;
    for (Map.Entry<String, String> p : offer.parameters().entrySet()) {
      String key = p.getKey().toLowerCase(Locale.ROOT);
      String value = p.getValue();
      switch (key) {
        case SERVER_NO_CONTEXT:
        case CLIENT_NO_CONTEXT:
          if (value != null) {
            return null;
          }
          params.put(key, null);
          break;
        case SERVER_MAX_WINDOW:
          // Only the full 32 KiB window is supported for sending (the JDK deflater has no window
          // size and broadcasts share one compressed frame): decline smaller ones, as RFC 7692
          // 7.1.2.1 allows, and confirm 15 by echoing it.
          if (!isWindowBits(value) || Integer.parseInt(value) != 15) {
            return null;
          }
          confirmServerWindow = true;
          break;
        case CLIENT_MAX_WINDOW:
          if (value != null && !isWindowBits(value)) {
            return null;
          }
          params.put(key, value);
          break;
        default:
          return null; // unknown parameter: decline this offer
      }
    }
    if (!contextTakeover) {
      params.put(SERVER_NO_CONTEXT, null);
    }
    WebSocketServerExtension ext =
        delegate.handshakeExtension(new WebSocketExtensionData(NAME, params));
    if (ext == null) {
      return null;
    }
    negotiated = true;
    Map<String, String> response = new LinkedHashMap<>(ext.newReponseData().parameters());
    if (confirmServerWindow) {
      response.put(SERVER_MAX_WINDOW, "15");
    }
    serverNoContext = response.containsKey(SERVER_NO_CONTEXT);
    clientNoContext = response.containsKey(CLIENT_NO_CONTEXT);
    WebSocketExtensionData responseData = new WebSocketExtensionData(NAME, response);
    StringBuilder text = new StringBuilder(NAME);
    response.forEach(
        (k, v) -> {
          text.append("; ").append(k);
          if (v != null) {
            text.append('=').append(v);
          }
        });
    responseText = text.toString();
    return new WebSocketServerExtension() {
      @Override
      public int rsv() {
        return ext.rsv();
      }

      @Override
      public WebSocketExtensionEncoder newExtensionEncoder() {
        return ext.newExtensionEncoder();
      }

      @Override
      public WebSocketExtensionDecoder newExtensionDecoder() {
        return ext.newExtensionDecoder();
      }

      @Override
      public WebSocketExtensionData newReponseData() {
        return responseData;
      }
    };
  }

  /**
   * Removes from a {@code Sec-WebSocket-Extensions} header the permessage-deflate offers that name
   * a parameter twice (RFC 7692 section 7: such an offer must be declined). Netty's parser keeps
   * only the last copy of a parameter, so this has to look at the raw header. Returns the header to
   * use, or {@code null} when no offer is left.
   */
  static String withoutInvalidOffers(String header) {
    StringBuilder kept = new StringBuilder();
    for (String offer : header.split(",")) {
      String[] parts = offer.split(";");
      if (parts[0].trim().equalsIgnoreCase(NAME)) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        boolean duplicate = false;
        for (int i = 1; i < parts.length; i++) {
          String key = parts[i].split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
          duplicate |= !seen.add(key);
        }
        if (duplicate) {
          continue;
        }
      }
      if (kept.length() > 0) {
        kept.append(", ");
      }
      kept.append(offer.trim());
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /** The negotiated extension as sent in the response header, or an empty string. */
  String responseText() {
    return responseText;
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
    return serverNoContext ? Connection.Deflate.SHARED : Connection.Deflate.OWN;
  }
}

package dev.pushwire.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeflateNegotiatorTest {

  private static WebSocketExtensionData offer(String... kv) {
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      params.put(kv[i], kv[i + 1]);
    }
    return new WebSocketExtensionData("permessage-deflate", params);
  }

  private static DeflateNegotiator negotiator(boolean contextTakeover) {
    return new DeflateNegotiator(6, contextTakeover, 256, 65536);
  }

  @Test
  void plainOfferIsAnsweredWithServerNoContextTakeover() {
    DeflateNegotiator n = negotiator(false);
    WebSocketServerExtension ext = n.handshakeExtension(offer());
    assertThat(ext).isNotNull();
    assertThat(ext.newReponseData().parameters()).containsKey("server_no_context_takeover");
    assertThat(n.outcome()).isEqualTo(Connection.Deflate.SHARED);
  }

  @Test
  void contextTakeoverConfiguredKeepsTheContextAndCompressesPerConnection() {
    DeflateNegotiator n = negotiator(true);
    WebSocketServerExtension ext = n.handshakeExtension(offer());
    assertThat(ext.newReponseData().parameters()).doesNotContainKey("server_no_context_takeover");
    assertThat(n.outcome()).isEqualTo(Connection.Deflate.OWN);
  }

  @Test
  void smallerServerWindowIsDeclinedAndFifteenIsConfirmed() {
    assertThat(negotiator(false).handshakeExtension(offer("server_max_window_bits", "10")))
        .isNull();
    DeflateNegotiator n = negotiator(false);
    WebSocketServerExtension ext = n.handshakeExtension(offer("server_max_window_bits", "15"));
    assertThat(ext.newReponseData().parameters()).containsEntry("server_max_window_bits", "15");
    assertThat(n.responseText()).contains("server_max_window_bits=15");
    assertThat(n.outcome()).isEqualTo(Connection.Deflate.SHARED);
  }

  @Test
  void offersNamingAParameterTwiceAreDropped() {
    assertThat(
            DeflateNegotiator.withoutInvalidOffers(
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover"))
        .isNull();
    assertThat(
            DeflateNegotiator.withoutInvalidOffers(
                "permessage-deflate; client_max_window_bits=10; client_max_window_bits=11,"
                    + " permessage-deflate"))
        .isEqualTo("permessage-deflate");
    assertThat(DeflateNegotiator.withoutInvalidOffers("permessage-deflate; client_max_window_bits"))
        .isEqualTo("permessage-deflate; client_max_window_bits");
  }

  @Test
  void clientMaxWindowBitsWithoutValueIsAccepted() {
    DeflateNegotiator n = negotiator(false);
    assertThat(n.handshakeExtension(offer("client_max_window_bits", null))).isNotNull();
  }

  @Test
  void malformedOffersAreDeclinedNotFailed() {
    assertThat(negotiator(false).handshakeExtension(offer("server_max_window_bits", "99")))
        .isNull();
    assertThat(negotiator(false).handshakeExtension(offer("server_max_window_bits", null)))
        .isNull();
    assertThat(negotiator(false).handshakeExtension(offer("client_max_window_bits", "x"))).isNull();
    assertThat(negotiator(false).handshakeExtension(offer("server_no_context_takeover", "1")))
        .isNull();
    assertThat(negotiator(false).handshakeExtension(offer("unknown", null))).isNull();
    DeflateNegotiator n = negotiator(false);
    n.handshakeExtension(offer("server_max_window_bits", "99"));
    assertThat(n.outcome()).isEqualTo(Connection.Deflate.NONE);
  }

  @Test
  void otherExtensionsAreIgnored() {
    assertThat(
            negotiator(false)
                .handshakeExtension(new WebSocketExtensionData("x-webkit-deflate-frame", Map.of())))
        .isNull();
  }

  @Test
  void onlyTheFirstAcceptableOfferIsTaken() {
    DeflateNegotiator n = negotiator(false);
    assertThat(n.handshakeExtension(offer())).isNotNull();
    assertThat(n.handshakeExtension(offer())).isNull();
  }
}

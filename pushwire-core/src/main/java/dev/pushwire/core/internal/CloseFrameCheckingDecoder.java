package dev.pushwire.core.internal;

import dev.pushwire.core.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Netty's RFC 6455 frame decoder with a stricter close-frame check. Netty accepts close codes such
 * as 5000 or 65535 and, when it refuses a close frame, closes the TCP connection without a close
 * frame of its own; here an invalid code is answered with close 1002 and an invalid UTF-8 reason
 * with 1007, as RFC 6455 section 7.4 and the Autobahn suite expect.
 */
final class CloseFrameCheckingDecoder extends WebSocket13FrameDecoder {
  CloseFrameCheckingDecoder(WebSocketDecoderConfig config) {
    super(config);
  }

  @Override
  protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
    if (body == null || !body.isReadable()) {
      return;
    }
    int code = body.getUnsignedShort(body.readerIndex());
    if (!CloseCodes.isValidOnWire(code)) {
      throw new ProtocolViolationException(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
    }
    if (body.readableBytes() > 2) {
      ByteBuffer reason = body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2);
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(reason);
      } catch (CharacterCodingException e) {
        throw new ProtocolViolationException(
            CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
      }
    }
  }
}

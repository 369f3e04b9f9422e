package dev.pushwire.core.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpContentException;

/**
 * Joins a request's parts into one {@link FullHttpRequest} of at most {@code maxContentLength} body
 * bytes, like {@link HttpObjectAggregator}, but does not answer a request whose body is larger
 * itself (Netty's answer is a 413 without a body, uncounted): it passes the request's head on with
 * an empty body and a {@link TooLongHttpContentException} as its decoder result, so that {@link
 * HttpRouter} answers it, whichever way the body was announced (a {@code Content-Length}, {@code
 * Expect: 100-continue}, or chunks that add up to too much). The rest of that body is discarded.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

  BodyLimitAggregator(int maxContentLength) {
    super(maxContentLength);
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    if (HttpUtil.is100ContinueExpected(start)
        && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      // No "417/413 instead of 100 Continue" from Netty: handleOversizedMessage answers it.
      return null;
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (!(oversized instanceof HttpRequest head)) {
      ctx.fireExceptionCaught(new TooLongHttpContentException("response body too large"));
      return;
    }
    long announced = HttpUtil.getContentLength(head, -1L);
    FullHttpRequest refused =
        new DefaultFullHttpRequest(
            head.protocolVersion(),
            head.method(),
            head.uri(),
            Unpooled.EMPTY_BUFFER,
            head.headers().copy(),
            EmptyHttpHeaders.INSTANCE);
    refused.setDecoderResult(
        DecoderResult.failure(
            new TooLongHttpContentException(
                (announced >= 0
                        ? "body is " + announced + " bytes"
                        : "body is over " + maxContentLength() + " bytes")
                    + "; at most "
                    + maxContentLength()
                    + " allowed")));
    ctx.fireChannelRead(refused);
  }
}

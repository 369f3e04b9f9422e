package dev.pushwire.core.internal.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Remembers the {@code Sec-WebSocket-Extensions} header of the server's upgrade response, or, when
 * the server refused the upgrade, its status and the start of its body; passes the response on to
 * the handshake handlers and leaves the pipeline. Netty's handshaker keeps neither: the extension
 * handler consumes the header without telling what it agreed to, and a refusal becomes "Invalid
 * handshake response getStatus: 400 Bad Request" without the server's reason.
 */
final class UpgradeResponseRecorder extends ChannelInboundHandlerAdapter {
  /** How much of a refusal's body is kept: a reason, not a page. */
  private static final int MAX_REASON = 300;

  private String extensions = "";
  private String refusal;

  /**
   * The server's refusal, such as {@code HTTP 400 Bad Request: bad_channel: ...}, or {@code null}
   * when it accepted the upgrade (or has not answered).
   */
  String refusal() {
    return refusal;
  }

  /** The negotiated extensions, or an empty string; valid once the handshake is complete. */
  String extensions() {
    return extensions;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpResponse)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpResponse response = (HttpResponse) msg;
    String value = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
    if (value != null) {
      extensions = value;
    }
    if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
      refusal = "HTTP " + response.status() + reason(response);
    }
    ctx.fireChannelRead(msg);
    ctx.pipeline().remove(this);
  }

  /** ": " and the body's first line when it is text, else nothing. */
  private static String reason(HttpResponse response) {
    if (!(response instanceof FullHttpResponse full) || !full.content().isReadable()) {
      return "";
    }
    String body =
        full.content()
            .toString(
                full.content().readerIndex(),
                Math.min(full.content().readableBytes(), MAX_REASON * 4),
                StandardCharsets.UTF_8)
            .strip();
    int newline = body.indexOf('\n');
    String line = (newline < 0 ? body : body.substring(0, newline)).strip();
    if (line.isEmpty() || line.startsWith("<")) {
      return ""; // nothing, or an HTML page: the status says enough
    }
    return ": " + (line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line);
  }
}

package dev.pushwire.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an admitted upgrade request into a WebSocket connection and owns the pipeline change, as
 * Netty's {@code WebSocketServerProtocolHandshakeHandler} does. It takes the {@link Upgrade} that
 * the {@link HttpRouter} passes on, answers 101 through Netty's handshaker (which puts the frame
 * decoder and encoder in place of the HTTP codec), and then rewires the pipeline: the HTTP-phase
 * handlers and this one leave, the {@link MessageInflater} replaces Netty's deflate decoder when
 * deflate was negotiated, and a {@link WebSocketConnectionHandler} comes last. It fires {@link
 * ServerEvents#opened}. What the client sent right after its upgrade request reaches this handler
 * before the connection handler exists; it is kept, and read again once the pipeline is rewired.
 */
final class WebSocketUpgradeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgradeHandler.class);

  /**
   * An admitted upgrade request, with the subprotocol chosen for it (null for none). It holds a
   * slot of the {@link ConnectionTable}; the receiver releases the request.
   */
  record Upgrade(FullHttpRequest request, String subprotocol) {}

  private final PipelineResources resources;

  /** The connection's deflate negotiation; null when compression is off. */
  private final DeflateNegotiator deflate;

  /** What arrived after the upgrade request, in order; null until something does. */
  private List<Object> early;

  WebSocketUpgradeHandler(PipelineResources resources, DeflateNegotiator deflate) {
    this.resources = resources;
    this.deflate = deflate;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Upgrade upgrade) {
      try {
        handshake(ctx, upgrade.request(), upgrade.subprotocol());
      } finally {
        upgrade.request().release();
      }
      return;
    }
    // The HTTP decoder hands on the bytes it read past the upgrade request when the handshake
    // removes it, and the frame decoder's first frames pass through the HTTP-phase handlers.
    if (early == null) {
      early = new ArrayList<>(2);
    }
    early.add(msg);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
  }

  private void handshake(ChannelHandlerContext ctx, FullHttpRequest req, String subprotocol) {
    Channel ch = ctx.channel();
    String scheme = resources.settings().tls() ? "wss://" : "ws://";
    String host = req.headers().get("Host", "localhost");
    WebSocketServerHandshaker13 handshaker =
        new WebSocketServerHandshaker13(
            scheme + host + req.uri(), subprotocol, resources.decoderConfig()) {
          @Override
          protected WebSocketFrameDecoder newWebsocketDecoder() {
            return new CloseFrameCheckingDecoder(decoderConfig());
          }
        };
    String uri = req.uri();
    String headers = HttpMaps.pack(req.headers());
    LoopShard shard = resources.connections().shardOf(ch.eventLoop());
    shard.upgradeStarted();
    ChannelFuture written;
    try {
      // The handshaker retains nothing of req, which is released when this returns.
      written = handshaker.handshake(ch, req);
    } catch (RuntimeException e) {
      shard.upgradeFailed();
      throw e;
    }
    written.addListener(
        (ChannelFutureListener)
            f -> {
              if (!f.isSuccess()) {
                log.debug("handshake with {} failed: {}", ch.remoteAddress(), f.cause().toString());
                shard.upgradeFailed();
                // The connection never opened, so its close will not free the slot.
                resources.connections().releaseSlot();
                ch.close();
                return;
              }
              open(ctx, uri, headers, handshaker.selectedSubprotocol());
            });
  }

  private void open(ChannelHandlerContext ctx, String uri, String headers, String subprotocol) {
    Channel ch = ctx.channel();
    Connection.Deflate mode = deflate == null ? Connection.Deflate.NONE : deflate.outcome();
    String extensions = mode == Connection.Deflate.NONE ? "" : deflate.responseText();
    ConnectionTable table = resources.connections();
    Connection conn =
        new Connection(
            table.nextId(),
            ch,
            table.shardOf(ch.eventLoop()),
            mode,
            uri,
            headers,
            subprotocol,
            extensions);
    ChannelPipeline p = ch.pipeline();
    if (p.get(HttpRouter.class) != null) {
      p.remove(HttpRouter.class);
    }
    if (p.get(ExtensionOfferFilter.class) != null) {
      p.remove(ExtensionOfferFilter.class);
    }
    ChannelHandlerContext inflate = p.context(WebSocketExtensionDecoder.class);
    if (inflate != null) {
      p.replace(
          inflate.name(),
          "inflate",
          new MessageInflater(resources.settings().maxMessageSize(), deflate.clientNoContext()));
    }
    p.addLast("connection", new WebSocketConnectionHandler(resources, conn, inflate == null));
    List<Object> input = early == null ? List.of() : early;
    early = null;
    p.remove(this);
    log.debug("connection {} opened from {} to {}", conn.id, ch.remoteAddress(), uri);
    resources.events().opened(conn);
    replay(p, input);
  }

  /**
   * Hands the input that came with the upgrade request to the WebSocket decoder, as if it had just
   * been read: bytes enter the pipeline just before the frame decoder (after TLS, which already
   * decrypted them), frames just after it.
   */
  private static void replay(ChannelPipeline p, List<Object> input) {
    for (Object msg : input) {
      if (!p.channel().isActive()) {
        ReferenceCountUtil.release(msg);
        continue;
      }
      if (msg instanceof ByteBuf) {
        ChannelHandlerContext tls = p.context("tls");
        if (tls != null) {
          tls.fireChannelRead(msg);
        } else {
          p.fireChannelRead(msg);
        }
      } else {
        p.context("wsdecoder").fireChannelRead(msg);
      }
    }
    if (!input.isEmpty() && p.channel().isActive()) {
      p.fireChannelReadComplete();
    }
  }
}

package dev.pushwire.core.internal;

import dev.pushwire.core.ServerSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The server's bootstrap and the pipeline of each accepted connection while it speaks HTTP: TLS
 * when configured, the HTTP codec, the {@link BodyLimitAggregator}, the permessage-deflate
 * negotiation when compression is on, the {@link HttpRouter} and the {@link
 * WebSocketUpgradeHandler}, which rewires the pipeline for WebSocket after the handshake.
 */
final class ServerChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final PipelineResources resources;
  private final SslContext sslContext;
  private final ChannelGroup httpChannels;

  /**
   * @param sslContext null without TLS
   * @param httpChannels where each new channel goes, for the server to close those still speaking
   *     HTTP when it stops; the server takes a channel out once it is upgraded
   */
  ServerChannelInitializer(
      PipelineResources resources, SslContext sslContext, ChannelGroup httpChannels) {
    this.resources = resources;
    this.sslContext = sslContext;
    this.httpChannels = httpChannels;
  }

  /** A bootstrap for {@code settings} on {@code group}, whose channels this initializes. */
  ServerBootstrap bootstrap(Transport transport, EventLoopGroup group) {
    ServerSettings settings = resources.settings();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(
                    settings.writeBufferLowWaterMark(), settings.writeBufferHighWaterMark()))
            .childHandler(this);
    if (settings.reusePort() && transport == Transport.EPOLL) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    return b;
  }

  /** The TLS context of {@code settings}; null without TLS. */
  static SslContext sslContext(ServerSettings settings) {
    if (!settings.tls()) {
      return null;
    }
    try {
      return SslContextBuilder.forServer(
              settings.tlsCertificate().toFile(), settings.tlsPrivateKey().toFile())
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new UncheckedIOException(
          new IOException(
              "cannot load TLS certificate "
                  + settings.tlsCertificate()
                  + " and key "
                  + settings.tlsPrivateKey()
                  + ": "
                  + e.getMessage(),
              e));
    }
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ServerSettings settings = resources.settings();
    httpChannels.add(ch);
    ChannelPipeline p = ch.pipeline();
    if (sslContext != null) {
      p.addLast("tls", sslContext.newHandler(ch.alloc()));
    }
    p.addLast("http", new HttpServerCodec(4096, settings.maxHeaderSize(), 8192));
    p.addLast("aggregator", new BodyLimitAggregator(settings.maxHttpBodySize()));
    DeflateNegotiator deflate = null;
    if (settings.compression()) {
      deflate =
          new DeflateNegotiator(
              settings.compressionLevel(),
              settings.compressionContextTakeover(),
              settings.compressionMinSize(),
              settings.maxMessageSize());
      p.addLast("offers", new ExtensionOfferFilter());
      p.addLast("extensions", new WebSocketServerExtensionHandler(deflate));
    }
    p.addLast("router", new HttpRouter(resources));
    p.addLast("upgrade", new WebSocketUpgradeHandler(resources, deflate));
  }
}

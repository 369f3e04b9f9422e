package dev.pushwire.core.internal.client;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.internal.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Opens the TCP connections of one {@link NettyWebSocketClient}: checks the {@code ws}/{@code wss}
 * URI, sets up TLS, picks the event loop group (its own, or a shared one) and the client's one
 * loop, resolves the host off the loop, and connects. Each connection gets the pipeline of {@link
 * ClientChannelInitializer}, which runs the WebSocket handshake.
 */
final class ClientDialer {
  final EventLoopGroup group;

  /** Whether {@link #group} was made here, so the client shuts it down. */
  final boolean ownsGroup;

  /** The one loop the client and all its connections run on. */
  final EventLoop loop;

  private final String host;
  private final int port;
  private final Bootstrap bootstrap;

  /**
   * A dialer of {@code uri} whose connections report to {@code events}; with {@code sharedGroup}
   * null it makes its own event loop group.
   */
  ClientDialer(ClientEvents events, URI uri, ClientSettings settings, EventLoopGroup sharedGroup) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = scheme.equals("wss");
    if (!(tls || scheme.equals("ws")) || uri.getHost() == null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "uri: bad value '"
              + uri
              + "' (expected ws://host[:port]/path or wss://host[:port]/path without a fragment)");
    }
    this.host = withoutBrackets(uri.getHost());
    this.port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    SslContext sslContext = tls ? newSslContext(settings.trustedCaFile()) : null;

    Transport transport;
    if (sharedGroup == null) {
      transport = Transport.choose(settings.nativeTransport());
      // Daemon threads: an idle client, like the JDK's HttpClient, does not keep the JVM alive.
      this.group = transport.newGroup(settings.ioThreads(), "pushwire-client", true);
      this.ownsGroup = true;
    } else {
      transport = transportOf(sharedGroup);
      this.group = sharedGroup;
      this.ownsGroup = false;
    }
    this.loop = group.next();
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.clientChannel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ClientChannelInitializer(events, uri, settings, sslContext, host, port));
  }

  /**
   * Resolves the host and calls {@code then} on the loop with its address, or with the error when
   * it is unknown. An IP literal is used at once; a name is looked up off the loop, since lookups
   * block. Nothing is called when the loop has been shut down meanwhile.
   */
  void resolve(BiConsumer<InetSocketAddress, UnknownHostException> then) {
    InetAddress literal = ipLiteral(host);
    if (literal != null) {
      then.accept(new InetSocketAddress(literal, port), null);
      return;
    }
    // Netty's global executor runs such one-off tasks off the event loops.
    GlobalEventExecutor.INSTANCE.execute(
        () -> {
          InetSocketAddress address = null;
          UnknownHostException unknown = null;
          try {
            address = new InetSocketAddress(InetAddress.getByName(host), port);
          } catch (UnknownHostException e) {
            unknown = e;
          }
          InetSocketAddress resolved = address;
          UnknownHostException error = unknown;
          try {
            loop.execute(() -> then.accept(resolved, error));
          } catch (RejectedExecutionException e) {
            // The client was shut down during the lookup: no attempt is waiting for it.
          }
        });
  }

  /** Connects to {@code address}; the channel's pipeline does the handshake. */
  ChannelFuture connect(InetSocketAddress address) {
    return bootstrap.connect(address);
  }

  private static String withoutBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static InetAddress ipLiteral(String host) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(host, bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("NetUtil returned a bad address for " + host, e);
    }
  }

  private static Transport transportOf(EventLoopGroup group) {
    if (group instanceof IoEventLoopGroup) {
      IoEventLoopGroup io = (IoEventLoopGroup) group;
      if (io.isIoType(EpollIoHandler.class)) {
        return Transport.EPOLL;
      }
      if (io.isIoType(NioIoHandler.class)) {
        return Transport.NIO;
      }
    }
    throw new IllegalArgumentException(
        "group: bad value '" + group + "' (expected an epoll or NIO IoEventLoopGroup)");
  }

  private static SslContext newSslContext(Path trustedCaFile) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
      if (trustedCaFile != null) {
        byte[] pem = Files.readAllBytes(trustedCaFile);
        try {
          builder.trustManager(new ByteArrayInputStream(pem));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "trustedCaFile: bad value '"
                  + trustedCaFile
                  + "' (expected a PEM file of CA certificates)",
              e);
        }
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up TLS for the WebSocket client", e);
    }
  }
}

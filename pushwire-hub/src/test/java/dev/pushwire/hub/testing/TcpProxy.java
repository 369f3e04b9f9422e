package dev.pushwire.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port that forwards to a target port, and can cut everything that
 * goes through it: {@link #cut()} drops every open connection at once and refuses new ones (they
 * are accepted and closed straight away, as a broken network path looks to a client that keeps
 * reconnecting) until {@link #restore()}. For tests of a node cut off from its backend.
 */
public final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicLong cuts = new AtomicLong();
  private volatile boolean cut;
  private volatile boolean closed;

  /** Starts forwarding {@code 127.0.0.1:port()} to {@code 127.0.0.1:targetPort}. */
  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Drops every connection through the proxy and refuses new ones until {@link #restore()}. */
  public void cut() {
    synchronized (open) {
      cut = true;
      cuts.incrementAndGet();
      for (Socket s : open) {
        closeQuietly(s);
      }
      open.clear();
    }
  }

  /** Forwards new connections again. */
  public void restore() {
    cut = false;
  }

  /** How many connections are open through the proxy now (both sides count as one). */
  public int openConnections() {
    return open.size() / 2;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        // A cut() while this pair was being connected must not miss it: check and register
        // under the same lock cut() holds, so a pair is either cut or registered before the cut.
        synchronized (open) {
          if (cut) {
            closeQuietly(client);
            closeQuietly(server);
            continue;
          }
          open.add(client);
          open.add(server);
        }
        pipe(client, server, "up");
        pipe(server, client, "down");
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (SocketException e) {
                // cut, or the other side closed: the pair ends below
              } catch (IOException e) {
                // the same: a broken pipe ends the pair
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing a socket that is already broken: nothing left to release
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    cut();
  }
}

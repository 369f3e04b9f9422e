package dev.pushwire.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A page that uses {@code pushwire.js} the way an application does: served from its own origin (a
 * JDK HTTP server on another loopback port), importing the client from the node as a module script,
 * which the node allows with CORS. The page keeps what happens in {@code window.log}: {@code
 * events} (every connection event with its detail), {@code received} (each publication on {@code
 * news}: data, offset, epoch) and {@code errors}; the client is {@code window.pw}.
 */
final class TestPage implements AutoCloseable {
  private final HttpServer server;

  private TestPage(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves a page whose client connects to {@code node}, subscribes to {@code news}, and waits
   * {@code minDelay}-{@code maxDelay} ms before reconnecting.
   */
  static TestPage forNode(int nodePort, int minDelay, int maxDelay) {
    String html =
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>pushwire.js under test</title>
        <script type="module">
          import { Pushwire } from "http://127.0.0.1:%1$d/pushwire.js";
          const log = (window.log = { events: [], received: [], errors: [] });
          const pw = new Pushwire("ws://127.0.0.1:%1$d/", {
            minReconnectDelay: %2$d,
            maxReconnectDelay: %3$d,
          });
          for (const name of ["connecting", "open", "closed", "reconnecting", "subscribed", "unsubscribed"]) {
            pw.on(name, (detail) => log.events.push({ type: name, ...detail }));
          }
          pw.on("error", ({ error }) => log.errors.push(String(error)));
          pw.subscribe("news", (data, p) =>
            log.received.push({ data, offset: p.offset, epoch: p.epoch }));
          pw.connect();
          window.pw = pw;
        </script></head><body>pushwire.js under test</body></html>
        """
            .formatted(nodePort, minDelay, maxDelay);
    return serve(html);
  }

  /** Serves {@code html} at {@code /}. */
  static TestPage serve(String html) {
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          boolean page = exchange.getRequestURI().getPath().equals("/");
          exchange
              .getResponseHeaders()
              .add("Content-Type", page ? "text/html; charset=utf-8" : "text/plain");
          exchange.sendResponseHeaders(page ? 200 : 404, page ? body.length : -1);
          try (OutputStream out = exchange.getResponseBody()) {
            if (page) {
              out.write(body);
            }
          }
        });
    server.start();
    return new TestPage(server);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** The page's {@code window.log}, read from {@code chromium}. */
  static JsonNode log(HeadlessChromium chromium) {
    Object json = chromium.js("return JSON.stringify(window.log || null)");
    try {
      return LoopbackNode.JSON.readTree((String) json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

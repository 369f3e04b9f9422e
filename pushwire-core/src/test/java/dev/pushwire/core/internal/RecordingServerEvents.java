package dev.pushwire.core.internal;

import dev.pushwire.core.HandshakeDecision;
import dev.pushwire.core.HandshakeRequest;
import dev.pushwire.core.HttpExchange;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@link ServerEvents} that records what a handler reports; accepts every handshake. */
final class RecordingServerEvents implements ServerEvents {
  final List<Connection> opened = new ArrayList<>();
  final List<String> messages = new ArrayList<>();
  final List<Connection> closed = new ArrayList<>();

  @Override
  public HandshakeDecision handshakeRequested(HandshakeRequest request) {
    return HandshakeDecision.accept();
  }

  @Override
  public void opened(Connection conn) {
    opened.add(conn);
  }

  /** Records a text message as its text, a binary one as {@code binary:LENGTH}. */
  @Override
  public void messageReceived(Connection conn, boolean binary, byte[] data) {
    messages.add(binary ? "binary:" + data.length : new String(data, StandardCharsets.UTF_8));
  }

  @Override
  public void writabilityChanged(Connection conn) {}

  @Override
  public void closed(Connection conn) {
    closed.add(conn);
  }

  @Override
  public boolean takesRequests() {
    return false;
  }

  @Override
  public void requestReceived(Channel channel, FanOutSource.Owner source, HttpExchange exchange) {
    throw new AssertionError("no plain request expected");
  }
}

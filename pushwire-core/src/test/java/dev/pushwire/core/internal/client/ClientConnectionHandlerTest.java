package dev.pushwire.core.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.ClientSettings;
import dev.pushwire.core.CloseCodes;
import dev.pushwire.core.CloseEvent;
import dev.pushwire.core.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientConnectionHandler} in the pipeline of {@link ClientChannelInitializer}, in an {@link
 * EmbeddedChannel} that plays the server: each way an open connection closes sends the right close
 * code, reports one {@link CloseEvent} with the code and the side that started, and leaves no
 * buffer behind.
 */
class ClientConnectionHandlerTest {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final Recorder events = new Recorder();
  private EmbeddedChannel ch;

  /** ClientEvents that records what the handler reports. */
  private static final class Recorder implements ClientEvents {
    final List<ClientConnectionHandler> opened = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    final List<CloseEvent> closed = new ArrayList<>();
    final List<Throwable> failedAttempts = new ArrayList<>();

    @Override
    public void opened(ClientConnectionHandler h) {
      opened.add(h);
    }

    @Override
    public void messageReceived(Message message) {
      messages.add(message.text());
    }

    @Override
    public void errorOccurred(Throwable error) {
      errors.add(error);
    }

    @Override
    public void closed(ClientConnectionHandler h, CloseEvent event) {
      closed.add(event);
    }

    @Override
    public void attemptFailed(Channel ch, Throwable cause) {
      failedAttempts.add(cause);
    }
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  /** Opens a connection: the client's upgrade request is answered 101. */
  private ClientConnectionHandler open(ClientSettings settings) throws Exception {
    URI uri = URI.create("ws://127.0.0.1:9876/");
    ch = new EmbeddedChannel(new ClientChannelInitializer(events, uri, settings, null, "", 9876));
    String request = new String(outbound(), StandardCharsets.ISO_8859_1);
    Matcher key = Pattern.compile("(?i)sec-websocket-key: *(\\S+)").matcher(request);
    assertThat(key.find()).as(request).isTrue();
    byte[] sha1 =
        MessageDigest.getInstance("SHA-1")
            .digest((key.group(1) + GUID).getBytes(StandardCharsets.US_ASCII));
    inbound(
        ("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + Base64.getEncoder().encodeToString(sha1)
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    assertThat(events.opened).hasSize(1);
    return events.opened.get(0);
  }

  /** Everything the client wrote so far; each buffer released. */
  private byte[] outbound() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.writeBytes(bytes);
      assertThat(b.release()).isTrue();
      assertThat(b.refCnt()).isZero();
    }
    return out.toByteArray();
  }

  private void inbound(byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    ch.writeInbound(in);
    assertThat(in.refCnt()).isZero();
  }

  /** An unmasked frame from the server, payload under 126 bytes. */
  private static byte[] serverFrame(int opcode, byte[] payload) {
    byte[] frame = new byte[2 + payload.length];
    frame[0] = (byte) (0x80 | opcode);
    frame[1] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 2, payload.length);
    return frame;
  }

  private static byte[] closePayload(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] p = new byte[2 + r.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(r, 0, p, 2, r.length);
    return p;
  }

  /** The one close frame the client wrote, unmasked: "CODE REASON". */
  private String closeSent() {
    byte[] f = outbound();
    assertThat(f.length).isGreaterThanOrEqualTo(8);
    assertThat(f[0] & 0xFF).as("FIN and the close opcode").isEqualTo(0x88);
    assertThat(f[1] & 0x80).as("the client masks").isEqualTo(0x80);
    int length = f[1] & 0x7F;
    assertThat(f.length).isEqualTo(6 + length);
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (f[6 + i] ^ f[2 + (i % 4)]);
    }
    int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    return code + " " + new String(payload, 2, length - 2, StandardCharsets.UTF_8);
  }

  @Test
  void aCloseFromTheServerIsAnsweredWithItsCodeAndReportedWhenTheServerCloses() throws Exception {
    open(ClientSettings.DEFAULT);
    inbound(serverFrame(0x8, closePayload(CloseCodes.NORMAL, "bye")));
    assertThat(closeSent()).isEqualTo("1000 ");
    // RFC 6455 7.1.1: the client waits for the server to close TCP.
    assertThat(ch.isOpen()).isTrue();
    ch.close();
    assertThat(events.closed).containsExactly(new CloseEvent(0, CloseCodes.NORMAL, "bye", true));
  }

  @Test
  void closingFromTheClientSendsItsCodeAndReportsTheServersAnswer() throws Exception {
    ClientConnectionHandler h = open(ClientSettings.DEFAULT);
    h.closeByClient(CloseCodes.GOING_AWAY, "done");
    assertThat(closeSent()).isEqualTo("1001 done");
    assertThat(h.isWritable()).isFalse();
    inbound(serverFrame(0x8, closePayload(CloseCodes.GOING_AWAY, "")));
    assertThat(outbound()).as("no second close frame").isEmpty();
    ch.close();
    assertThat(events.closed).containsExactly(new CloseEvent(0, CloseCodes.GOING_AWAY, "", false));
  }

  @Test
  void invalidUtf8FromTheServerClosesWith1007() throws Exception {
    open(ClientSettings.DEFAULT);
    inbound(serverFrame(0x1, new byte[] {'a', (byte) 0xC3, 'b'}));
    assertThat(closeSent()).startsWith("1007 ");
    ch.close();
    assertThat(events.messages).isEmpty();
    assertThat(events.errors).hasSize(1);
    assertThat(events.closed).hasSize(1);
    assertThat(events.closed.get(0).code()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
    assertThat(events.closed.get(0).byServer()).isFalse();
  }

  @Test
  void fragmentsOverTheMessageLimitCloseWith1009() throws Exception {
    open(ClientSettings.newBuilder().maxMessageSize(16).build());
    byte[] first = serverFrame(0x2, new byte[10]);
    first[0] = 0x02; // not final
    inbound(first);
    inbound(serverFrame(0x0, new byte[7]));
    assertThat(closeSent()).isEqualTo("1009 message too big");
    ch.close();
    assertThat(events.messages).isEmpty();
    assertThat(events.errors).singleElement().isInstanceOf(TooLongFrameException.class);
    assertThat(events.closed)
        .containsExactly(new CloseEvent(0, CloseCodes.MESSAGE_TOO_BIG, "message too big", false));
  }

  @Test
  void aMessageWithinTheLimitIsPassedOn() throws Exception {
    open(ClientSettings.newBuilder().maxMessageSize(16).build());
    inbound(serverFrame(0x1, "hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(events.messages).containsExactly("hello");
    assertThat(outbound()).isEmpty();
    assertThat(events.closed).isEmpty();
  }
}

package dev.pushwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pushwire.core.CloseCodes;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Hostile frame streams against a running server: valid frame sequences with bits flipped, bytes
 * cut or inserted, and plain random bytes, each sent on a fresh upgraded connection. Every stream
 * ends in a close frame and FIN, so the server answers promptly. Checked per try: the server's
 * frames parse, its close code (if any) is one a server may send and never 1011, and it closes TCP.
 * Checked over the run by {@link HostileInputGuard}: no exception reached a pipeline's end,
 * PARANOID leak detection found nothing, every connection is gone, and a normal client was echoed
 * throughout.
 */
class HostileFrameStreamTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  private HostileInputGuard guard;

  @BeforeProperty
  void startServer() {
    // A small message limit, so that mutated lengths also exercise 1009.
    guard = new HostileInputGuard(LoopbackServers.settings().maxMessageSize(1024));
  }

  @AfterProperty
  void checkServer() throws InterruptedException {
    try {
      guard.verify();
    } finally {
      guard.close();
    }
  }

  @Property(tries = 400)
  void mutatedValidFrameStreamsGetALegalCloseOrAreServed(@ForAll("mutatedStreams") byte[] stream)
      throws IOException {
    exchange(stream);
  }

  @Property(tries = 300)
  void randomBytesAfterTheUpgradeGetALegalClose(@ForAll("randomBytes") byte[] stream)
      throws IOException {
    exchange(stream);
  }

  /** Sends {@code stream}, a close frame and FIN on a fresh connection; checks the answer. */
  private void exchange(byte[] stream) throws IOException {
    try (RawWebSocket ws = RawWebSocket.connect(guard.port(), READ_TIMEOUT)) {
      ws.handshake();
      try {
        ws.sendBytes(stream);
        ws.sendClose(1000, "");
        ws.shutdownOutput();
      } catch (SocketException e) {
        // The server may have closed already (a protocol error early in the stream): fine.
      }
      readUntilEof(ws);
    }
  }

  private static void readUntilEof(RawWebSocket ws) throws IOException {
    while (true) {
      RawWebSocket.Frame f;
      try {
        f = ws.readFrame();
      } catch (EOFException e) {
        return;
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server neither answered nor closed within " + READ_TIMEOUT);
      } catch (SocketException e) {
        return; // reset: the server closed with unread input pending
      }
      assertThat(f.masked()).as("server frames are never masked").isFalse();
      assertThat(f.opcode())
          .as("server frame opcode")
          .isIn(
              RawWebSocket.OP_TEXT,
              RawWebSocket.OP_BINARY,
              RawWebSocket.OP_CLOSE,
              RawWebSocket.OP_PING,
              RawWebSocket.OP_PONG);
      if (f.opcode() == RawWebSocket.OP_CLOSE) {
        int code = f.close().code();
        assertThat(code == 1005 || CloseCodes.isValidOnWire(code))
            .as("close code %d may be sent", code)
            .isTrue();
        assertThat(code).as("close code: 1011 means an unexpected server error").isNotEqualTo(1011);
      }
    }
  }

  // ---- generators ---------------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
  }

  @Provide
  Arbitrary<byte[]> mutatedStreams() {
    return Combinators.combine(validStreams(), mutations().list().ofMaxSize(4))
        .as(
            (valid, ms) -> {
              byte[] out = valid;
              for (Mutation m : ms) {
                out = m.apply(out);
              }
              return out;
            });
  }

  private Arbitrary<byte[]> validStreams() {
    return frames()
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(
            list -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              list.forEach(out::writeBytes);
              return out.toByteArray();
            });
  }

  /** One valid message or control frame, masked as a client must send it. */
  private Arbitrary<byte[]> frames() {
    Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(125);
    Arbitrary<byte[]> medium =
        Arbitraries.bytes().array(byte[].class).ofMinSize(126).ofMaxSize(1500);
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(300);
    Arbitrary<Integer> closeCodes = Arbitraries.of(1000, 1001, 1003, 1008, 3000, 4999);
    return Arbitraries.oneOf(
        text.map(t -> RawWebSocket.frame(true, 0, RawWebSocket.OP_TEXT, utf8(t), true)),
        Arbitraries.oneOf(small, medium)
            .map(b -> RawWebSocket.frame(true, 0, RawWebSocket.OP_BINARY, b, true)),
        small.map(b -> RawWebSocket.frame(true, 0, RawWebSocket.OP_PING, b, true)),
        small.map(b -> RawWebSocket.frame(true, 0, RawWebSocket.OP_PONG, b, true)),
        closeCodes.map(
            c ->
                RawWebSocket.frame(
                    true,
                    0,
                    RawWebSocket.OP_CLOSE,
                    RawWebSocket.closePayload(c, new byte[0]),
                    true)),
        Combinators.combine(text, text)
            .as(
                (a, b) -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  out.writeBytes(RawWebSocket.frame(false, 0, RawWebSocket.OP_TEXT, utf8(a), true));
                  out.writeBytes(
                      RawWebSocket.frame(true, 0, RawWebSocket.OP_CONTINUATION, utf8(b), true));
                  return out.toByteArray();
                }));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private Arbitrary<Mutation> mutations() {
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 1 << 20);
    return Arbitraries.oneOf(
        Combinators.combine(position, Arbitraries.integers().between(0, 7))
            .as((p, bit) -> (Mutation) new FlipBit(p, bit)),
        position.map(p -> (Mutation) new Truncate(p)),
        Combinators.combine(
                position, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16))
            .as((p, bytes) -> (Mutation) new Insert(p, bytes)),
        Combinators.combine(position, Arbitraries.integers().between(1, 16))
            .as((p, n) -> (Mutation) new Delete(p, n)));
  }

  /** A change to a byte stream; positions wrap around the stream's length. */
  sealed interface Mutation permits FlipBit, Truncate, Insert, Delete {
    byte[] apply(byte[] in);
  }

  record FlipBit(int position, int bit) implements Mutation {
    public byte[] apply(byte[] in) {
      if (in.length == 0) {
        return in;
      }
      byte[] out = in.clone();
      out[position % in.length] ^= (byte) (1 << bit);
      return out;
    }
  }

  record Truncate(int position) implements Mutation {
    public byte[] apply(byte[] in) {
      return in.length == 0 ? in : java.util.Arrays.copyOf(in, position % in.length);
    }
  }

  record Insert(int position, byte[] bytes) implements Mutation {
    public byte[] apply(byte[] in) {
      int p = position % (in.length + 1);
      List<Byte> out = new ArrayList<>(in.length + bytes.length);
      for (int i = 0; i < p; i++) {
        out.add(in[i]);
      }
      for (byte b : bytes) {
        out.add(b);
      }
      for (int i = p; i < in.length; i++) {
        out.add(in[i]);
      }
      byte[] r = new byte[out.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = out.get(i);
      }
      return r;
    }
  }

  record Delete(int position, int count) implements Mutation {
    public byte[] apply(byte[] in) {
      if (in.length == 0) {
        return in;
      }
      int p = position % in.length;
      int n = Math.min(count, in.length - p);
      byte[] out = new byte[in.length - n];
      System.arraycopy(in, 0, out, 0, p);
      System.arraycopy(in, p + n, out, p, in.length - p - n);
      return out;
    }
  }
}

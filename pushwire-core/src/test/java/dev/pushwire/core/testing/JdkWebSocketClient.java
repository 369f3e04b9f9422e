package dev.pushwire.core.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A WebSocket client this project did not write, the JDK's {@code java.net.http.WebSocket}, that
 * records what it receives: every whole message (fragments joined; text as a {@code String}, binary
 * as a {@code byte[]}), the close the server sent, and any error.
 *
 * <p>Every wait is bounded by {@link #WAIT} unless the caller gives a bound: generous, because a
 * test on a busy machine should only get slower, never fail. Messages can be taken one by one
 * ({@link #nextMessage()}, a queue) or looked at all together ({@link #received()}, a record that
 * taking does not change).
 */
public final class JdkWebSocketClient implements AutoCloseable {
  /** How long a wait lasts when the caller gives no bound. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  /** One HTTP client for every test: each one owns a selector thread. */
  public static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A close frame as the JDK client reported it; code 1006 and the error when there was none. */
  public record Close(int code, String reason) {}

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<Object> received = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private volatile Throwable error;
  private volatile WebSocket socket;

  private JdkWebSocketClient() {}

  /** A client for {@code uri} to set up before connecting. */
  public static Builder to(String uri) {
    return new Builder(URI.create(uri));
  }

  /** Connects to {@code uri} (plain {@code ws://}, no subprotocol); fails if the handshake does. */
  public static JdkWebSocketClient connect(String uri) {
    return to(uri).connect();
  }

  /** Connects to {@code uri} offering {@code subprotocols}; fails if the handshake does. */
  public static JdkWebSocketClient connect(String uri, String... subprotocols) {
    return to(uri).subprotocols(subprotocols).connect();
  }

  /** Connects to {@code uri} with extra upgrade headers; fails if the handshake does. */
  public static JdkWebSocketClient connect(String uri, Map<String, String> headers) {
    Builder b = to(uri);
    headers.forEach(b::header);
    return b.connect();
  }

  /** The JDK's socket, for what this class does not wrap. */
  public WebSocket socket() {
    return socket;
  }

  /** The subprotocol the server chose, or an empty string. */
  public String subprotocol() {
    return socket.getSubprotocol();
  }

  /** Sends a whole text message and waits until it was written. */
  public void send(String text) {
    join(socket.sendText(text, true), "sending a text message");
  }

  /** Sends a whole binary message and waits until it was written. */
  public void sendBinary(byte[] data) {
    join(socket.sendBinary(ByteBuffer.wrap(data), true), "sending a binary message");
  }

  /** Sends a close frame and waits until it was written. */
  public void sendClose(int code, String reason) {
    join(socket.sendClose(code, reason), "sending a close frame");
  }

  /** The next whole message not taken yet, waiting up to {@link #WAIT}; fails if none came. */
  public Object nextMessage() {
    Object m = poll(WAIT);
    if (m == null) {
      throw new AssertionError(
          "no message within "
              + WAIT
              + "; received "
              + received.size()
              + ", close: "
              + closeText());
    }
    return m;
  }

  /** The next whole message, which must be text. */
  public String nextText() {
    Object m = nextMessage();
    if (!(m instanceof String s)) {
      throw new AssertionError("expected a text message, got " + describe(m));
    }
    return s;
  }

  /** The next whole message, which must be binary. */
  public byte[] nextBinary() {
    Object m = nextMessage();
    if (!(m instanceof byte[] b)) {
      throw new AssertionError("expected a binary message, got " + describe(m));
    }
    return b;
  }

  /** The next whole message not taken yet, waiting up to {@code timeout}; {@code null} if none. */
  public Object poll(Duration timeout) {
    try {
      return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for a message", e);
    }
  }

  /**
   * The next text message not taken yet, waiting up to {@code timeout}; {@code null} if none came.
   */
  public String next(Duration timeout) {
    Object m = poll(timeout);
    if (m != null && !(m instanceof String)) {
      throw new AssertionError("expected a text message, got " + describe(m));
    }
    return (String) m;
  }

  /** Up to {@code n} next text messages, each waited for up to {@code timeout}; stops at a gap. */
  public List<String> take(int n, Duration timeout) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String m = next(timeout);
      if (m == null) {
        break;
      }
      out.add(m);
    }
    return out;
  }

  /** The next {@code n} messages, each waited for up to {@link #WAIT}; fails if one is missing. */
  public List<String> nextTexts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(nextText());
    }
    return out;
  }

  /** Takes every message received and not taken yet, without waiting. */
  public List<Object> drain() {
    List<Object> out = new ArrayList<>();
    queue.drainTo(out);
    return out;
  }

  /** Takes every text message received and not taken yet, without waiting. */
  public List<String> drainTexts() {
    return drain().stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }

  /** Every whole message received since connecting, taken or not, in order. */
  public List<Object> received() {
    return List.copyOf(received);
  }

  /** How many whole messages have arrived since connecting. */
  public int receivedCount() {
    return received.size();
  }

  /** The text messages received since connecting, taken or not, in order. */
  public List<String> receivedTexts() {
    return received.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }

  /**
   * Waits up to {@link #WAIT} until at least {@code n} text messages have arrived since connecting;
   * returns them all. Fails with what did arrive if they do not.
   */
  public List<String> awaitTexts(int n) {
    return awaitTexts(n, WAIT);
  }

  /** {@link #awaitTexts(int)} with a bound of {@code timeout}. */
  public List<String> awaitTexts(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (receivedTexts().size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "expected "
                  + n
                  + " text messages within "
                  + timeout
                  + ", got "
                  + receivedTexts().size()
                  + ": "
                  + abbreviate(receivedTexts())
                  + "; close: "
                  + closeText());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(received, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for messages", e);
        }
      }
    }
    return receivedTexts();
  }

  /** The close the server sent (or 1006 after an error), waiting up to {@link #WAIT}. */
  public Close awaitClose() {
    return awaitClose(WAIT);
  }

  /** The close the server sent (or 1006 after an error), waiting up to {@code timeout}. */
  public Close awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "not closed within " + timeout + "; received " + abbreviate(received));
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for the close", e);
    }
  }

  /** Whether the connection has ended (a close frame came, or an error). */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** The error the JDK client reported, or {@code null}. */
  public Throwable error() {
    return error;
  }

  /** Sends a normal close if it can, then drops the connection. */
  @Override
  public void close() {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS);
    }
    ws.abort();
  }

  private String closeText() {
    return closed.isDone() ? String.valueOf(closed.getNow(null)) : "none";
  }

  private void record(Object message) {
    synchronized (received) {
      received.add(message);
      queue.add(message);
      received.notifyAll();
    }
  }

  private static void join(CompletableFuture<?> f, String what) {
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not finish within " + WAIT);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted " + what, e);
    }
  }

  private static String describe(Object m) {
    return m instanceof byte[] b ? b.length + " binary bytes" : "text '" + m + "'";
  }

  private static String abbreviate(List<?> messages) {
    List<String> shown = messages.stream().limit(20).map(JdkWebSocketClient::describe).toList();
    return shown + (messages.size() > 20 ? " and " + (messages.size() - 20) + " more" : "");
  }

  /** Sets up a connection: HTTP client, headers, subprotocols, and hooks for special clients. */
  public static final class Builder {
    private final URI uri;
    private HttpClient http = HTTP;
    private final List<String[]> headers = new ArrayList<>();
    private final List<String> subprotocols = new ArrayList<>();
    private Duration connectTimeout = WAIT;
    private boolean answerClose = true;
    private Consumer<JdkWebSocketClient> onOpen = c -> {};
    private BiConsumer<JdkWebSocketClient, String> onText;
    private BiConsumer<JdkWebSocketClient, Close> onEnd = (c, close) -> {};

    private Builder(URI uri) {
      this.uri = uri;
    }

    /** Connects with {@code client} (for TLS settings) instead of the shared one. */
    public Builder httpClient(HttpClient client) {
      this.http = client;
      return this;
    }

    /** Adds a header to the upgrade request. */
    public Builder header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    /** Offers these subprotocols, in this order. */
    public Builder subprotocols(String... offered) {
      subprotocols.addAll(List.of(offered));
      return this;
    }

    /** How long the TCP connect may take (the whole handshake is bounded by {@link #WAIT}). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Records the server's close but never answers it: a peer that makes the server wait for the
     * close reply until the server gives up.
     */
    public Builder neverAnswerClose() {
      this.answerClose = false;
      return this;
    }

    /** Runs when the handshake has completed, before any message is delivered. */
    public Builder onOpen(Consumer<JdkWebSocketClient> hook) {
      this.onOpen = hook;
      return this;
    }

    /**
     * Gives each whole text message to {@code hook} instead of recording it (on the JDK's thread,
     * one message at a time).
     */
    public Builder onText(BiConsumer<JdkWebSocketClient, String> hook) {
      this.onText = hook;
      return this;
    }

    /** Runs once when the connection ends: a close from the server, or an error (code 1006). */
    public Builder onEnd(BiConsumer<JdkWebSocketClient, Close> hook) {
      this.onEnd = hook;
      return this;
    }

    /** Connects, waiting up to {@link #WAIT}; fails if the handshake does. */
    public JdkWebSocketClient connect() {
      CompletableFuture<JdkWebSocketClient> f = connectAsync();
      try {
        return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("no handshake with " + uri + " within " + WAIT);
      } catch (ExecutionException e) {
        throw new AssertionError("cannot connect to " + uri + ": " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted connecting to " + uri, e);
      }
    }

    /** Starts connecting; the stage fails if the handshake does. */
    public CompletableFuture<JdkWebSocketClient> connectAsync() {
      JdkWebSocketClient client = new JdkWebSocketClient();
      WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(connectTimeout);
      headers.forEach(h -> b.header(h[0], h[1]));
      if (!subprotocols.isEmpty()) {
        b.subprotocols(
            subprotocols.get(0),
            subprotocols.subList(1, subprotocols.size()).stream().toArray(String[]::new));
      }
      return b.buildAsync(uri, new Listener(client, this)).thenApply(ws -> client);
    }
  }

  private static final class Listener implements WebSocket.Listener {
    private final JdkWebSocketClient client;
    private final Builder setup;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    Listener(JdkWebSocketClient client, Builder setup) {
      this.client = client;
      this.setup = setup;
    }

    @Override
    public void onOpen(WebSocket ws) {
      client.socket = ws;
      setup.onOpen.accept(client);
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String whole = text.toString();
        text.setLength(0);
        if (setup.onText != null) {
          setup.onText.accept(client, whole);
        } else {
          client.record(whole);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        client.record(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      end(new Close(statusCode, reason));
      // An uncompleted stage keeps the JDK from sending its close reply.
      return setup.answerClose ? null : new CompletableFuture<Void>();
    }

    @Override
    public void onError(WebSocket ws, Throwable e) {
      client.error = e;
      end(new Close(1006, String.valueOf(e)));
    }

    private void end(Close close) {
      if (client.closed.complete(close)) {
        setup.onEnd.accept(client, close);
      }
    }
  }
}

package dev.pushwire.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pushwire.v1} side of one fan-out subscriber (docs/PROTOCOL.md): subscribes to the
 * channel once the connection is open, counts itself subscribed when the reply comes, and takes the
 * payload out of each push, {@code {"channel":..,"offset":N,"epoch":"E","data":"PAYLOAD"}}.
 *
 * <p>Besides the payload's sequence number, which {@link SubscriberSession} tracks as for every
 * subscriber, it checks what the protocol promises: within an epoch the offsets follow the
 * subscribe reply's one by one. A skipped offset, a repeated one or an epoch change without a
 * notice is something a correct server never sends, and counts against the run; loss the server
 * signals (an {@code unsubscribed} notice, a resubscription that could not recover everything) is
 * counted as told, and the subscriber resubscribes from its last offset as a real client does. Used
 * on the connection's event loop only.
 */
final class V1Reader {
  private static final byte[] PUSH = ascii("{\"channel\":");
  private static final byte[] REPLY = ascii("{\"id\":");
  private static final byte[] OFFSET = ascii("\"offset\":");
  private static final byte[] EPOCH = ascii("\"epoch\":\"");
  private static final byte[] DATA = ascii("\"data\":");

  private final FanoutStats stats;
  private final String subscribeHead;
  private int commandId;
  private boolean everSubscribed;
  private boolean live;
  private long last = -1;
  private byte[] epoch;

  /** A reader for a subscriber of {@code channel}, counting into {@code stats}. */
  V1Reader(FanoutStats stats, String channel) {
    this.stats = stats;
    StringBuilder sb = new StringBuilder(",\"op\":\"subscribe\",\"channel\":");
    Json.string(sb, channel);
    this.subscribeHead = sb.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The connection is open: subscribe. */
  void opened(ChannelHandlerContext ctx) {
    subscribe(ctx, false);
  }

  /** Sends {@code subscribe}, from the last offset handled when {@code since}. */
  private void subscribe(ChannelHandlerContext ctx, boolean since) {
    commandId++;
    StringBuilder sb = new StringBuilder(96).append("{\"id\":").append(commandId);
    sb.append(subscribeHead);
    if (since) {
      sb.append(",\"since\":{\"offset\":").append(last).append(",\"epoch\":");
      Json.string(sb, new String(epoch, StandardCharsets.UTF_8));
      sb.append('}');
    }
    sb.append('}');
    ctx.writeAndFlush(new TextWebSocketFrame(sb.toString()));
  }

  /**
   * The payload of a push in {@code c}, as a slice; null for a message handled here (a reply, a
   * notice); {@code c} itself for anything else, which is then counted as other.
   */
  ByteBuf payload(ChannelHandlerContext ctx, ByteBuf c) {
    int at = c.readerIndex();
    int end = at + c.readableBytes();
    if (startsWith(c, at, end, PUSH)) {
      return push(ctx, c, at, end);
    }
    if (startsWith(c, at, end, REPLY)) {
      return reply(ctx, c.toString(StandardCharsets.UTF_8)) ? null : c;
    }
    return c;
  }

  private ByteBuf push(ChannelHandlerContext ctx, ByteBuf c, int at, int end) {
    int o = indexOf(c, at + PUSH.length, end, OFFSET);
    if (o < 0) {
      String text = c.toString(StandardCharsets.UTF_8);
      if (text.contains("\"unsubscribed\":")) {
        unsubscribed(ctx, text);
        return null;
      }
      return c;
    }
    int i = o + OFFSET.length;
    long offset = 0;
    int digits = 0;
    for (; i < end; i++, digits++) {
      byte b = c.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      offset = offset * 10 + (b - '0');
    }
    int e = indexOf(c, i, end, EPOCH);
    if (digits == 0 || e < 0) {
      return c;
    }
    int epochStart = e + EPOCH.length;
    int epochEnd = c.indexOf(epochStart, end, (byte) '"');
    int d = epochEnd < 0 ? -1 : indexOf(c, epochEnd, end, DATA);
    if (d < 0) {
      return c;
    }
    checkOffset(c, offset, epochStart, epochEnd);
    int data = d + DATA.length;
    if (data < end && c.getByte(data) == '"') {
      data++; // a JSON string, as both ways of publishing send the payload
    }
    return c.slice(data, end - data);
  }

  private void checkOffset(ByteBuf c, long offset, int epochStart, int epochEnd) {
    if (!live) {
      stats.offsetErrors.add("push outside a subscription");
      return;
    }
    if (!sameEpoch(c, epochStart, epochEnd)) {
      stats.offsetErrors.add("epoch changed without a notice");
      epoch = new byte[epochEnd - epochStart];
      c.getBytes(epochStart, epoch);
      last = offset;
      return;
    }
    if (offset == last + 1) {
      last = offset;
    } else if (offset > last + 1) {
      stats.offsetsSkipped.add(offset - last - 1);
      last = offset;
    } else {
      stats.offsetErrors.add("offset repeated or out of order");
    }
  }

  private boolean sameEpoch(ByteBuf c, int start, int end) {
    if (epoch == null || epoch.length != end - start) {
      return false;
    }
    for (int i = 0; i < epoch.length; i++) {
      if (c.getByte(start + i) != epoch[i]) {
        return false;
      }
    }
    return true;
  }

  /** An {@code unsubscribed} notice: the server says it cannot deliver everything; resubscribe. */
  private void unsubscribed(ChannelHandlerContext ctx, String text) {
    String code = stringAfter(text, "\"code\":\"");
    stats.told.add("unsubscribed: " + (code == null ? "?" : code));
    live = false;
    subscribe(ctx, epoch != null);
  }

  /** A reply; returns whether it answered this reader's pending subscribe. */
  private boolean reply(ChannelHandlerContext ctx, String text) {
    Long id = longAfter(text, "{\"id\":");
    if (id == null || id != commandId) {
      return false;
    }
    int r = text.indexOf("\"result\":");
    if (r < 0) {
      String code = stringAfter(text, "\"code\":\"");
      String reason = "subscribe refused: " + (code == null ? text : code);
      if (everSubscribed) {
        stats.told.add(reason);
      } else {
        stats.subscribeFailures.add(reason);
      }
      return true;
    }
    String result = text.substring(r);
    Long offset = longAfter(result, "\"offset\":");
    String replyEpoch = stringAfter(result, "\"epoch\":\"");
    if (offset == null || replyEpoch == null) {
      return false;
    }
    byte[] e = replyEpoch.getBytes(StandardCharsets.UTF_8);
    if (!everSubscribed) {
      last = offset;
    } else if (!result.contains("\"recovered\":true")) {
      // The rule of docs/PROTOCOL.md, Recovery: pushes go on after lost.to when lost is present,
      // from offset 1 of a new epoch, and after the reply's offset otherwise.
      Long lostFrom = longAfter(result, "\"from\":");
      Long lostTo = longAfter(result, "\"to\":");
      boolean otherEpoch = !java.util.Arrays.equals(e, epoch);
      stats.told.add("resubscribed, not recovered" + (lostTo != null ? " (offsets lost)" : ""));
      if (lostFrom != null && lostTo != null) {
        stats.toldOffsets.add(lostTo - lostFrom + 1);
        last = lostTo;
      } else {
        last = otherEpoch ? 0 : offset;
      }
    }
    epoch = e;
    live = true;
    if (!everSubscribed) {
      everSubscribed = true;
      stats.subscribed.increment();
    }
    return true;
  }

  private static Long longAfter(String s, String key) {
    int i = s.indexOf(key);
    if (i < 0) {
      return null;
    }
    int start = i + key.length();
    int j = start;
    while (j < s.length() && Character.isDigit(s.charAt(j))) {
      j++;
    }
    return j == start ? null : Long.parseLong(s.substring(start, j));
  }

  private static String stringAfter(String s, String key) {
    int i = s.indexOf(key);
    if (i < 0) {
      return null;
    }
    int start = i + key.length();
    int j = s.indexOf('"', start);
    return j < 0 ? null : s.substring(start, j);
  }

  private static boolean startsWith(ByteBuf c, int at, int end, byte[] prefix) {
    if (end - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (c.getByte(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where {@code needle} starts in {@code c} between {@code from} and {@code end}, or -1. */
  private static int indexOf(ByteBuf c, int from, int end, byte[] needle) {
    byte first = needle[0];
    for (int i = from; i <= end - needle.length; i++) {
      if (c.getByte(i) == first) {
        int k = 1;
        while (k < needle.length && c.getByte(i + k) == needle[k]) {
          k++;
        }
        if (k == needle.length) {
          return i;
        }
      }
    }
    return -1;
  }
}

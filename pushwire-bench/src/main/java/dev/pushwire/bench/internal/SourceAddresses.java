package dev.pushwire.bench.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local addresses that connections are bound to, round-robin. One source address gives about
 * 28,000 connections to one server port (the ephemeral port range); on Linux every address of
 * 127.0.0.0/8 works on the loopback interface without configuration, so {@code 127.0.0.1,127.0.0.2}
 * doubles that. Written as a comma-separated list whose items may be ranges of the last byte:
 * {@code 127.0.0.1-127.0.0.4} or {@code 127.0.0.1-4}.
 */
public final class SourceAddresses {
  /** No binding: the kernel picks the source address and port. */
  public static final SourceAddresses ANY = new SourceAddresses(List.of());

  /** The most addresses a list may expand to. */
  public static final int MAX = 256;

  private final List<InetSocketAddress> addresses;
  private final AtomicInteger next = new AtomicInteger();

  private SourceAddresses(List<InetSocketAddress> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  /** Parses {@code spec}; null or blank is {@link #ANY}. */
  public static SourceAddresses parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return ANY;
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String item : spec.split(",")) {
      String s = item.trim();
      if (s.isEmpty()) {
        continue;
      }
      int dash = s.indexOf('-');
      if (dash < 0) {
        out.add(new InetSocketAddress(loopback(s), 0));
        continue;
      }
      String first = s.substring(0, dash);
      String last = s.substring(dash + 1);
      int cut = first.lastIndexOf('.');
      if (cut < 0) {
        throw new IllegalArgumentException("'" + s + "' is not a range like 127.0.0.1-127.0.0.4");
      }
      String prefix = first.substring(0, cut + 1);
      String lastFull = last.contains(".") ? last : prefix + last;
      if (!lastFull.startsWith(prefix)) {
        throw new IllegalArgumentException(
            "'" + s + "': a range may only vary the last number, like 127.0.0.1-127.0.0.4");
      }
      int from = lastByte(first, s);
      int to = lastByte(lastFull, s);
      if (to < from) {
        throw new IllegalArgumentException("'" + s + "': the range ends before it starts");
      }
      for (int i = from; i <= to; i++) {
        out.add(new InetSocketAddress(loopback(prefix + i), 0));
        if (out.size() > MAX) {
          break;
        }
      }
    }
    if (out.size() > MAX) {
      throw new IllegalArgumentException(
          "at most " + MAX + " source addresses (" + spec + " has more)");
    }
    return new SourceAddresses(out);
  }

  private static int lastByte(String address, String item) {
    try {
      int v = Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
      if (v < 0 || v > 255) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + item + "' is not a range like 127.0.0.1-127.0.0.4");
    }
  }

  private static InetAddress loopback(String s) {
    InetAddress a;
    try {
      if (!s.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        throw new UnknownHostException(s);
      }
      a = InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + s + "' is not an IP address");
    }
    if (!a.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "'" + s + "' is not a loopback address (use 127.0.0.1, 127.0.0.2, ...)");
    }
    return a;
  }

  /** Whether connections are bound at all. */
  public boolean isEmpty() {
    return addresses.isEmpty();
  }

  /** How many addresses. */
  public int size() {
    return addresses.size();
  }

  /** The addresses in order. */
  public List<InetSocketAddress> list() {
    return addresses;
  }

  /** The next address, round-robin; null when {@link #isEmpty()}. */
  public InetSocketAddress next() {
    if (addresses.isEmpty()) {
      return null;
    }
    return addresses.get(Math.floorMod(next.getAndIncrement(), addresses.size()));
  }

  @Override
  public String toString() {
    return addresses.isEmpty()
        ? "any"
        : addresses.stream().map(a -> a.getAddress().getHostAddress()).toList().toString();
  }
}

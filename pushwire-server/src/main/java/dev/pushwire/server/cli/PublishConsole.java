package dev.pushwire.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pushwire.server.internal.api.ApiJson;
import java.io.PrintWriter;
import java.net.URI;

/**
 * What {@code pushwire publish} prints: each answer on standard output (unless quiet), errors and
 * notes on standard error. Answers arrive on the HTTP client's and the socket's threads, so a line
 * is written whole, under a lock.
 */
final class PublishConsole {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean quiet;
  private final String channel;
  private volatile boolean notedNobody;

  PublishConsole(PrintWriter out, PrintWriter err, boolean quiet, String channel) {
    this.out = out;
    this.err = err;
    this.quiet = quiet;
    this.channel = channel;
  }

  void print(String line) {
    if (!quiet) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  /** {@code error: message}, flushed with the rest when the command ends. */
  void error(String message) {
    err.println("error: " + message);
  }

  /** An error message the node sent over {@code uri}. */
  void errorFrom(URI uri, String text) {
    synchronized (err) {
      err.println("error from " + uri + ": " + text);
      err.flush();
    }
  }

  /**
   * Says on standard error, once, when the node had no subscriber for the channel: the publication
   * is not lost (history keeps it, other nodes deliver it), but a newcomer who sees nothing arrive
   * wants to know why.
   */
  void noteWhenNobodyListens(String answer) {
    if (quiet || notedNobody) {
      return;
    }
    try {
      JsonNode n = ApiJson.MAPPER.readTree(answer).path("localSubscribers");
      if (n.isNumber() && n.asLong() == 0) {
        notedNobody = true;
        synchronized (out) {
          err.println(
              "note: no client of this node is subscribed to '"
                  + channel
                  + "' (it is kept in the channel's history; subscribers on other nodes of a"
                  + " cluster still get it)");
          err.flush();
        }
      }
    } catch (JsonProcessingException e) {
      // Not the API's JSON: nothing to say about it.
    }
  }

  void flush() {
    out.flush();
    err.flush();
  }
}

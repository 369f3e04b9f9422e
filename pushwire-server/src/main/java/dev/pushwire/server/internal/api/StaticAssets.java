package dev.pushwire.server.internal.api;

import dev.pushwire.core.HttpRequest;
import dev.pushwire.core.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Files served as they are from the classpath: the browser client and the dashboard, kept under
 * {@value #ROOT} in the jar. Every file is read once, when the node is created, so answering never
 * touches the disk or the jar on the event loop. Answers carry the file's content type, a strong
 * {@code ETag} and {@code Cache-Control: no-cache} (the browser keeps a copy but asks each time, so
 * a new version of the server is never hidden behind a stale cache); {@code If-None-Match} gets a
 * 304.
 */
public final class StaticAssets {
  /** Where the files are on the classpath. */
  public static final String ROOT = "dev/pushwire/server/web/";

  /** The browser client, served at {@code /pushwire.js}. */
  public static final String CLIENT = "pushwire.js";

  /** Every file of the dashboard and the client; a missing one fails the node's creation. */
  public static final List<String> FILES =
      List.of(
          CLIENT,
          "dashboard/index.html",
          "dashboard/dashboard.css",
          "dashboard/dashboard.js",
          "dashboard/charts.js",
          "dashboard/favicon.svg");

  private record Asset(String contentType, byte[] body, String etag) {}

  private final Map<String, Asset> assets;

  private StaticAssets(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /**
   * Reads {@link #FILES} from the classpath of this class.
   *
   * @throws IllegalStateException when one is missing (a broken build)
   */
  public static StaticAssets load() {
    return load(StaticAssets.class.getClassLoader(), ROOT, FILES);
  }

  /** Reads {@code names} under {@code root} from {@code loader}. */
  static StaticAssets load(ClassLoader loader, String root, List<String> names) {
    Map<String, Asset> assets = new LinkedHashMap<>();
    for (String name : names) {
      byte[] body;
      try (InputStream in = loader.getResourceAsStream(root + name)) {
        if (in == null) {
          throw new IllegalStateException("missing from the classpath: " + root + name);
        }
        body = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + root + name, e);
      }
      assets.put(name, new Asset(contentType(name), body, etag(body)));
    }
    return new StaticAssets(Map.copyOf(assets));
  }

  /** Whether there is a file called {@code name} (such as {@code dashboard/index.html}). */
  public boolean has(String name) {
    return assets.containsKey(name);
  }

  /**
   * The answer to {@code request} for file {@code name}: 200 with the body, 304 when the client's
   * copy is current, or {@code null} when there is no such file.
   */
  public HttpResponse respond(String name, HttpRequest request) {
    Asset a = assets.get(name);
    if (a == null) {
      return null;
    }
    if (matches(request.header("If-None-Match"), a.etag())) {
      return new HttpResponse(304, List.of(), new byte[0])
          .withHeader("ETag", a.etag())
          .withHeader("Cache-Control", "no-cache");
    }
    return HttpResponse.of(200, a.contentType(), a.body())
        .withHeader("ETag", a.etag())
        .withHeader("Cache-Control", "no-cache")
        .withHeader("X-Content-Type-Options", "nosniff");
  }

  /** The content type for a file name, by its extension. */
  static String contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    switch (ext) {
      case "html":
        return "text/html; charset=utf-8";
      case "js":
      case "mjs":
        return "text/javascript; charset=utf-8";
      case "css":
        return "text/css; charset=utf-8";
      case "json":
        return "application/json";
      case "svg":
        return "image/svg+xml";
      case "png":
        return "image/png";
      case "txt":
        return "text/plain; charset=utf-8";
      default:
        return "application/octet-stream";
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag) || c.equals("*")) {
        return true;
      }
    }
    return false;
  }

  private static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return '"'
          + new String(
              Base64.getUrlEncoder().withoutPadding().encode(java.util.Arrays.copyOf(digest, 12)),
              StandardCharsets.US_ASCII)
          + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

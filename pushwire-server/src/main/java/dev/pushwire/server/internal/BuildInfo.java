package dev.pushwire.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the build wrote into the jar: the program's version. */
public final class BuildInfo {
  private static final String RESOURCE = "/dev/pushwire/server/version.properties";

  private BuildInfo() {}

  /** The version, for example {@code 0.1.0-SNAPSHOT}, or {@code unknown} outside a build. */
  public static String version() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The Java runtime, for example {@code Java 25 (Eclipse Adoptium 25+36-LTS)}. */
  public static String runtime() {
    return "Java "
        + Runtime.version().feature()
        + " ("
        + System.getProperty("java.vendor", "?")
        + " "
        + Runtime.version()
        + "), "
        + System.getProperty("os.name", "?")
        + " "
        + System.getProperty("os.arch", "?");
  }
}

package dev.pushwire.server;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root folder, where {@code ./pushwire} and {@code docs/} are. */
final class RepoRoot {
  private RepoRoot() {}

  static Path get() {
    String fromBuild = System.getProperty("pushwire.repoRoot");
    Path root = fromBuild != null ? Path.of(fromBuild) : Path.of("").toAbsolutePath().getParent();
    if (!Files.isRegularFile(root.resolve("pushwire"))) {
      throw new IllegalStateException("no ./pushwire launcher in " + root);
    }
    return root;
  }
}

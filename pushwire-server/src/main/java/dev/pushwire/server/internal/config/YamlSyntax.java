package dev.pushwire.server.internal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns a YAML syntax error into one line a person can act on: the line where the mistake is, that
 * line's text, and what is wrong in plain words.
 *
 * <p>SnakeYAML reports two places: where the construct it was reading began (the context) and where
 * it noticed the problem, often the start of the next line or the end of the file. For an
 * unfinished construct the mistake is at the first; Jackson's location is neither (for a key
 * without its ':' on line 2 it says "line 1, column 12"). Its messages ("while scanning a simple
 * key") name parser states, not mistakes; the common ones are said here as what the writer of the
 * file most likely got wrong.
 */
public final class YamlSyntax {
  private YamlSyntax() {}

  /** {@code (line L, column C): 'TEXT': EXPLANATION}, for after "not valid YAML". */
  public static String explain(MarkedYAMLException e, Path file) {
    Mark mark = startsAtContext(e) ? e.getContextMark() : e.getProblemMark();
    String where =
        mark == null
            ? ""
            : "(line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
    String text = mark == null ? null : lineText(file, mark.getLine());
    String shown = text == null || text.isBlank() ? "" : ": '" + abbreviate(text.strip()) + "'";
    return where + shown + ": " + plainWords(e);
  }

  /**
   * Whether the mistake is where the construct began (a key without ':', an unclosed quote or
   * bracket: the problem is only noticed lines later), rather than where the problem was noticed.
   */
  private static boolean startsAtContext(MarkedYAMLException e) {
    String context = e.getContext() == null ? "" : e.getContext();
    return e.getContextMark() != null
        && (context.contains("simple key")
            || context.contains("quoted scalar")
            || context.contains("flow sequence")
            || context.contains("flow mapping"));
  }

  private static String plainWords(MarkedYAMLException e) {
    String context = e.getContext() == null ? "" : e.getContext();
    String problem = e.getProblem() == null ? "" : e.getProblem();
    if (context.contains("simple key") && problem.contains("expected ':'")) {
      return "expected 'key: value' (is the ':' after the key missing, or the space after it?)";
    }
    if (problem.contains("mapping values are not allowed")) {
      return "a ':' where a value should be (quote a value that contains ': ', or check the"
          + " indentation: a key indented under a value)";
    }
    if (context.contains("quoted scalar")) {
      return "a quoted value whose closing quote is missing";
    }
    if (problem.contains("'\\t'") || problem.contains("\\t")) {
      return "a tab: YAML indents with spaces";
    }
    if (context.contains("flow sequence") || context.contains("flow mapping")) {
      return "a '[' or '{' that is never closed";
    }
    if (problem.contains("did not find expected key")
        || problem.contains("did not find expected <block end>")) {
      return "the indentation does not line up with the keys above (a key or '- item' indented"
          + " differently from its neighbours?)";
    }
    return (context.isEmpty() ? "" : context + ": ") + problem;
  }

  private static String lineText(Path file, int line) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return line >= 0 && line < lines.size() ? lines.get(line) : null;
    } catch (IOException | RuntimeException e) {
      return null; // the error still says where; the text is a courtesy
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}

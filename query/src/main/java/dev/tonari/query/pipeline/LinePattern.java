package dev.tonari.query.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loki's pattern expressions ({@code <ip> - - <_> "<method> <uri> <_>"}): literals and captures,
 * {@code <_>} capturing nothing. Used by the pattern parser (extracting captures) and the pattern
 * line filters {@code |>} and {@code !>} (testing a whole line).
 */
final class LinePattern {
  /** A literal (capture is null) or a capture (literal is null; name "_" for unnamed). */
  private record Part(String literal, String capture) {}

  private final List<Part> parts;
  private final List<String> names;

  private LinePattern(List<Part> parts, List<String> names) {
    this.parts = parts;
    this.names = names;
  }

  static LinePattern parse(String pattern, boolean requireNamedCapture) throws PipelineCompileException {
    List<Part> parts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '<') {
        int end = i + 1;
        while (end < pattern.length() && (Character.isLetterOrDigit(pattern.charAt(end)) || pattern.charAt(end) == '_') && pattern.charAt(end) < 128) {
          end++;
        }
        if (end < pattern.length() && pattern.charAt(end) == '>' && end > i + 1 && !Character.isDigit(pattern.charAt(i + 1))) {
          String name = pattern.substring(i + 1, end);
          if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), null));
            literal.setLength(0);
          }
          if (!parts.isEmpty() && parts.get(parts.size() - 1).capture() != null) {
            throw new PipelineCompileException("found consecutive capture '" + name + "': syntax error");
          }
          if (!name.equals("_")) {
            if (!seen.add(name)) {
              throw new PipelineCompileException("duplicate capture name (" + name + "): syntax error");
            }
            names.add(name);
          }
          parts.add(new Part(null, name));
          i = end + 1;
          continue;
        }
      }
      literal.append(c);
      i++;
    }
    if (!literal.isEmpty()) {
      parts.add(new Part(literal.toString(), null));
    }
    if (parts.isEmpty()) {
      throw new PipelineCompileException("syntax error: empty pattern");
    }
    if (requireNamedCapture && names.isEmpty()) {
      throw new PipelineCompileException("at least one capture is required: syntax error");
    }
    return new LinePattern(parts, names);
  }

  List<String> names() {
    return names;
  }

  /**
   * The named captures of a line, in order, as Loki's matcher returns them: a leading literal must
   * start the line; a capture not followed by its literal takes the rest of the line and ends the
   * match; trailing unmatched captures are absent.
   */
  List<String> matches(String line) {
    List<String> captures = new ArrayList<>(names.size());
    if (line.isEmpty()) {
      return captures;
    }
    int index = 0;
    String rest = line;
    if (parts.get(0).literal() != null) {
      if (!rest.startsWith(parts.get(0).literal())) {
        return captures;
      }
      rest = rest.substring(parts.get(0).literal().length());
      index = 1;
    }
    while (index < parts.size()) {
      Part capture = parts.get(index);
      if (index == parts.size() - 1) {
        if (!capture.capture().equals("_")) {
          captures.add(rest);
        }
        return captures;
      }
      String literal = parts.get(index + 1).literal();
      index += 2;
      int found = rest.indexOf(literal);
      if (found < 0) {
        if (!capture.capture().equals("_")) {
          captures.add(rest);
        }
        return captures;
      }
      if (!capture.capture().equals("_")) {
        captures.add(rest.substring(0, found));
      }
      rest = rest.substring(found + literal.length());
    }
    return captures;
  }

  /** Whether a whole line matches, for {@code |>}: every literal in order, captures non-empty between literals. */
  boolean test(String line) {
    int offset = 0;
    for (int i = 0; i < parts.size(); i++) {
      String literal = parts.get(i).literal();
      if (literal == null) {
        continue;
      }
      int found = line.indexOf(literal, offset);
      if (found < 0) {
        return false;
      }
      if (i == 0 && found != 0) {
        return false;
      }
      if (i != 0 && found == offset) {
        return false;
      }
      offset = found + literal.length();
    }
    boolean endsWithLiteral = parts.get(parts.size() - 1).literal() != null;
    return !endsWithLiteral || offset == line.length();
  }
}

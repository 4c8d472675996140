package dev.tonari.rules.file;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import java.util.List;

/**
 * Maps the position of a LogQL parse error, which is relative to the expression, into the rule
 * file, so that a lint or a 400 points at the offending token and not at the start of a
 * twenty-line {@code expr: |} block. Mapping needs the expression's characters to stand in the
 * file as they are in the expression: a plain scalar, a quoted one up to the error (no escape
 * before it), or a literal block ({@code |}, whose lines are the file's lines less their
 * indentation). Anything else (folded blocks, escapes) keeps the scalar's own position; the
 * message then still carries the parser's position within the expression.
 */
final class ExprPositions {
  private ExprPositions() {}

  /** The file position of the error, or empty when it cannot be placed exactly. */
  static java.util.Optional<Position> locate(List<String> sourceLines, Scalar scalar, String expr, LogqlParseException error) {
    if (error.line() <= 0 || error.column() <= 0) {
      return java.util.Optional.empty();
    }
    int lineIndex = scalar.position().line() - 1;
    int columnIndex = scalar.position().column() - 1;
    if (lineIndex < 0 || lineIndex >= sourceLines.size() || columnIndex >= sourceLines.get(lineIndex).length()) {
      return java.util.Optional.empty();
    }
    String[] exprLines = expr.split("\n", -1);
    if (error.line() > exprLines.length) {
      return java.util.Optional.empty();
    }
    String errorLine = exprLines[error.line() - 1];
    int prefixLength = charsOfCodePoints(errorLine, error.column() - 1);
    if (prefixLength < 0) {
      return java.util.Optional.empty();
    }
    String prefix = errorLine.substring(0, prefixLength);
    String first = sourceLines.get(lineIndex);
    char start = first.charAt(columnIndex);
    if (start == '|') {
      int sourceIndex = lineIndex + error.line();
      if (sourceIndex >= sourceLines.size()) {
        return java.util.Optional.empty();
      }
      int indent = blockIndent(sourceLines, lineIndex + 1);
      String line = sourceLines.get(sourceIndex);
      if (indent < 0 || line.length() < indent || !line.substring(indent).startsWith(prefix)) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new Position(sourceIndex + 1, indent + prefixLength + 1));
    }
    if (start == '>' || error.line() != 1) {
      return java.util.Optional.empty();
    }
    int contentStart = start == '\'' || start == '"' ? columnIndex + 1 : columnIndex;
    String before = prefix;
    if (!first.startsWith(before, contentStart) || (start == '\'' && before.contains("'")) || (start == '"' && before.contains("\\"))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Position(lineIndex + 1, contentStart + prefixLength + 1));
  }

  /** The indentation of a block scalar's content: that of its first non-blank line; -1 when none. */
  private static int blockIndent(List<String> sourceLines, int from) {
    for (int i = from; i < sourceLines.size(); i++) {
      String line = sourceLines.get(i);
      if (!line.isBlank()) {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ') {
          indent++;
        }
        return indent;
      }
    }
    return -1;
  }

  /** How many chars the first {@code codePoints} code points of {@code text} take; -1 past its end. */
  private static int charsOfCodePoints(String text, int codePoints) {
    if (codePoints > text.codePointCount(0, text.length())) {
      return -1;
    }
    return text.offsetByCodePoints(0, codePoints);
  }
}

package dev.tonari.query.pipeline;

import dev.tonari.logql.LabelExtraction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code | logfmt [--strict] [--keep-empty] [label="key", ...]}: {@code key=value} pairs become
 * labels; values may be double-quoted with Go escapes. Without {@code --strict} malformed pairs are
 * skipped; with it the parser stops at the first one and marks the line
 * {@code __error__=LogfmtParserErr}. Keys without a value are skipped unless {@code --keep-empty}.
 * With extraction parameters only the named keys are kept, each as its label (empty when absent).
 */
final class LogfmtParserStage implements Stage {
  private final boolean strict;
  private final boolean keepEmpty;
  /** Key in the line -> label name, for extraction parameters; null for all keys. */
  private final Map<String, String> extractions;

  LogfmtParserStage(boolean strict, boolean keepEmpty, List<LabelExtraction> extractions) {
    this.strict = strict;
    this.keepEmpty = keepEmpty;
    if (extractions.isEmpty()) {
      this.extractions = null;
    } else {
      this.extractions = new HashMap<>();
      for (LabelExtraction extraction : extractions) {
        this.extractions.put(extraction.expression(), extraction.label());
      }
    }
  }

  @Override
  public boolean process(LineState state) {
    LabelsBuilder labels = state.labels;
    if (extractions != null) {
      for (String label : extractions.values()) {
        if (!labels.baseHas(label)) {
          labels.set(label, "");
        }
      }
    }
    String line = state.line;
    int length = line.length();
    int position = 0;
    while (position < length) {
      while (position < length && line.charAt(position) <= ' ') {
        position++;
      }
      if (position >= length) {
        break;
      }
      int keyStart = position;
      while (position < length && line.charAt(position) > ' ' && line.charAt(position) != '=' && line.charAt(position) != '"') {
        position++;
      }
      String key = line.substring(keyStart, position);
      if (key.isEmpty()) {
        // A pair that starts with '=' or '"'.
        if (strict) {
          labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (position + 1) + " : unexpected '" + line.charAt(position) + "'");
          return true;
        }
        position = skipToSpace(line, position);
        continue;
      }
      if (position >= length || line.charAt(position) <= ' ') {
        if (keepEmpty) {
          emit(labels, key, "");
        }
        continue;
      }
      if (line.charAt(position) == '"') {
        if (strict) {
          labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (position + 1) + " : unexpected '\"'");
          return true;
        }
        position = skipToSpace(line, position);
        continue;
      }
      // line.charAt(position) == '='
      position++;
      String value;
      if (position < length && line.charAt(position) == '"') {
        StringBuilder out = new StringBuilder();
        position++;
        boolean closed = false;
        while (position < length) {
          char c = line.charAt(position++);
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\' && position < length) {
            char e = line.charAt(position++);
            switch (e) {
              case 'n' -> out.append('\n');
              case 't' -> out.append('\t');
              case 'r' -> out.append('\r');
              case '"', '\\', '/' -> out.append(e);
              case 'u' -> {
                if (position + 4 <= length) {
                  try {
                    out.append((char) Integer.parseInt(line.substring(position, position + 4), 16));
                    position += 4;
                  } catch (NumberFormatException ex) {
                    out.append('\\').append(e);
                  }
                } else {
                  out.append('\\').append(e);
                }
              }
              default -> out.append('\\').append(e);
            }
            continue;
          }
          out.append(c);
        }
        if (!closed) {
          if (strict) {
            labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (position + 1) + " : unterminated quoted value");
            return true;
          }
          continue;
        }
        if (position < length && line.charAt(position) > ' ') {
          if (strict) {
            labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (position + 1) + " : unexpected '" + line.charAt(position) + "'");
            return true;
          }
          position = skipToSpace(line, position);
          continue;
        }
        value = out.toString();
      } else {
        int valueStart = position;
        boolean bad = false;
        while (position < length && line.charAt(position) > ' ') {
          char c = line.charAt(position);
          if (c == '=' || c == '"') {
            bad = true;
            if (strict) {
              labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (position + 1) + " : unexpected '" + c + "'");
              return true;
            }
          }
          position++;
        }
        if (bad) {
          continue;
        }
        value = line.substring(valueStart, position);
      }
      if (value.isEmpty() && !keepEmpty) {
        continue;
      }
      emit(labels, key, value);
    }
    return true;
  }

  private void emit(LabelsBuilder labels, String key, String value) {
    if (value.indexOf('\ufffd') >= 0) {
      value = "";
    }
    if (extractions != null) {
      String label = extractions.get(key);
      if (label != null) {
        labels.set(LabelNames.forParsed(labels, label), value);
      }
      return;
    }
    String sanitized = LabelNames.sanitize(key, true);
    if (sanitized.isEmpty()) {
      return;
    }
    labels.set(LabelNames.forParsed(labels, sanitized), value);
  }

  private static int skipToSpace(String line, int position) {
    while (position < line.length() && line.charAt(position) > ' ') {
      position++;
    }
    return position;
  }
}

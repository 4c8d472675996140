package dev.tonari.query.pipeline;

import dev.tonari.logql.LabelExtraction;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code | logfmt [--strict] [--keep-empty] [label="key", ...]}: {@code key=value} pairs become
 * labels; values may be double-quoted with Go escapes. Without {@code --strict} malformed pairs are
 * skipped; with it the parser stops at the first one and marks the line
 * {@code __error__=LogfmtParserErr}. Keys without a value are skipped unless {@code --keep-empty}.
 * With extraction parameters only the named keys are kept, each as its label (empty when absent).
 * With parser hints (needed label names, no extraction parameters) only those labels are added;
 * other values are still scanned, so that {@code --strict} errors are the same, but not copied.
 */
final class LogfmtParserStage implements Stage {
  private final boolean strict;
  private final boolean keepEmpty;
  /** Key in the line -> label name, for extraction parameters; null for all keys. */
  private final Map<String, String> extractions;
  /** The only label names to add (final names), or null for all; never set with extractions. */
  private final Set<String> neededLabels;
  /**
   * With hints, every key spelled only in {@code [a-zA-Z0-9_]} (not starting with a digit) that can
   * become a needed label: the needed name itself, or it without {@code _extracted}. Such a key
   * sanitizes to itself, so one absent from here is unwanted and is never copied out of the line.
   */
  private final String[] plainCandidateKeys;

  LogfmtParserStage(boolean strict, boolean keepEmpty, List<LabelExtraction> extractions) {
    this(strict, keepEmpty, extractions, null);
  }

  LogfmtParserStage(boolean strict, boolean keepEmpty, List<LabelExtraction> extractions, Set<String> neededLabels) {
    this.strict = strict;
    this.keepEmpty = keepEmpty;
    this.neededLabels = neededLabels == null || !extractions.isEmpty() ? null : Set.copyOf(neededLabels);
    this.plainCandidateKeys = this.neededLabels == null ? null : plainCandidateKeys(this.neededLabels);
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
      int keyEnd = position;
      if (keyEnd == keyStart) {
        // A pair that starts with '=' or '"'.
        if (strict) {
          labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (position + 1) + " : unexpected '" + line.charAt(position) + "'");
          return true;
        }
        position = skipToSpace(line, position);
        continue;
      }
      if (position >= length || line.charAt(position) <= ' ') {
        if (keepEmpty && isWanted(labels, line, keyStart, keyEnd)) {
          emit(labels, line.substring(keyStart, keyEnd), "");
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
      // Asked only for pairs: words of lines that are not logfmt never reach here.
      boolean wanted = isWanted(labels, line, keyStart, keyEnd);
      String value;
      if (position < length && line.charAt(position) == '"') {
        // A value nobody reads is scanned for its end (and, with --strict, its errors) but not copied.
        StringBuilder out = wanted ? new StringBuilder() : null;
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
              case 'n' -> append(out, '\n');
              case 't' -> append(out, '\t');
              case 'r' -> append(out, '\r');
              case '"', '\\', '/' -> append(out, e);
              case 'u' -> {
                if (position + 4 <= length) {
                  try {
                    char decoded = (char) Integer.parseInt(line.substring(position, position + 4), 16);
                    append(out, decoded);
                    position += 4;
                  } catch (NumberFormatException ex) {
                    append(out, '\\');
                    append(out, e);
                  }
                } else {
                  append(out, '\\');
                  append(out, e);
                }
              }
              default -> {
                append(out, '\\');
                append(out, e);
              }
            }
            continue;
          }
          append(out, c);
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
        if (out == null) {
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
        if (bad || !wanted) {
          continue;
        }
        value = line.substring(valueStart, position);
      }
      if (value.isEmpty() && !keepEmpty) {
        continue;
      }
      emit(labels, line.substring(keyStart, keyEnd), value);
    }
    return true;
  }

  private static void append(StringBuilder out, char c) {
    if (out != null) {
      out.append(c);
    }
  }

  /**
   * Whether the key {@code line[keyStart, keyEnd)} may become a label: always without hints; with
   * hints, when its label is needed. Most keys of a hinted query are unwanted plain names, rejected
   * here by comparing in place, before any substring is made.
   */
  private boolean isWanted(LabelsBuilder labels, String line, int keyStart, int keyEnd) {
    if (neededLabels == null) {
      return true;
    }
    if (isPlainName(line, keyStart, keyEnd) && !isPlainCandidate(line, keyStart, keyEnd)) {
      return false;
    }
    String key = line.substring(keyStart, keyEnd);
    // Most keys are valid label names already, which sanitizing would return unchanged.
    String sanitized = LabelNames.isValid(key) ? key : LabelNames.sanitize(key, true);
    return !sanitized.isEmpty() && neededLabels.contains(LabelNames.forParsed(labels, sanitized));
  }

  private boolean isPlainCandidate(String line, int keyStart, int keyEnd) {
    int keyLength = keyEnd - keyStart;
    for (String candidate : plainCandidateKeys) {
      if (candidate.length() == keyLength && line.regionMatches(keyStart, candidate, 0, keyLength)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the key is a valid label name as it stands, which {@link LabelNames#sanitize} returns unchanged. */
  private static boolean isPlainName(String line, int keyStart, int keyEnd) {
    char first = line.charAt(keyStart);
    if (first >= '0' && first <= '9') {
      return false;
    }
    for (int i = keyStart; i < keyEnd; i++) {
      char c = line.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String[] plainCandidateKeys(Set<String> neededLabels) {
    Set<String> candidates = new LinkedHashSet<>();
    for (String needed : neededLabels) {
      candidates.add(needed);
      if (needed.endsWith(LabelsBuilder.DUPLICATE_SUFFIX)) {
        candidates.add(needed.substring(0, needed.length() - LabelsBuilder.DUPLICATE_SUFFIX.length()));
      }
    }
    return candidates.toArray(String[]::new);
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

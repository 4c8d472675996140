package dev.tonari.query.pipeline;

import dev.tonari.logql.LabelExtraction;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code | logfmt [--strict] [--keep-empty] [label="key", ...]}: {@code key=value} pairs become
 * labels; values may be double-quoted with Go's JSON escapes. The line is read as Loki 3.x's
 * decoder reads it: without {@code --strict} a malformed pair is skipped; with it the parser stops
 * at the first one, keeps the labels before it and marks the line {@code __error__=LogfmtParserErr}
 * with Loki's {@code __error_details__} ({@code logfmt syntax error at pos N : unexpected '='},
 * {@code unterminated quoted value}, {@code invalid quoted value}, {@code invalid key}; N counts
 * UTF-8 bytes from 1). A closing quote needs no space after it: {@code a="x"b=y} is two pairs. Keys without a value are skipped unless {@code --keep-empty}.
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
    // Read as Loki's decoder reads: a fault ends the pair it is in (and, with --strict, the line);
    // the next pair starts at the next character above space.
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
      char stop = position < length ? line.charAt(position) : ' ';
      if (stop == '"' || (stop == '=' && keyEnd == keyStart)) {
        if (strict) {
          return fail(labels, line, position, unexpected(stop));
        }
        position = skipToSpace(line, position);
        continue;
      }
      if (line.indexOf('\ufffd', keyStart) >= 0 && line.indexOf('\ufffd', keyStart) < keyEnd) {
        if (strict) {
          return fail(labels, line, position, "invalid key");
        }
        position = stop == '=' ? skipToSpace(line, position) : position;
        continue;
      }
      if (stop != '=') {
        // A key without '=': a pair with an empty value.
        if (keepEmpty && isWanted(labels, line, keyStart, keyEnd)) {
          emit(labels, line.substring(keyStart, keyEnd), "");
        }
        continue;
      }
      position++;
      // Asked only for pairs: words of lines that are not logfmt never reach here.
      boolean wanted = isWanted(labels, line, keyStart, keyEnd);
      String value;
      if (position >= length || line.charAt(position) <= ' ') {
        value = "";
      } else if (line.charAt(position) == '"') {
        int open = position;
        int close = -1;
        boolean escaped = false;
        for (int i = open + 1; i < length; i++) {
          char c = line.charAt(i);
          if (c == '\\') {
            escaped = true;
            i++;
          } else if (c == '"') {
            close = i;
            break;
          }
        }
        if (close < 0) {
          if (strict) {
            return fail(labels, line, length, "unterminated quoted value");
          }
          break;
        }
        position = close + 1;
        if (!escaped) {
          value = wanted ? line.substring(open + 1, close) : "";
        } else {
          // Escapes are checked whether the value is wanted or not: an invalid one is a fault.
          String unquoted = unquote(line, open + 1, close);
          if (unquoted == null) {
            if (strict) {
              return fail(labels, line, position, "invalid quoted value");
            }
            continue;
          }
          value = unquoted;
        }
      } else {
        int valueStart = position;
        while (position < length && line.charAt(position) > ' ') {
          char c = line.charAt(position);
          if (c == '=' || c == '"') {
            if (strict) {
              return fail(labels, line, position, unexpected(c));
            }
            break;
          }
          position++;
        }
        if (position < length && line.charAt(position) > ' ') {
          position = skipToSpace(line, position);
          continue;
        }
        value = wanted ? line.substring(valueStart, position) : "";
      }
      if (!wanted) {
        continue;
      }
      if (value.indexOf('\ufffd') >= 0) {
        value = "";
      }
      if (value.isEmpty() && !keepEmpty) {
        continue;
      }
      emit(labels, line.substring(keyStart, keyEnd), value);
    }
    return true;
  }

  /** Marks the line with Loki's message; {@code position} is a character index, reported as Loki's 1-based byte position. */
  private static boolean fail(LabelsBuilder labels, String line, int position, String message) {
    labels.setError(ErrorNames.LOGFMT, "logfmt syntax error at pos " + (utf8Length(line, position) + 1) + " : " + message);
    return true;
  }

  /** Go's {@code %q} of the byte, as Loki's decoder words it: {@code unexpected '='}. */
  private static String unexpected(char c) {
    return "unexpected '" + (c == '\'' ? "\\'" : String.valueOf(c)) + "'";
  }

  private static int utf8Length(String line, int end) {
    int bytes = 0;
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(line.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * A quoted value with escapes, as Go's JSON string rules read it ({@code \" \\ \/ \' \b \f \n
   * \r \t \\uXXXX}; a lone surrogate becomes U+FFFD); null when an escape is invalid or a control
   * character stands unescaped.
   */
  static String unquote(String line, int start, int end) {
    StringBuilder out = new StringBuilder(end - start);
    int i = start;
    while (i < end) {
      char c = line.charAt(i);
      if (c < ' ') {
        return null;
      }
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= end) {
        return null;
      }
      char e = line.charAt(i + 1);
      switch (e) {
        case '"', '\\', '/', '\'' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          int unit = JsonObjectWalker.hex4(line, i + 2, end);
          if (unit < 0) {
            return null;
          }
          i += 6;
          if (Character.isSurrogate((char) unit)) {
            int low = i + 1 < end && line.charAt(i) == '\\' && line.charAt(i + 1) == 'u' ? JsonObjectWalker.hex4(line, i + 2, end) : -1;
            if (Character.isHighSurrogate((char) unit) && low >= 0 && Character.isLowSurrogate((char) low)) {
              out.append((char) unit).append((char) low);
              i += 6;
            } else {
              out.append('\ufffd');
            }
          } else {
            out.append((char) unit);
          }
          continue;
        }
        default -> {
          return null;
        }
      }
      i += 2;
    }
    return out.toString();
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

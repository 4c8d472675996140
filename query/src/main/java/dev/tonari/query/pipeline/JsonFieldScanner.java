package dev.tonari.query.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the few fields a query needs from a JSON line given as UTF-8 bytes, with the rules of
 * {@code | json} without parameters ({@link JsonParserStage}): nested objects flattened with
 * {@code _}, strings, numbers and booleans set (a later key replacing an earlier one, an empty
 * string set as empty), arrays and nulls skipped. The whole line is walked, so that a line the
 * String parser would reject is never taken for clean, but no String is made: a wanted field's
 * value is left as a byte range in {@link #valueStart}/{@link #valueEnd} per slot of the {@link
 * FieldKeys} (a string's range is inside its quotes, a number's or boolean's is its text).
 *
 * <p>{@link #scan} returns false, and the caller must run the String parser on the line, for a
 * line that is not a JSON object this scanner accepts (it accepts a subset of what the String
 * parser does: strict JSON with nothing after the object, no control characters in strings, no
 * numbers with a leading zero, no trailing comma, no escapes in keys, nesting up to {@link
 * #MAX_DEPTH}), a wanted string that needs decoding (escapes, non-ASCII bytes), or a key it cannot
 * compare in place. Not thread-safe: one per stream and thread.
 *
 * <p>A line with the {@link JsonLineShape} of the last line learnt (the same bytes between its
 * values) is taken without walking its keys again: only its values are parsed, with the walk's
 * own methods, so it gets the values and the verdict the walk would give.
 */
public final class JsonFieldScanner {
  /** Deeper lines go to the String parser, whose own limit is far higher. */
  static final int MAX_DEPTH = 32;
  /**
   * Lines in a row without the kept shape before a new one is learnt: a stream mixing a few
   * formats keeps the commonest, one whose format changed learns the new one soon.
   */
  private static final int RELEARN_AFTER_MISSES = 4;
  private static final int MAX_NAME_BYTES = 256;

  private final FieldKeys keys;
  /** Per slot: the value's first byte and the byte after it, or -1 when the line has none. */
  public final int[] valueStart;

  public final int[] valueEnd;
  private final byte[] prefix = new byte[MAX_NAME_BYTES];
  private byte[] line;
  private int end;
  private int position;
  /** Whether the key {@link #skipKey} last passed was ASCII without escapes. */
  private boolean keyPlain;
  /** The shape of the last line learnt, which most lines of a stream share. */
  private final JsonLineShape shape = new JsonLineShape();
  /** Lines in a row that did not have the kept shape: after a few, the next clean line becomes the shape. */
  private int missesInARow;
  /** Whether the full walk under way records its line's shape. */
  private boolean recording;
  /** Where the last leaf value of the walk ended (the line's start before the first). */
  private int lastValueEnd;
  /** Lines taken by their shape, for the tests to see that the shape is used at all. */
  long linesTakenByShape;

  public JsonFieldScanner(FieldKeys keys) {
    this.keys = keys;
    this.valueStart = new int[keys.slotCount()];
    this.valueEnd = new int[keys.slotCount()];
  }

  /**
   * Whether the line before took the shape: a caller's search for names the line must hold gains
   * nothing then (the lines that follow are mostly of the same shape, and the shape is cheaper).
   */
  public boolean lastLineTookShape() {
    return missesInARow == 0 && shape.values >= 0;
  }

  /** Scans one line; false when it needs the String parser (see the class comment). */
  public boolean scan(byte[] buffer, int offset, int length) {
    Arrays.fill(valueStart, -1);
    Arrays.fill(valueEnd, -1);
    this.line = buffer;
    this.end = offset + length;
    try {
      if (shape.values >= 0) {
        if (scanByShape(offset)) {
          missesInARow = 0;
          linesTakenByShape++;
          return true;
        }
        // The shape may have filled slots before the line left it.
        Arrays.fill(valueStart, -1);
        Arrays.fill(valueEnd, -1);
        missesInARow++;
      }
      recording = shape.values < 0 || missesInARow >= RELEARN_AFTER_MISSES;
      if (recording) {
        shape.startRecording();
      }
      lastValueEnd = offset;
      position = offset;
      skipSpaces();
      if (position >= end || line[position] != '{') {
        return false;
      }
      if (!object(0, 0)) {
        return false;
      }
      skipSpaces();
      boolean taken = position == end;
      if (taken && recording) {
        shape.keepRecorded(line, lastValueEnd, end);
        missesInARow = 0;
      }
      return taken;
    } finally {
      this.line = null;
    }
  }

  /**
   * Takes the line when it has the kept shape: the same bytes between its values, values of the
   * same kinds that parse (see {@link JsonLineShape} for why this gives what the full walk gives).
   * False when it does not, whatever the reason: the full walk then decides the line.
   */
  private boolean scanByShape(int offset) {
    JsonLineShape kept = shape;
    byte[] bytes = line;
    int lineEnd = end;
    int at = offset;
    for (int value = 0; value < kept.values; value++) {
      at = kept.segmentEnd(value, bytes, at, lineEnd);
      if (at < 0) {
        return false;
      }
      int slot = kept.slots[value];
      byte kind = kept.kinds[value];
      if (kind == JsonLineShape.STRING) {
        // The segment ends with the opening quote.
        int after = stringEnd(bytes, at, lineEnd);
        if (after < 0) {
          return false;
        }
        if (!takeString(slot, at, after - 1)) {
          return false;
        }
        at = after;
      } else {
        if (at >= lineEnd) {
          return false;
        }
        byte first = bytes[at];
        position = at;
        if (kind == JsonLineShape.SCALAR) {
          // The walk reads these first bytes as a string, an object or a skipped value instead.
          if (first == '"' || first == '{' || first == '[' || first == 'n' || !scalar()) {
            return false;
          }
          if (slot >= 0) {
            valueStart[slot] = at;
            valueEnd[slot] = position;
          }
        } else if ((first != '[' && first != 'n') || !skipValue(kept.depths[value])) {
          return false;
        }
        at = position;
      }
    }
    return kept.segmentEnd(kept.values, bytes, at, lineEnd) == lineEnd;
  }

  private boolean object(int prefixLength, int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    position++; // '{'
    skipSpaces();
    if (position < end && line[position] == '}') {
      position++;
      return true;
    }
    while (true) {
      skipSpaces();
      if (position >= end || line[position] != '"') {
        return false;
      }
      int keyStart = position + 1;
      if (!skipKey()) {
        return false;
      }
      int keyEnd = position - 1;
      if (!expect(':')) {
        return false;
      }
      skipSpaces();
      if (position >= end) {
        return false;
      }
      byte first = line[position];
      if (first == '{' || first == '[' || first == 'n') {
        if (first == '{') {
          if (!plainKey(keyStart, keyEnd)) {
            return false;
          }
          int childLength = FieldKeys.appendPrefix(prefix, prefixLength, line, keyStart, keyEnd);
          if (childLength < 0 || !object(childLength, depth + 1)) {
            return false;
          }
        } else {
          if (recording) {
            shape.recordValue(lastValueEnd, position, JsonLineShape.SKIPPED, FieldKeys.NONE, depth + 1);
          }
          if (!skipValue(depth + 1)) {
            return false;
          }
          lastValueEnd = position;
        }
      } else {
        if (!plainKey(keyStart, keyEnd)) {
          return false;
        }
        int slot = keys.matchAscii(prefix, prefixLength, line, keyStart, keyEnd, prefixLength == 0);
        if (slot == FieldKeys.UNDECIDED) {
          return false;
        }
        if (recording) {
          shape.recordValue(lastValueEnd, first == '"' ? position + 1 : position, first == '"' ? JsonLineShape.STRING : JsonLineShape.SCALAR, slot, depth + 1);
        }
        if (first == '"') {
          int valueStartAt = position + 1;
          if (!skipString()) {
            return false;
          }
          if (!takeString(slot, valueStartAt, position - 1)) {
            return false;
          }
        } else {
          int valueStartAt = position;
          if (!scalar()) {
            return false;
          }
          if (slot >= 0) {
            valueStart[slot] = valueStartAt;
            valueEnd[slot] = position;
          }
        }
        lastValueEnd = position;
      }
      skipSpaces();
      if (position < end && line[position] == ',') {
        position++;
        continue;
      }
      return expect('}');
    }
  }

  /**
   * A key that names without decoding: no escape, ASCII only (the name comparison checks the rest);
   * {@link #skipKey} saw its bytes, so only the ends are looked at again.
   */
  private boolean plainKey(int from, int to) {
    return keyPlain && !FieldKeys.trimmableEnds(line, from, to);
  }

  /**
   * Keeps the string value inside its quotes {@code [from, to)} for a wanted slot; false when it
   * needs decoding (the String parser then takes the line). An unwanted slot ({@code < 0}) keeps
   * nothing and never fails.
   */
  private boolean takeString(int slot, int from, int to) {
    if (slot < 0) {
      return true;
    }
    if (!plainBytes(from, to)) {
      return false;
    }
    valueStart[slot] = from;
    valueEnd[slot] = to;
    return true;
  }

    private boolean plainBytes(int from, int to) {
    for (int i = from; i < to; i++) {
      if (line[i] < 0 || line[i] == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves past a key of the object being walked, starting at its quote; false for a key with an
   * escape: the String parser unescapes every such key, even of a skipped value, and fails on
   * escapes {@link #skipString} accepts (a lone surrogate), so those lines are left to it.
   */
  private boolean skipKey() {
    position++;
    int bits = 0;
    while (position < end) {
      byte c = line[position++];
      if (c == '"') {
        keyPlain = bits >= 0;
        return true;
      }
      if (c == '\\' || (c >= 0 && c < ' ')) {
        return false;
      }
      bits |= c;
    }
    return false;
  }

  /** Moves past a string starting at its quote, checking its escapes; false on anything doubtful. */
  private boolean skipString() {
    int after = stringEnd(line, position + 1, end);
    if (after < 0) {
      return false;
    }
    position = after;
    return true;
  }

  /**
   * The position after the closing quote of a string whose content starts at {@code from},
   * checking its escapes; -1 on anything doubtful. Static, on locals: it is most of a shaped line's
   * time, and the JIT keeps locals in registers where it stores fields back on every step.
   */
  private static int stringEnd(byte[] line, int from, int end) {
    int at = from;
    while (at < end) {
      at = nextSpecial(line, at, end);
      if (at >= end) {
        return -1;
      }
      byte c = line[at++];
      if (c == '"') {
        return at;
      }
      if (c >= 0 && c < ' ') {
        return -1;
      }
      if (c == '\\') {
        if (at >= end) {
          return -1;
        }
        byte escaped = line[at++];
        switch (escaped) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
          case 'u' -> {
            if (at + 4 > end) {
              return -1;
            }
            for (int i = 0; i < 4; i++) {
              if (!isHex(line[at + i])) {
                return -1;
              }
            }
            at += 4;
          }
          default -> {
            return -1;
          }
        }
      }
    }
    return -1;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The first position at or after {@code from} holding a quote, a backslash or a control byte
   * (below 0x20), or a position within 7 bytes of {@code end} (the caller goes on byte by byte
   * there): eight bytes at a time, since string values (messages, ids) are most of a JSON line.
   */
  static int nextSpecial(byte[] line, int from, int end) {
    int position = from;
    while (position + Long.BYTES <= end) {
      long word = (long) LONGS.get(line, position);
      long quotes = word ^ (ONES * '"');
      long backslashes = word ^ (ONES * '\\');
      // A byte is flagged when it is zero after the xor (quote, backslash) or below 0x20; borrows
      // flag only bytes above a real hit, so the lowest flag is a real one.
      long special = ((quotes - ONES) & ~quotes) | ((backslashes - ONES) & ~backslashes) | ((word - ONES * 0x20) & ~word);
      special &= HIGHS;
      if (special != 0) {
        return position + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      position += Long.BYTES;
    }
    return position;
  }

  private static boolean isHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }

  /** A number, true, false or null. */
  private boolean scalar() {
    byte c = line[position];
    if (c == 't') {
      return word("true");
    }
    if (c == 'f') {
      return word("false");
    }
    if (c == 'n') {
      return word("null");
    }
    if (c == '-') {
      position++;
    }
    int digits = position;
    while (position < end && isDigit(line[position])) {
      position++;
    }
    if (position == digits || (position - digits > 1 && line[digits] == '0')) {
      return false;
    }
    if (position < end && line[position] == '.') {
      position++;
      int fraction = position;
      while (position < end && isDigit(line[position])) {
        position++;
      }
      if (position == fraction) {
        return false;
      }
    }
    if (position < end && (line[position] == 'e' || line[position] == 'E')) {
      position++;
      if (position < end && (line[position] == '+' || line[position] == '-')) {
        position++;
      }
      int exponent = position;
      while (position < end && isDigit(line[position])) {
        position++;
      }
      if (position == exponent) {
        return false;
      }
    }
    return true;
  }

  private boolean word(String word) {
    if (position + word.length() > end) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (line[position + i] != word.charAt(i)) {
        return false;
      }
    }
    position += word.length();
    return true;
  }

  private boolean skipValue(int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    skipSpaces();
    if (position >= end) {
      return false;
    }
    byte c = line[position];
    switch (c) {
      case '"' -> {
        return skipString();
      }
      case '{' -> {
        position++;
        skipSpaces();
        if (position < end && line[position] == '}') {
          position++;
          return true;
        }
        while (true) {
          skipSpaces();
          if (position >= end || line[position] != '"' || !skipString() || !expect(':') || !skipValue(depth + 1)) {
            return false;
          }
          skipSpaces();
          if (position < end && line[position] == ',') {
            position++;
            continue;
          }
          return expect('}');
        }
      }
      case '[' -> {
        position++;
        skipSpaces();
        if (position < end && line[position] == ']') {
          position++;
          return true;
        }
        while (true) {
          if (!skipValue(depth + 1)) {
            return false;
          }
          skipSpaces();
          if (position < end && line[position] == ',') {
            position++;
            continue;
          }
          return expect(']');
        }
      }
      default -> {
        return scalar();
      }
    }
  }

  private boolean expect(char c) {
    skipSpaces();
    if (position < end && line[position] == c) {
      position++;
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (position < end) {
      byte c = line[position];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}

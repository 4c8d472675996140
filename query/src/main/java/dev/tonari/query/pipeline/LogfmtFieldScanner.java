package dev.tonari.query.pipeline;

import java.util.Arrays;

/**
 * Reads the few fields a query needs from a logfmt line given as UTF-8 bytes, with the rules of
 * {@code | logfmt} without flags or parameters ({@link LogfmtParserStage}): pairs separated by
 * bytes {@code <= ' '}, values bare or double-quoted (the next pair may follow a closing quote
 * without a space), malformed pairs skipped, an unterminated quote ending the line, empty values
 * not set, a later pair replacing an earlier one. No String is made: each wanted field's value is
 * left as a byte range in {@link #valueStart}/{@link #valueEnd}, per slot of the {@link FieldKeys}.
 *
 * <p>{@link #scan} returns false, and the caller must run the String parser on the line instead,
 * whenever a wanted value would not be its bytes as they stand (an escape in a quoted value,
 * non-ASCII bytes, which the String parser decodes and may blank) or a key cannot be compared in
 * place. Keys and values nobody wants are only walked over. Not thread-safe: one per stream and
 * thread.
 */
public final class LogfmtFieldScanner {
  private final FieldKeys keys;
  /** Per slot: the value's first byte and the byte after it, or -1 when the line has none. */
  public final int[] valueStart;

  public final int[] valueEnd;
  /** Slots of the line being scanned that have a value so far. */
  private int found;

  public LogfmtFieldScanner(FieldKeys keys) {
    this.keys = keys;
    this.valueStart = new int[keys.slotCount()];
    this.valueEnd = new int[keys.slotCount()];
  }

  /** Scans one line; false when it needs the String parser (see the class comment). */
  public boolean scan(byte[] line, int offset, int length) {
    Arrays.fill(valueStart, -1);
    Arrays.fill(valueEnd, -1);
    int end = offset + length;
    int position = offset;
    found = 0;
    // A line none of whose keys can be wanted (in a logfmt query, the JSON, access and stack-trace
    // lines) has nothing for the query: not walked at all.
    if (keys.noNameIn(line, offset, end)) {
      return true;
    }
    boolean restSearched = false;
    while (position < end) {
      if (found == keys.keyedSlots() && !restSearched) {
        // Every wanted key has its value. A later pair would replace one, but only with a key that
        // holds the name's letters: when the rest of the line has none, nothing after can change
        // the values, and the line is not walked further (the rest holds no wanted value either).
        restSearched = true;
        if (keys.noNameIn(line, position, end)) {
          return true;
        }
      }
      while (position < end && unsigned(line[position]) <= ' ') {
        position++;
      }
      if (position >= end) {
        break;
      }
      int keyStart = position;
      // Bytes >= 0x80 are > ' ' unsigned; the key is ASCII when no byte had its sign bit set.
      int keyBits = 0;
      while (position < end) {
        byte c = line[position];
        if (unsigned(c) <= ' ' || c == '=' || c == '"') {
          break;
        }
        keyBits |= c;
        position++;
      }
      int keyEnd = position;
      if (keyEnd == keyStart) {
        // A pair that starts with '=' or '"': skipped.
        position = skipToSpace(line, position, end);
        continue;
      }
      if (position >= end || unsigned(line[position]) <= ' ') {
        // A key without a value: not set without --keep-empty.
        continue;
      }
      if (line[position] == '"') {
        position = skipToSpace(line, position, end);
        continue;
      }
      position++; // '='
      int slot = keyBits < 0 ? keys.match(null, 0, line, keyStart, keyEnd, true) : keys.matchAscii(null, 0, line, keyStart, keyEnd, true);
      if (slot == FieldKeys.UNDECIDED) {
        return false;
      }
      if (position < end && line[position] == '"') {
        position++;
        int valueFrom = position;
        boolean plain = true;
        boolean closed = false;
        while (position < end) {
          byte c = line[position++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c < 0) {
            plain = false;
          } else if (c == '\\' && position < end) {
            plain = false;
            position++;
          }
        }
        int valueTo = position - 1;
        if (!closed) {
          // An unterminated quote ends the line's pairs: the loop ends at the line's end.
          continue;
        }
        // No space is needed after the closing quote: in a="x"b=y the next pair starts right here.
        if (slot >= 0) {
          if (!plain) {
            return false;
          }
          set(slot, valueFrom, valueTo);
        }
      } else {
        int valueFrom = position;
        boolean bad = false;
        boolean ascii = true;
        while (position < end && unsigned(line[position]) > ' ') {
          byte c = line[position];
          if (c == '=' || c == '"') {
            bad = true;
          } else if (c < 0) {
            ascii = false;
          }
          position++;
        }
        if (bad || slot < 0) {
          continue;
        }
        if (!ascii) {
          return false;
        }
        set(slot, valueFrom, position);
      }
    }
    return true;
  }

  private void set(int slot, int from, int to) {
    if (from == to) {
      // An empty value is not set: an earlier value of the key stays.
      return;
    }
    if (valueStart[slot] < 0) {
      found++;
    }
    valueStart[slot] = from;
    valueEnd[slot] = to;
  }

  private static int unsigned(byte b) {
    return b & 0xff;
  }

  private static int skipToSpace(byte[] line, int position, int end) {
    while (position < end && unsigned(line[position]) > ' ') {
      position++;
    }
    return position;
  }
}

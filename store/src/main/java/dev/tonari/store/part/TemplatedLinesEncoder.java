package dev.tonari.store.part;

/**
 * Splits the lines of a version-3 block into a template (the skeleton) and typed variables, the
 * layout {@link PartFormat} specifies under "lines, version 3": decimal numbers go to a varint
 * column, lowercase and uppercase hex runs, lowercase UUIDs and IPv4 addresses to a binary column
 * as their bytes, and the skeleton keeps the text around them with a one-byte marker per variable.
 * Consecutive lines of one stream then share their skeleton byte for byte, which zstd stores as one
 * long match, and random ids cost their entropy (16 bytes for a 128-bit trace id) instead of 32
 * hex characters' worth of literals.
 *
 * <p>Every choice keeps the line byte-exact: numbers with a leading zero, hex of mixed case and
 * anything longer than the limits stay literal text. Reused from block to block; not thread-safe.
 */
final class TemplatedLinesEncoder {
  static final int END_OF_LINE = 0;
  static final int NUMBER = 1;
  static final int HEX_LOWER = 2;
  static final int HEX_UPPER = 3;
  static final int UUID_LOWER = 4;
  static final int IPV4 = 5;
  static final int ESCAPE = 6;
  /**
   * An ISO-8601-like date-time {@code YYYY-MM-DD[T ]hh:mm:ss[.f...]} (no zone): a flags byte follows
   * in the skeleton ({@link #DATE_TIME_T} and the fraction's digit count), and the number column
   * holds the zig-zag difference from the entry's own timestamp in units of the fraction. Lines
   * nearly always carry their own time, so the difference is 0 or tiny.
   */
  static final int DATE_TIME = 7;
  static final int DATE_TIME_T = 0x10;
  static final int MAX_FRACTION_DIGITS = 9;
  /** Line bytes below this are markers in the skeleton and are written escaped. */
  static final int FIRST_LITERAL = 8;
  /** 18 digits always fit in a long. */
  static final int MAX_NUMBER_DIGITS = 18;
  /** Shorter hex runs are mostly words ("cafe", "added") or tiny counters: not worth a marker. */
  static final int MIN_HEX_DIGITS = 8;
  /** The digit count is one skeleton byte. */
  static final int MAX_HEX_DIGITS = 255;
  static final int UUID_CHARACTERS = 36;
  /** The bytes of a UUID's value: its 32 hex digits, two to a byte. */
  static final int UUID_BYTES = 16;

  private static final byte[] CLASS = new byte[256];
  private static final byte DIGIT = 1;
  private static final byte HEX_LOWER_LETTER = 2;
  private static final byte HEX_UPPER_LETTER = 4;
  private static final byte OTHER_LETTER = 8;

  static {
    for (int c = '0'; c <= '9'; c++) {
      CLASS[c] = DIGIT;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      CLASS[c] = c <= 'f' ? HEX_LOWER_LETTER : OTHER_LETTER;
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      CLASS[c] = c <= 'F' ? HEX_UPPER_LETTER : OTHER_LETTER;
    }
  }

  final ByteBuilder skeleton = new ByteBuilder(64 * 1024);
  final ByteBuilder numbers = new ByteBuilder(16 * 1024);
  final ByteBuilder values = new ByteBuilder(16 * 1024);

  void clear() {
    skeleton.clear();
    numbers.clear();
    values.clear();
  }

  /** Appends one line: its skeleton ends with {@link #END_OF_LINE}. */
  void addLine(byte[] line, int offset, int length, long timestampNanos) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b = line[i] & 0xff;
      if (CLASS[b] == 0) {
        if (b < FIRST_LITERAL) {
          skeleton.writeByte(ESCAPE);
          skeleton.writeByte(b);
          i++;
          continue;
        }
        // A run of punctuation and spaces is copied in one go (most lines are half of it).
        int literalEnd = i + 1;
        while (literalEnd < end && CLASS[line[literalEnd] & 0xff] == 0 && (line[literalEnd] & 0xff) >= FIRST_LITERAL) {
          literalEnd++;
        }
        skeleton.write(line, i, literalEnd - i);
        i = literalEnd;
        continue;
      }
      // The start of an alphanumeric run: the byte before it (if any) is not alphanumeric.
      int runEnd = i + 1;
      int classes = CLASS[b];
      while (runEnd < end && CLASS[line[runEnd] & 0xff] != 0) {
        classes |= CLASS[line[runEnd] & 0xff];
        runEnd++;
      }
      int next = runEnd - i == 4 && classes == DIGIT ? tryDateTime(line, i, end, timestampNanos) : -1;
      if (next < 0) {
        next = tryUuid(line, i, runEnd, end);
      }
      if (next < 0 && classes == DIGIT && runEnd - i <= 3) {
        // An address's first octet is a run of one to three digits (the dot ends the run).
        next = tryIpv4(line, i, end);
      }
      if (next < 0) {
        next = tryNumberOrHex(line, i, runEnd, classes);
      }
      if (next < 0) {
        skeleton.write(line, i, runEnd - i);
        next = runEnd;
      }
      i = next;
    }
    skeleton.writeByte(END_OF_LINE);
  }

  /** The date-time at {@code start} (four digits of the year): the position after it, or -1. */
  private int tryDateTime(byte[] line, int start, int end, long timestampNanos) {
    if (end - start < 19) {
      return -1;
    }
    int year = digits(line, start, 4);
    int month = digits(line, start + 5, 2);
    int day = digits(line, start + 8, 2);
    int hour = digits(line, start + 11, 2);
    int minute = digits(line, start + 14, 2);
    int second = digits(line, start + 17, 2);
    byte separator = line[start + 10];
    if (line[start + 4] != '-' || line[start + 7] != '-' || (separator != 'T' && separator != ' ')
        || line[start + 13] != ':' || line[start + 16] != ':'
        || month < 1 || month > 12 || day < 1 || day > DateTimes.daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return -1;
    }
    int position = start + 19;
    int fractionDigits = 0;
    long fraction = 0;
    if (position + 1 < end && line[position] == '.' && CLASS[line[position + 1] & 0xff] == DIGIT) {
      position++;
      while (position < end && CLASS[line[position] & 0xff] == DIGIT) {
        if (++fractionDigits > MAX_FRACTION_DIGITS) {
          return -1;
        }
        fraction = fraction * 10 + line[position] - '0';
        position++;
      }
    } else if (position < end && CLASS[line[position] & 0xff] == DIGIT) {
      return -1;
    }
    long seconds = DateTimes.epochSeconds(year, month, day, hour, minute, second);
    long unitsPerSecond = DateTimes.POWERS_OF_TEN[fractionDigits];
    long difference;
    try {
      long units = Math.addExact(Math.multiplyExact(seconds, unitsPerSecond), fraction);
      difference = Math.subtractExact(units, Math.floorDiv(timestampNanos, DateTimes.NANOS_PER_UNIT[fractionDigits]));
    } catch (ArithmeticException e) {
      // Nanoseconds of years past 2262 do not fit a long: the text stays literal.
      return -1;
    }
    skeleton.writeByte(DATE_TIME);
    skeleton.writeByte((separator == 'T' ? DATE_TIME_T : 0) | fractionDigits);
    numbers.writeVarint((difference << 1) ^ (difference >> 63));
    return position;
  }

  /** The decimal value of {@code count} digits at {@code start}, or -1 if any is not a digit. */
  private static int digits(byte[] line, int start, int count) {
    int value = 0;
    for (int k = start; k < start + count; k++) {
      int c = line[k] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      value = value * 10 + c;
    }
    return value;
  }

  /** A lowercase 8-4-4-4-12 UUID starting at the run: the position after it, or -1. */
  private int tryUuid(byte[] line, int start, int runEnd, int end) {
    if (runEnd - start != 8 || end - start < UUID_CHARACTERS) {
      return -1;
    }
    int after = start + UUID_CHARACTERS;
    if (after < end && CLASS[line[after] & 0xff] != 0) {
      return -1;
    }
    for (int k = 0; k < UUID_CHARACTERS; k++) {
      int c = line[start + k] & 0xff;
      boolean dash = k == 8 || k == 13 || k == 18 || k == 23;
      if (dash ? c != '-' : (CLASS[c] & (DIGIT | HEX_LOWER_LETTER)) == 0) {
        return -1;
      }
    }
    skeleton.writeByte(UUID_LOWER);
    byte[] out = values.reserve(UUID_BYTES);
    int at = values.size();
    int high = -1;
    for (int k = 0; k < UUID_CHARACTERS; k++) {
      int c = line[start + k] & 0xff;
      if (c == '-') {
        continue;
      }
      int nibble = c <= '9' ? c - '0' : c - 'a' + 10;
      if (high < 0) {
        high = nibble;
      } else {
        out[at++] = (byte) (high << 4 | nibble);
        high = -1;
      }
    }
    values.advance(UUID_BYTES);
    return after;
  }

  /** A dotted quad of 0-255 without leading zeros, not part of a longer dotted number: the position after it, or -1. */
  private int tryIpv4(byte[] line, int start, int end) {
    int position = start;
    int address = 0;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (position >= end || line[position] != '.') {
          return -1;
        }
        position++;
      }
      int digitsStart = position;
      int value = 0;
      while (position < end && position - digitsStart < 4 && CLASS[line[position] & 0xff] == DIGIT) {
        value = value * 10 + line[position] - '0';
        position++;
      }
      int digits = position - digitsStart;
      if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && line[digitsStart] == '0')) {
        return -1;
      }
      address = address << 8 | value;
    }
    if (position < end && CLASS[line[position] & 0xff] != 0) {
      return -1;
    }
    if (position + 1 < end && line[position] == '.' && CLASS[line[position + 1] & 0xff] == DIGIT) {
      return -1;
    }
    skeleton.writeByte(IPV4);
    byte[] out = values.reserve(Integer.BYTES);
    int at = values.size();
    out[at] = (byte) (address >>> 24);
    out[at + 1] = (byte) (address >>> 16);
    out[at + 2] = (byte) (address >>> 8);
    out[at + 3] = (byte) address;
    values.advance(Integer.BYTES);
    return position;
  }

  private int tryNumberOrHex(byte[] line, int start, int runEnd, int classes) {
    int digits = runEnd - start;
    if (classes == DIGIT && digits <= MAX_NUMBER_DIGITS && (digits == 1 || line[start] != '0')) {
      long value = 0;
      for (int k = start; k < runEnd; k++) {
        value = value * 10 + (line[k] - '0');
      }
      skeleton.writeByte(NUMBER);
      numbers.writeVarint(value);
      return runEnd;
    }
    if (digits < MIN_HEX_DIGITS || digits > MAX_HEX_DIGITS) {
      return -1;
    }
    int marker;
    int letterBase;
    if ((classes & ~(DIGIT | HEX_LOWER_LETTER)) == 0) {
      marker = HEX_LOWER;
      letterBase = 'a';
    } else if ((classes & ~(DIGIT | HEX_UPPER_LETTER)) == 0) {
      marker = HEX_UPPER;
      letterBase = 'A';
    } else {
      return -1;
    }
    skeleton.writeByte(marker);
    skeleton.writeByte(digits);
    int valueBytes = (digits + 1) / 2;
    byte[] out = values.reserve(valueBytes);
    int at = values.size();
    for (int k = start; k < runEnd; k += 2) {
      int high = nibble(line[k], letterBase);
      int low = k + 1 < runEnd ? nibble(line[k + 1], letterBase) : 0;
      out[at++] = (byte) (high << 4 | low);
    }
    values.advance(valueBytes);
    return runEnd;
  }

  private static int nibble(byte c, int letterBase) {
    return c <= '9' ? c - '0' : c - letterBase + 10;
  }
}

package dev.tonari.store.part;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Rebuilds the lines of a version-3 block from the skeleton, the number column and the binary
 * value column that {@link TemplatedLinesEncoder} wrote: one pass over the skeleton, writing the
 * lines back to back into the decoder's buffer. The loop copies literal bytes one at a time and
 * formats variables in place, without allocating; every read and write is bounds-checked against
 * its column, so a corrupt block ends in an {@link IllegalStateException} that the caller turns
 * into a {@link CorruptPartException}.
 */
final class TemplatedLinesDecoder {
  /** Eight bytes at a time: most of a skeleton is literal text between markers. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] UPPER_HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Decimal digit pairs "00".."99", two bytes each: numbers are written two digits per step. */
  private static final byte[] DIGIT_PAIRS = new byte[200];
  /** Both hex digits of each byte value, two bytes each. */
  private static final byte[] LOWER_HEX_PAIRS = new byte[512];
  private static final byte[] UPPER_HEX_PAIRS = new byte[512];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    for (int i = 0; i < 256; i++) {
      LOWER_HEX_PAIRS[2 * i] = LOWER_HEX[i >>> 4];
      LOWER_HEX_PAIRS[2 * i + 1] = LOWER_HEX[i & 0xf];
      UPPER_HEX_PAIRS[2 * i] = UPPER_HEX[i >>> 4];
      UPPER_HEX_PAIRS[2 * i + 1] = UPPER_HEX[i & 0xf];
    }
  }

  /** The date of the last date-time written (days since the epoch) and its ten bytes, to skip the calendar arithmetic while the day repeats. */
  private long lastEpochDay = Long.MIN_VALUE;
  private final byte[] lastDate = new byte[19];

  private final byte[] skeleton;
  private int skeletonPosition;
  private final int skeletonEnd;
  private final byte[] numbers;
  private int numberPosition;
  private final int numbersEnd;
  private final byte[] values;
  private int valuePosition;
  private final int valuesEnd;

  private TemplatedLinesDecoder(byte[] structure, int skeletonStart, int skeletonEnd, int numbersEnd, byte[] values, int valuesStart, int valuesEnd) {
    this.skeleton = structure;
    this.skeletonPosition = skeletonStart;
    this.skeletonEnd = skeletonEnd;
    this.numbers = structure;
    this.numberPosition = skeletonEnd;
    this.numbersEnd = numbersEnd;
    this.values = values;
    this.valuePosition = valuesStart;
    this.valuesEnd = valuesEnd;
  }

  /**
   * Writes {@code count} lines into {@code out} from {@code outStart}, at most up to {@code
   * outEnd}, recording each line's offset and length; the skeleton is {@code structure[skeletonStart,
   * skeletonEnd)}, the numbers {@code structure[skeletonEnd, numbersEnd)}, the binary values
   * {@code values[valuesStart, valuesEnd)}. Every column must be used up exactly and the lines
   * must fill {@code [outStart, outEnd)} exactly.
   */
  static void decode(
      byte[] structure, int skeletonStart, int skeletonEnd, int numbersEnd, byte[] values, int valuesStart, int valuesEnd,
      int count, long[] timestamps, byte[] out, int outStart, int outEnd, int[] lineOffsets, int[] lineLengths) {
    new TemplatedLinesDecoder(structure, skeletonStart, skeletonEnd, numbersEnd, values, valuesStart, valuesEnd)
        .decodeLines(count, timestamps, out, outStart, outEnd, lineOffsets, lineLengths);
  }

  private void decodeLines(int count, long[] timestamps, byte[] out, int outStart, int outEnd, int[] lineOffsets, int[] lineLengths) {
    byte[] skeletonBytes = skeleton;
    int s = skeletonPosition;
    int limit = skeletonEnd;
    int o = outStart;
    for (int line = 0; line < count; line++) {
      int lineStart = o;
      while (true) {
        // Copy literal text a word at a time while no byte of the word is a marker (below 8):
        // (x - 8 per byte) & ~x & 0x80 per byte is non-zero exactly when some byte is below 8.
        while (s <= limit - 8 && o <= outEnd - 8) {
          long word = (long) LONGS.get(skeletonBytes, s);
          if (((word - 8 * ONES) & ~word & HIGH_BITS) != 0) {
            break;
          }
          LONGS.set(out, o, word);
          s += 8;
          o += 8;
        }
        if (s >= limit) {
          throw new IllegalStateException("skeleton ends inside line " + line + " of " + count);
        }
        byte b = skeletonBytes[s++];
        if ((b & 0xff) >= TemplatedLinesEncoder.FIRST_LITERAL) {
          if (o >= outEnd) {
            throw overflow(line);
          }
          out[o++] = b;
          continue;
        }
        if (b == TemplatedLinesEncoder.END_OF_LINE) {
          break;
        }
        switch (b) {
          case TemplatedLinesEncoder.NUMBER -> o = writeNumber(readNumber(), out, o, outEnd, line);
          case TemplatedLinesEncoder.HEX_LOWER, TemplatedLinesEncoder.HEX_UPPER -> {
            if (s >= limit) {
              throw new IllegalStateException("hex run without its digit count in line " + line);
            }
            int digits = skeletonBytes[s++] & 0xff;
            o = writeHex(digits, b == TemplatedLinesEncoder.HEX_LOWER ? LOWER_HEX_PAIRS : UPPER_HEX_PAIRS, out, o, outEnd, line);
          }
          case TemplatedLinesEncoder.DATE_TIME -> {
            if (s >= limit) {
              throw new IllegalStateException("date-time without its flags in line " + line);
            }
            o = writeDateTime(skeletonBytes[s++] & 0xff, timestamps[line], out, o, outEnd, line);
          }
          case TemplatedLinesEncoder.UUID_LOWER -> o = writeUuid(out, o, outEnd, line);
          case TemplatedLinesEncoder.IPV4 -> o = writeIpv4(out, o, outEnd, line);
          case TemplatedLinesEncoder.ESCAPE -> {
            if (s >= limit) {
              throw new IllegalStateException("escape at the end of the skeleton in line " + line);
            }
            if (o >= outEnd) {
              throw overflow(line);
            }
            out[o++] = skeletonBytes[s++];
          }
          default -> throw new IllegalStateException("unknown skeleton marker " + b + " in line " + line);
        }
      }
      lineOffsets[line] = lineStart;
      lineLengths[line] = o - lineStart;
    }
    if (s != limit) {
      throw new IllegalStateException("skeleton has " + (limit - s) + " bytes after the last line");
    }
    if (numberPosition != numbersEnd) {
      throw new IllegalStateException("number column has " + (numbersEnd - numberPosition) + " bytes after the last line");
    }
    if (valuePosition != valuesEnd) {
      throw new IllegalStateException("value column has " + (valuesEnd - valuePosition) + " bytes after the last line");
    }
    if (o != outEnd) {
      throw new IllegalStateException("lines take " + (o - outStart) + " bytes, the block says " + (outEnd - outStart));
    }
  }

  private static IllegalStateException overflow(int line) {
    return new IllegalStateException("lines run past the block's line bytes in line " + line);
  }

  private int writeDateTime(int flags, long timestampNanos, byte[] out, int o, int outEnd, int line) {
    int fractionDigits = flags & 0x0f;
    if (fractionDigits > TemplatedLinesEncoder.MAX_FRACTION_DIGITS || (flags & ~(0x0f | TemplatedLinesEncoder.DATE_TIME_T)) != 0) {
      throw new IllegalStateException("date-time flags " + flags + " are invalid in line " + line);
    }
    int length = 19 + (fractionDigits == 0 ? 0 : 1 + fractionDigits);
    if (outEnd - o < length) {
      throw overflow(line);
    }
    long encoded = readVarint();
    long units = Math.floorDiv(timestampNanos, DateTimes.NANOS_PER_UNIT[fractionDigits]) + ((encoded >>> 1) ^ -(encoded & 1));
    long unitsPerSecond = DateTimes.POWERS_OF_TEN[fractionDigits];
    long seconds = Math.floorDiv(units, unitsPerSecond);
    long epochDay = Math.floorDiv(seconds, 86_400L);
    if (epochDay != lastEpochDay) {
      DateTimes.writeDateTime(epochDay * 86_400L, (byte) 'T', lastDate, 0);
      lastEpochDay = epochDay;
    }
    System.arraycopy(lastDate, 0, out, o, 10);
    int secondOfDay = (int) (seconds - epochDay * 86_400L);
    out[o + 10] = (flags & TemplatedLinesEncoder.DATE_TIME_T) != 0 ? (byte) 'T' : (byte) ' ';
    int hour = secondOfDay / 3600;
    int minute = secondOfDay / 60 % 60;
    int second = secondOfDay % 60;
    out[o + 11] = DIGIT_PAIRS[hour << 1];
    out[o + 12] = DIGIT_PAIRS[(hour << 1) + 1];
    out[o + 13] = ':';
    out[o + 14] = DIGIT_PAIRS[minute << 1];
    out[o + 15] = DIGIT_PAIRS[(minute << 1) + 1];
    out[o + 16] = ':';
    out[o + 17] = DIGIT_PAIRS[second << 1];
    out[o + 18] = DIGIT_PAIRS[(second << 1) + 1];
    if (fractionDigits > 0) {
      out[o + 19] = '.';
      DateTimes.writeDigits(units - seconds * unitsPerSecond, fractionDigits, out, o + 20);
    }
    return o + length;
  }

  private long readNumber() {
    long value = readVarint();
    if (value < 0 || value >= 1_000_000_000_000_000_000L) {
      throw new IllegalStateException("number " + Long.toUnsignedString(value) + " has more than 18 digits");
    }
    return value;
  }

  private long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (numberPosition >= numbersEnd) {
        throw new IllegalStateException("number column ends inside a varint");
      }
      byte b = numbers[numberPosition++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalStateException("varint longer than 10 bytes in the number column");
  }

  private static int writeNumber(long value, byte[] out, int o, int outEnd, int line) {
    int digits = decimalDigits(value);
    if (outEnd - o < digits) {
      throw overflow(line);
    }
    long rest = value;
    int k = o + digits;
    while (rest >= 100) {
      long quotient = rest / 100;
      int pair = (int) (rest - quotient * 100) << 1;
      out[--k] = DIGIT_PAIRS[pair + 1];
      out[--k] = DIGIT_PAIRS[pair];
      rest = quotient;
    }
    if (rest >= 10) {
      int pair = (int) rest << 1;
      out[--k] = DIGIT_PAIRS[pair + 1];
      out[--k] = DIGIT_PAIRS[pair];
    } else {
      out[--k] = (byte) ('0' + rest);
    }
    return o + digits;
  }

  /** Decimal digits of a value in [0, 10^18). */
  private static int decimalDigits(long value) {
    int digits = 1;
    long bound = 10;
    while (digits < 18 && value >= bound) {
      digits++;
      bound *= 10;
    }
    return digits;
  }

  private int writeHex(int digits, byte[] pairs, byte[] out, int o, int outEnd, int line) {
    int bytes = (digits + 1) >>> 1;
    if (digits < TemplatedLinesEncoder.MIN_HEX_DIGITS) {
      throw new IllegalStateException("hex run of " + digits + " digits is below the minimum in line " + line);
    }
    if (valuesEnd - valuePosition < bytes) {
      throw new IllegalStateException("value column ends inside a hex run in line " + line);
    }
    if (outEnd - o < digits) {
      throw overflow(line);
    }
    int v = valuePosition;
    int k = o;
    int pairCount = digits >>> 1;
    for (int p = 0; p < pairCount; p++) {
      int index = (values[v++] & 0xff) << 1;
      out[k] = pairs[index];
      out[k + 1] = pairs[index + 1];
      k += 2;
    }
    if ((digits & 1) != 0) {
      out[k++] = pairs[(values[v++] & 0xff) << 1];
    }
    valuePosition = v;
    return k;
  }

  private int writeUuid(byte[] out, int o, int outEnd, int line) {
    if (valuesEnd - valuePosition < 16) {
      throw new IllegalStateException("value column ends inside a UUID in line " + line);
    }
    if (outEnd - o < TemplatedLinesEncoder.UUID_CHARACTERS) {
      throw overflow(line);
    }
    int v = valuePosition;
    int k = o;
    for (int group = 0; group < 16; group++) {
      if (group == 4 || group == 6 || group == 8 || group == 10) {
        out[k++] = '-';
      }
      int index = (values[v++] & 0xff) << 1;
      out[k] = LOWER_HEX_PAIRS[index];
      out[k + 1] = LOWER_HEX_PAIRS[index + 1];
      k += 2;
    }
    valuePosition = v;
    return k;
  }

  private int writeIpv4(byte[] out, int o, int outEnd, int line) {
    if (valuesEnd - valuePosition < 4) {
      throw new IllegalStateException("value column ends inside an IPv4 address in line " + line);
    }
    int k = o;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (k >= outEnd) {
          throw overflow(line);
        }
        out[k++] = '.';
      }
      k = writeNumber(values[valuePosition++] & 0xff, out, k, outEnd, line);
    }
    return k;
  }
}

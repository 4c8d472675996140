package dev.tonari.store.part;

/**
 * Rebuilds the lines of a version-3 block from the skeleton, the number column and the binary
 * value column that {@link TemplatedLinesEncoder} wrote: one pass over the skeleton, writing the
 * lines back to back into the decoder's buffer. The loop copies literal bytes one at a time and
 * formats variables in place, without allocating; every read and write is bounds-checked against
 * its column, so a corrupt block ends in an {@link IllegalStateException} that the caller turns
 * into a {@link CorruptPartException}.
 */
final class TemplatedLinesDecoder {
  private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] UPPER_HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

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
            o = writeHex(digits, b == TemplatedLinesEncoder.HEX_LOWER ? LOWER_HEX : UPPER_HEX, out, o, outEnd, line);
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
    DateTimes.writeDateTime(seconds, (flags & TemplatedLinesEncoder.DATE_TIME_T) != 0 ? (byte) 'T' : (byte) ' ', out, o);
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
    int digits = 1;
    for (long rest = value / 10; rest != 0; rest /= 10) {
      digits++;
    }
    if (outEnd - o < digits) {
      throw overflow(line);
    }
    long rest = value;
    for (int k = o + digits - 1; k >= o; k--) {
      long quotient = rest / 10;
      out[k] = (byte) ('0' + (rest - quotient * 10));
      rest = quotient;
    }
    return o + digits;
  }

  private int writeHex(int digits, byte[] alphabet, byte[] out, int o, int outEnd, int line) {
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
    int pairs = digits >>> 1;
    for (int p = 0; p < pairs; p++) {
      int value = values[v++] & 0xff;
      out[k++] = alphabet[value >>> 4];
      out[k++] = alphabet[value & 0xf];
    }
    if ((digits & 1) != 0) {
      out[k++] = alphabet[(values[v++] & 0xff) >>> 4];
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
      int value = values[v++] & 0xff;
      out[k++] = LOWER_HEX[value >>> 4];
      out[k++] = LOWER_HEX[value & 0xf];
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

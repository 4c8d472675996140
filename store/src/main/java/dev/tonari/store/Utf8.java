package dev.tonari.store;

/**
 * UTF-8 byte counts of Java strings without encoding them: Loki's limits, bytes_over_time and the
 * ingestion meters count bytes, and encoding every line only to measure it would allocate per line;
 * and whether a line's bytes are all ASCII, which the byte-level field scanners need to know.
 */
public final class Utf8 {
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** Whether {@code bytes[offset, offset+length)} holds no byte {@code >= 0x80}: eight bytes per step. */
  public static boolean isAscii(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    long bits = 0;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      bits |= (long) LONGS.get(bytes, i);
    }
    for (; i < end; i++) {
      bits |= bytes[i];
    }
    return (bits & HIGH_BITS) == 0;
  }

  /**
   * {@code s} in UTF-8 with each lone surrogate as U+FFFD, as Go (and so Loki) stores it, so that
   * the bytes stored are the {@link #length} counted; Java's encoder would write {@code ?}. A line
   * of ASCII costs one intrinsic encoding and a search for {@code ?}; a line with other characters
   * is counted again.
   */
  public static byte[] encode(String s) {
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length == s.length()) {
      // Every char became one byte: it was ASCII, or a lone surrogate that Java wrote as '?'.
      if (!containsQuestionMark(bytes)) {
        return bytes;
      }
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '?' && s.charAt(i) != '?') {
          return replacingLoneSurrogates(s);
        }
      }
      return bytes;
    }
    // Java writes a lone surrogate in one byte where length() counts three.
    return bytes.length == length(s) ? bytes : replacingLoneSurrogates(s);
  }

  private static final long QUESTION_MARKS = 0x3f3f3f3f3f3f3f3fL;
  private static final long LOW_BITS = 0x0101010101010101L;

  /** Whether a byte is {@code '?'}, eight bytes a step (a zero byte of {@code word ^ '?'*8}). */
  private static boolean containsQuestionMark(byte[] bytes) {
    int i = 0;
    for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
      long word = (long) LONGS.get(bytes, i) ^ QUESTION_MARKS;
      if (((word - LOW_BITS) & ~word & HIGH_BITS) != 0) {
        return true;
      }
    }
    for (; i < bytes.length; i++) {
      if (bytes[i] == '?') {
        return true;
      }
    }
    return false;
  }

  private static byte[] replacingLoneSurrogates(String s) {
    StringBuilder replaced = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        replaced.append(c).append(s.charAt(++i));
      } else {
        replaced.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return replaced.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The number of bytes {@code s} takes in UTF-8 (a lone surrogate counts as 3, like Go's U+FFFD). */
  public static int length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2;
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }
}

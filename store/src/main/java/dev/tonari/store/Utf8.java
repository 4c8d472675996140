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

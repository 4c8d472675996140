package dev.tonari.store;

/**
 * UTF-8 byte counts of Java strings without encoding them: Loki's limits, bytes_over_time and the
 * ingestion meters count bytes, and encoding every line only to measure it would allocate per line.
 */
public final class Utf8 {
  private Utf8() {}

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

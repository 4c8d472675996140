package dev.tonari.ingest;

/** UTF-8 byte arithmetic on Java strings without encoding them: Loki's limits count bytes. */
final class Utf8 {
  private Utf8() {}

  /** The number of bytes {@code s} takes in UTF-8; see {@link dev.tonari.store.Utf8#length}. */
  static int length(String s) {
    return dev.tonari.store.Utf8.length(s);
  }

  /** The longest prefix of {@code s} that fits in {@code maxBytes} UTF-8 bytes without splitting a character. */
  static String truncate(String s, int maxBytes) {
    int n = s.length();
    int bytes = 0;
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int width;
      int chars = 1;
      if (c < 0x80) {
        width = 1;
      } else if (c < 0x800) {
        width = 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        width = 4;
        chars = 2;
      } else {
        width = 3;
      }
      if (bytes + width > maxBytes) {
        break;
      }
      bytes += width;
      i += chars;
    }
    return i == n ? s : s.substring(0, i);
  }
}

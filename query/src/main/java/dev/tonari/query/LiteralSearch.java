package dev.tonari.query;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds a fixed string in UTF-8 bytes with Boyer-Moore-Horspool, without decoding the line. Since
 * UTF-8 is self-synchronising, a byte match of a valid UTF-8 needle is exactly a character match.
 */
public final class LiteralSearch {
  private final byte[] needle;
  /** How far the window may move when the byte under its last position is the index. */
  private final int[] shift = new int[256];

  public LiteralSearch(String literal) {
    this.needle = literal.getBytes(StandardCharsets.UTF_8);
    Arrays.fill(shift, needle.length);
    for (int i = 0; i < needle.length - 1; i++) {
      shift[needle[i] & 0xff] = needle.length - 1 - i;
    }
  }

  public boolean foundIn(byte[] buffer, int offset, int length) {
    int needleLength = needle.length;
    if (needleLength == 0) {
      return true;
    }
    if (needleLength > length) {
      return false;
    }
    int end = offset + length;
    if (needleLength == 1) {
      byte only = needle[0];
      for (int i = offset; i < end; i++) {
        if (buffer[i] == only) {
          return true;
        }
      }
      return false;
    }
    int last = needleLength - 1;
    byte lastByte = needle[last];
    int lastStart = end - needleLength;
    int start = offset;
    while (start <= lastStart) {
      byte candidate = buffer[start + last];
      if (candidate == lastByte && matchesAt(buffer, start, last)) {
        return true;
      }
      start += shift[candidate & 0xff];
    }
    return false;
  }

  private boolean matchesAt(byte[] buffer, int start, int count) {
    for (int i = 0; i < count; i++) {
      if (buffer[start + i] != needle[i]) {
        return false;
      }
    }
    return true;
  }
}

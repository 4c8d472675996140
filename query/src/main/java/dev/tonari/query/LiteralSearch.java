package dev.tonari.query;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds a fixed string in UTF-8 bytes without decoding the line. Since UTF-8 is self-synchronising,
 * a byte match of a valid UTF-8 needle is exactly a character match. Needles longer than {@link
 * #MAX_ANCHORED} bytes use Boyer-Moore-Horspool (long shifts); shorter ones, whose shifts are short,
 * look for one rare byte of the needle eight bytes at a time (SWAR) and compare the needle around
 * each hit.
 */
public final class LiteralSearch {
  static final int MAX_ANCHORED = 8;
  /** Bytes by how common they are in log lines, commonest first; bytes not listed count as rarest. */
  private static final String COMMON_FIRST = " 0123456789etaoinsrhldcumfpgwybvkxjqz";
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private final byte[] needle;
  /** How far the window may move when the byte under its last position is the index. */
  private final int[] shift = new int[256];
  /** The needle's rarest byte (by {@link #COMMON_FIRST}), its position, and it in every byte of a long. */
  private final int anchorIndex;
  private final long anchorPattern;

  public LiteralSearch(String literal) {
    this.needle = literal.getBytes(StandardCharsets.UTF_8);
    Arrays.fill(shift, needle.length);
    for (int i = 0; i < needle.length - 1; i++) {
      shift[needle[i] & 0xff] = needle.length - 1 - i;
    }
    int anchor = 0;
    for (int i = 1; i < needle.length; i++) {
      if (rarity(needle[i]) > rarity(needle[anchor])) {
        anchor = i;
      }
    }
    this.anchorIndex = anchor;
    this.anchorPattern = needle.length == 0 ? 0 : ONES * (needle[anchor] & 0xff);
  }

  private static int rarity(byte b) {
    int common = b < 0 ? -1 : COMMON_FIRST.indexOf((char) b);
    return common < 0 ? COMMON_FIRST.length() : common;
  }

  /** Short needles: every position of the anchor byte, found a word at a time, is checked as a match. */
  private boolean foundByAnchor(byte[] buffer, int offset, int length) {
    int end = offset + length;
    // The anchor at position p means a match starting at p - anchorIndex, which must fit in the line.
    int from = offset + anchorIndex;
    int to = end - (needle.length - anchorIndex);
    int position = from;
    for (; position + Long.BYTES <= to + 1; position += Long.BYTES) {
      long word = (long) LONGS.get(buffer, position) ^ anchorPattern;
      // A zero byte of word is a hit; the borrow may mark bytes after a real hit too: those are only checked in vain.
      long hits = (word - ONES) & ~word & HIGHS;
      while (hits != 0) {
        int at = position + (Long.numberOfTrailingZeros(hits) >>> 3);
        if (matchesAt(buffer, at - anchorIndex, needle.length)) {
          return true;
        }
        hits &= hits - 1;
      }
    }
    byte anchor = needle[anchorIndex];
    for (; position <= to; position++) {
      if (buffer[position] == anchor && matchesAt(buffer, position - anchorIndex, needle.length)) {
        return true;
      }
    }
    return false;
  }

  public boolean foundIn(byte[] buffer, int offset, int length) {
    int needleLength = needle.length;
    if (needleLength == 0) {
      return true;
    }
    if (needleLength > length) {
      return false;
    }
    if (needleLength > 1 && needleLength <= MAX_ANCHORED) {
      return foundByAnchor(buffer, offset, length);
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

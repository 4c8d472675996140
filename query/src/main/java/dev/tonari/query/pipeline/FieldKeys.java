package dev.tonari.query.pipeline;

import dev.tonari.query.LiteralSearch;
import java.nio.charset.StandardCharsets;

/**
 * The label names a byte-level field scanner looks for, as UTF-8 bytes, each with the slot its
 * value goes to (several names may share a slot: a needed {@code x_extracted} comes from the key
 * {@code x_extracted} or, when the stream has {@code x}, from the key {@code x}). A key of a line
 * is compared with them as {@link LabelNames#sanitize} would name it, in place, without making a
 * String: ASCII characters outside {@code [a-zA-Z0-9_]} count as {@code _}, a leading digit of a
 * top-level name gets a {@code _} before it. Keys the comparison cannot decide in place (non-ASCII,
 * or with whitespace that sanitizing trims) are reported as {@link #UNDECIDED}, so that the caller
 * falls back to the String parser.
 */
public final class FieldKeys {
  /** {@link #match} result: no wanted name. */
  public static final int NONE = -1;
  /** {@link #match} result: the key needs the String parser's rules. */
  public static final int UNDECIDED = -2;

  private final byte[][] names;
  private final int[] slots;
  private final int slotCount;
  /** Distinct slots that some name fills. */
  private final int keyedSlots;
  /**
   * Per name, its longest run of ASCII letters and digits, which every key naming it contains (see
   * {@link #noNameIn}); null when some name has no such run or two names share a slot.
   */
  private final LiteralSearch[] nameRuns;
  /** Per name spelled in ASCII letters and digits only: it and {@code =}, as a logfmt pair starts; else null. */
  private final LiteralSearch[] namePairs;
  /**
   * Bit {@code n} set when some name is {@code n} bytes long ({@code n < 64}), bit 63 also for all
   * longer ones: most keys of a line are of another length than every wanted name, and this one
   * test turns them away before any byte is compared.
   */
  private final long nameLengths;

  /**
   * @param names label names as the parser would name them before {@code _extracted} (the scanner
   *     sees keys, not final names)
   * @param slots the slot of each name, {@code 0 <= slot < slotCount}
   */
  public FieldKeys(String[] names, int[] slots, int slotCount) {
    if (names.length != slots.length) {
      throw new IllegalArgumentException("one slot per name: " + names.length + " names, " + slots.length + " slots");
    }
    this.names = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      this.names[i] = names[i].getBytes(StandardCharsets.UTF_8);
    }
    long lengths = 0;
    for (byte[] name : this.names) {
      lengths |= 1L << Math.min(name.length, 63);
    }
    this.nameLengths = lengths;
    this.slots = slots.clone();
    this.slotCount = slotCount;
    this.keyedSlots = (int) java.util.Arrays.stream(slots).distinct().count();
    LiteralSearch[] runs = new LiteralSearch[names.length];
    for (int i = 0; i < names.length && runs != null; i++) {
      String run = longestAlphanumericRun(names[i]);
      runs = run.isEmpty() || keyedSlots != names.length ? null : runs;
      if (runs != null) {
        runs[i] = new LiteralSearch(run);
      }
    }
    this.nameRuns = runs;
    this.namePairs = new LiteralSearch[names.length];
    for (int i = 0; i < names.length; i++) {
      if (runs != null && longestAlphanumericRun(names[i]).equals(names[i])) {
        namePairs[i] = new LiteralSearch(names[i] + "=");
      }
    }
  }

  /** Distinct slots that the names fill: when a line has given them all, {@link #noNameIn} says whether the rest can change them. */
  public int keyedSlots() {
    return keyedSlots;
  }

  /**
   * Whether no key in {@code line[from, to)} can be one of the names: a key sanitizes to a name
   * by turning characters outside {@code [a-zA-Z0-9_]} into {@code _}, trimming, a {@code _} before
   * a leading digit, so it holds every run of ASCII letters and digits of the name as it stands
   * (for logfmt, whose keys are never unescaped). A name of letters and digits alone must be
   * followed by {@code =} in a pair, unless a non-ASCII space that sanitizing trims comes between:
   * in ASCII bytes, {@code name=} must be there. False when that cannot be told.
   */
  public boolean noNameIn(byte[] line, int from, int to) {
    if (nameRuns == null) {
      return false;
    }
    int ascii = 0;
    for (int i = 0; i < nameRuns.length; i++) {
      LiteralSearch pair = namePairs[i];
      if (pair != null) {
        if (pair.foundIn(line, from, to - from)) {
          return false;
        }
        if (ascii == 0) {
          ascii = dev.tonari.store.Utf8.isAscii(line, from, to - from) ? 1 : -1;
        }
        if (ascii > 0) {
          continue;
        }
      }
      if (nameRuns[i].foundIn(line, from, to - from)) {
        return false;
      }
    }
    return true;
  }

  /** The longest run of ASCII letters and digits of a name (the first of equal length); empty when none. */
  public static String longestAlphanumericRun(String name) {
    int bestStart = 0;
    int bestLength = 0;
    int start = 0;
    for (int i = 0; i <= name.length(); i++) {
      char c = i < name.length() ? name.charAt(i) : '_';
      boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphanumeric) {
        if (i - start > bestLength) {
          bestStart = start;
          bestLength = i - start;
        }
        start = i + 1;
      }
    }
    return name.substring(bestStart, bestStart + bestLength);
  }

  public int slotCount() {
    return slotCount;
  }

  /**
   * The slot of the name {@code prefix + "_" + sanitize(key)} (just {@code sanitize(key)} when the
   * prefix is empty; the prefix alone when the key sanitizes to nothing), {@link #NONE} or {@link
   * #UNDECIDED}.
   *
   * @param digitGetsUnderscore whether a leading digit of the key is preceded by {@code _} (Loki
   *     does so for the first part of a name)
   */
  int match(byte[] prefix, int prefixLength, byte[] key, int keyStart, int keyEnd, boolean digitGetsUnderscore) {
    if (!decidable(key, keyStart, keyEnd)) {
      return UNDECIDED;
    }
    return matchDecidable(prefix, prefixLength, key, keyStart, keyEnd, digitGetsUnderscore);
  }

  /**
   * As {@link #match}, for a key the caller already knows to be ASCII: only the ends are checked
   * for whitespace that sanitizing trims (the scanners check ASCII while walking the key, so the
   * key is not walked again).
   */
  int matchAscii(byte[] prefix, int prefixLength, byte[] key, int keyStart, int keyEnd, boolean digitGetsUnderscore) {
    if (trimmableEnds(key, keyStart, keyEnd)) {
      return UNDECIDED;
    }
    return matchDecidable(prefix, prefixLength, key, keyStart, keyEnd, digitGetsUnderscore);
  }

  private int matchDecidable(byte[] prefix, int prefixLength, byte[] key, int keyStart, int keyEnd, boolean digitGetsUnderscore) {
    int keyLength = keyEnd - keyStart;
    if (keyLength == 0) {
      return prefixLength == 0 ? NONE : matchPrefixOnly(prefix, prefixLength);
    }
    boolean underscoreFirst = digitGetsUnderscore && isDigit(key[keyStart]);
    int length = (prefixLength > 0 ? prefixLength + 1 : 0) + keyLength + (underscoreFirst ? 1 : 0);
    if ((nameLengths & (1L << Math.min(length, 63))) == 0) {
      return NONE;
    }
    for (int candidate = 0; candidate < names.length; candidate++) {
      byte[] name = names[candidate];
      if (name.length != length) {
        continue;
      }
      int at = 0;
      boolean same = true;
      for (int i = 0; i < prefixLength && same; i++) {
        same = name[at++] == prefix[i];
      }
      if (same && prefixLength > 0) {
        same = name[at++] == '_';
      }
      if (same && underscoreFirst) {
        same = name[at++] == '_';
      }
      for (int i = keyStart; i < keyEnd && same; i++) {
        same = name[at++] == sanitized(key[i]);
      }
      if (same) {
        return slots[candidate];
      }
    }
    return NONE;
  }

  private int matchPrefixOnly(byte[] prefix, int prefixLength) {
    for (int candidate = 0; candidate < names.length; candidate++) {
      byte[] name = names[candidate];
      if (name.length == prefixLength && java.util.Arrays.equals(name, 0, prefixLength, prefix, 0, prefixLength)) {
        return slots[candidate];
      }
    }
    return NONE;
  }

  /**
   * Appends {@code "_" + sanitize(key)} (without the {@code _} when empty) to a prefix buffer, as
   * a nested JSON object's name; returns the new length, or -1 when the buffer is too short. The
   * key must be decidable ({@link #match} did not return {@link #UNDECIDED}).
   */
  static int appendPrefix(byte[] prefix, int prefixLength, byte[] key, int keyStart, int keyEnd) {
    int keyLength = keyEnd - keyStart;
    if (keyLength == 0) {
      return prefixLength;
    }
    boolean underscoreFirst = prefixLength == 0 && isDigit(key[keyStart]);
    int length = (prefixLength > 0 ? prefixLength + 1 : 0) + keyLength + (underscoreFirst ? 1 : 0);
    if (length > prefix.length) {
      return -1;
    }
    int at = prefixLength;
    if (prefixLength > 0) {
      prefix[at++] = '_';
    }
    if (underscoreFirst) {
      prefix[at++] = '_';
    }
    for (int i = keyStart; i < keyEnd; i++) {
      prefix[at++] = sanitized(key[i]);
    }
    return at;
  }

  /** Whether sanitizing the key is a character-for-character map (ASCII, nothing for strip() to trim). */
  static boolean decidable(byte[] key, int start, int end) {
    for (int i = start; i < end; i++) {
      if (key[i] < 0) {
        return false;
      }
    }
    return start == end || (!trimmable(key[start]) && !trimmable(key[end - 1]));
  }

  /** Whether an ASCII key starts or ends with whitespace that sanitizing trims. */
  static boolean trimmableEnds(byte[] key, int start, int end) {
    return start != end && (trimmable(key[start]) || trimmable(key[end - 1]));
  }

  private static boolean trimmable(byte b) {
    return Character.isWhitespace((char) b);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static byte sanitized(byte b) {
    boolean valid = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
    return valid ? b : (byte) '_';
  }
}

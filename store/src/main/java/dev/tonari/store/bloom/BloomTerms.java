package dev.tonari.store.bloom;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Which terms of a log line go into a block's bloom filter, and which of them a {@code |=}
 * literal must find there. The two sides are designed together so that pruning is safe: if a line
 * contains literal L, every probe of L is one of the line's terms, so a block whose bloom filter
 * lacks a probe cannot hold a matching line.
 *
 * <p><b>Tokens</b> are maximal runs of token bytes: ASCII letters and digits, and every byte
 * {@code >= 0x80} (so a UTF-8 encoded word stays whole). Matching is case-sensitive, as {@code |=}
 * is.
 *
 * <p><b>Terms of a line</b>: for each token of {@value #MIN_TOKEN_LENGTH} to {@value
 * #AFFIX_LENGTH}-1 bytes, the whole token (tag 0); for each token of at least {@value
 * #AFFIX_LENGTH} bytes, its first {@value #AFFIX_LENGTH} bytes (tag 1, prefix) and its last
 * {@value #AFFIX_LENGTH} bytes (tag 2, suffix) instead. A long token needs no whole-token term:
 * its prefix and suffix together identify it nearly as well (a false positive needs both to
 * collide), and long tokens are the unique ones (ids, hashes, timestamps) whose terms dominate a
 * filter's size. Tokens of exactly {@value #AFFIX_LENGTH} bytes get prefix and suffix terms too:
 * a literal ending in a 6-byte token cannot tell whether the line's token is longer.
 *
 * <p><b>Probes of a literal L</b>: a token that has a non-token byte of L on both sides is a whole
 * token of any line containing L: probe it whole (tag 0) when it is 2 to 5 bytes long, or probe
 * its prefix (tag 1) and its suffix (tag 2) when it is longer. The last token, when a
 * non-token byte of L precedes it but L ends inside it, is the start of a line token (probe its
 * first 6 bytes, tag 1, when at least 6 long). The first token, when L starts inside it and a
 * non-token byte of L follows it, is the end of a line token (probe its last 6 bytes, tag 2, when
 * at least 6 long). A token touching both ends of L could be any part of a line token: no probe.
 *
 * <p><b>Hash</b> of a term (tag, bytes): FNV-1a 64 over the tag byte followed by the bytes
 * (offset basis 0xcbf29ce484222325, prime 0x100000001b3), then MurmurHash3's fmix64 finalizer so
 * that all 64 bits are well mixed for {@link BloomFilter}'s double hashing. This is part of the
 * stored format: changing it needs a new part format version.
 */
public final class BloomTerms {
  public static final int MIN_TOKEN_LENGTH = 2;
  public static final int AFFIX_LENGTH = 6;
  public static final int TAG_TOKEN = 0;
  public static final int TAG_PREFIX = 1;
  public static final int TAG_SUFFIX = 2;

  private static final long[] NO_PROBES = new long[0];
  private static final boolean[] TOKEN_BYTE = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      TOKEN_BYTE[c] = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
  }

  private BloomTerms() {}

  public static boolean isTokenByte(byte b) {
    return TOKEN_BYTE[b & 0xff];
  }

  /** Calls {@code hashSink} with the hash of every term of the line (repeats included). */
  public static void forEachTerm(byte[] line, int offset, int length, LongConsumer hashSink) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      while (i < end && !TOKEN_BYTE[line[i] & 0xff]) {
        i++;
      }
      int start = i;
      while (i < end && TOKEN_BYTE[line[i] & 0xff]) {
        i++;
      }
      int tokenLength = i - start;
      if (tokenLength >= AFFIX_LENGTH) {
        hashSink.accept(hash(TAG_PREFIX, line, start, AFFIX_LENGTH));
        hashSink.accept(hash(TAG_SUFFIX, line, i - AFFIX_LENGTH, AFFIX_LENGTH));
      } else if (tokenLength >= MIN_TOKEN_LENGTH) {
        hashSink.accept(hash(TAG_TOKEN, line, start, tokenLength));
      }
    }
  }

  /** Probes of a literal, as UTF-8; empty when a bloom filter cannot prune for it. */
  public static long[] probes(String literal) {
    return probes(literal.getBytes(StandardCharsets.UTF_8));
  }

  /** Probes of a literal given as bytes, without duplicates; empty when none. */
  public static long[] probes(byte[] literal) {
    return probes(literal, FoldedTerms.Scheme.BYTE_HASHED);
  }

  /** The same probes hashed by the scheme: those of a folded filter, for a literal already folded. */
  static long[] probes(byte[] literal, FoldedTerms.Scheme scheme) {
    // At most two probes per token, and a token takes at least one byte plus a separator.
    long[] probes = new long[literal.length + 2];
    int count = 0;
    int n = literal.length;
    int i = 0;
    while (i < n) {
      while (i < n && !TOKEN_BYTE[literal[i] & 0xff]) {
        i++;
      }
      int start = i;
      while (i < n && TOKEN_BYTE[literal[i] & 0xff]) {
        i++;
      }
      int tokenLength = i - start;
      if (tokenLength == 0) {
        break;
      }
      boolean boundedLeft = start > 0;
      boolean boundedRight = i < n;
      boolean longToken = tokenLength >= AFFIX_LENGTH;
      if (boundedLeft && boundedRight && !longToken && tokenLength >= MIN_TOKEN_LENGTH) {
        count = addUnique(probes, count, scheme.hash(TAG_TOKEN, literal, start, tokenLength));
      }
      if (boundedLeft && longToken) {
        count = addUnique(probes, count, scheme.hash(TAG_PREFIX, literal, start, AFFIX_LENGTH));
      }
      if (boundedRight && longToken) {
        count = addUnique(probes, count, scheme.hash(TAG_SUFFIX, literal, i - AFFIX_LENGTH, AFFIX_LENGTH));
      }
    }
    return count == 0 ? NO_PROBES : Arrays.copyOf(probes, count);
  }

  private static int addUnique(long[] values, int count, long value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return count;
      }
    }
    values[count] = value;
    return count + 1;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;

  /**
   * The 64-bit word hash of a term, kind-3 regions' hash ({@link FoldedTerms.Scheme#WORD_HASHED}):
   * h = (64 * tag + length) * 0x9e3779b97f4a7c15; then for each 8 bytes of the term, little-endian,
   * the last word zero-padded, h = fmix64(h ^ word). A gram, eight bytes, is one load and one
   * finalizer, where {@link #hash} multiplies once per byte: the part writer hashes a gram at every
   * byte of a long token. Part of the stored format, like {@link #hash}.
   */
  public static long wordHash(int tag, byte[] bytes, int offset, int length) {
    long h = ((tag & 0xffL) * 64 + length) * GOLDEN;
    int i = offset;
    int end = offset + length;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      h = fmix64(h ^ (long) LONGS.get(bytes, i));
    }
    int rest = end - i;
    if (rest > 0) {
      long word;
      if (i + Long.BYTES <= bytes.length) {
        word = (long) LONGS.get(bytes, i) & (-1L >>> (Long.SIZE - Byte.SIZE * rest));
      } else {
        word = 0;
        for (int b = rest - 1; b >= 0; b--) {
          word = word << Byte.SIZE | (bytes[i + b] & 0xffL);
        }
      }
      h = fmix64(h ^ word);
    }
    return length == 0 ? fmix64(h) : h;
  }

  /** MurmurHash3's 64-bit finalizer. */
  static long fmix64(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** The 64-bit hash of a term: FNV-1a 64 over (tag, bytes), then fmix64. */
  public static long hash(int tag, byte[] bytes, int offset, int length) {
    long h = 0xcbf29ce484222325L;
    h ^= tag & 0xff;
    h *= 0x100000001b3L;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      h ^= bytes[i] & 0xff;
      h *= 0x100000001b3L;
    }
    return fmix64(h);
  }
}

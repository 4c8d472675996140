package dev.tonari.store.bloom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A fixed-size bit array with {@code k} bit positions per item, all derived from one 64-bit hash
 * (Kirsch-Mitzenmacher double hashing), so callers hash each item once. It answers "definitely
 * absent" or "maybe present": an added hash is always reported present (no false negatives).
 *
 * <p>Bit positions of a hash {@code h}: {@code h1 = (int) h}, {@code h2 = (int) (h >>> 32) | 1}
 * (odd, so the k positions never collapse onto one), and for {@code i} in {@code 0..k-1} the
 * position is {@code ((h1 + i * h2) as unsigned 32-bit * bitCount) >>> 32} (a multiply-shift
 * range reduction, cheaper than a modulo). Bit {@code b} is bit {@code b % 64} of word {@code b /
 * 64}.
 *
 * <p>Serialized form ({@link #writeTo}): u32 little-endian word count, u8 hash count, then the
 * words as little-endian u64. {@link #readFrom} wraps those bytes without copying, so a filter of
 * a memory-mapped part costs no heap; such a filter is read-only.
 */
public final class BloomFilter {
  /** Bytes before the words in the serialized form. */
  public static final int HEADER_BYTES = 5;

  static final int MAX_HASH_COUNT = 16;
  /** Keeps bitCount below 2^32, which the multiply-shift reduction needs. */
  static final int MAX_WORDS = 1 << 26;

  private final int wordCount;
  private final int hashCount;
  private final long bitCount;
  /** The bits while building; null for a filter read from a buffer. */
  private final long[] words;
  /** Little-endian words of a filter read from a buffer, starting at index 0; null while building. */
  private final ByteBuffer serializedWords;

  private BloomFilter(int wordCount, int hashCount, long[] words, ByteBuffer serializedWords) {
    this.wordCount = wordCount;
    this.hashCount = hashCount;
    this.bitCount = (long) wordCount * 64;
    this.words = words;
    this.serializedWords = serializedWords;
  }

  /**
   * A filter sized so that after {@code expectedItems} distinct adds the false-positive rate is
   * about {@code falsePositiveRate}: m = -n ln p / (ln 2)^2 bits rounded up to whole 64-bit words,
   * k = round(m / n ln 2) clamped to [1, 16].
   */
  public static BloomFilter forExpected(int expectedItems, double falsePositiveRate) {
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new IllegalArgumentException("false-positive rate must be in (0, 1), got " + falsePositiveRate);
    }
    int items = Math.max(1, expectedItems);
    double bits = -items * Math.log(falsePositiveRate) / (Math.log(2) * Math.log(2));
    long wordsNeeded = Math.max(1, (long) Math.ceil(bits / 64));
    int wordCount = (int) Math.min(MAX_WORDS, wordsNeeded);
    long hashes = Math.round((double) wordCount * 64 / items * Math.log(2));
    int hashCount = (int) Math.max(1, Math.min(MAX_HASH_COUNT, hashes));
    return withSize(wordCount, hashCount);
  }

  /** An empty filter of exactly {@code wordCount * 64} bits and {@code hashCount} positions per item. */
  public static BloomFilter withSize(int wordCount, int hashCount) {
    checkShape(wordCount, hashCount);
    return new BloomFilter(wordCount, hashCount, new long[wordCount], null);
  }

  private static void checkShape(int wordCount, int hashCount) {
    if (wordCount < 1 || wordCount > MAX_WORDS) {
      throw new IllegalArgumentException("bloom filter word count must be in [1, " + MAX_WORDS + "], got " + wordCount);
    }
    if (hashCount < 1 || hashCount > MAX_HASH_COUNT) {
      throw new IllegalArgumentException("bloom filter hash count must be in [1, " + MAX_HASH_COUNT + "], got " + hashCount);
    }
  }

  public void add(long hash64) {
    if (words == null) {
      throw new UnsupportedOperationException("a bloom filter read from a buffer is read-only");
    }
    int h1 = (int) hash64;
    int h2 = (int) (hash64 >>> 32) | 1;
    for (int i = 0; i < hashCount; i++) {
      long bit = (((h1 + i * h2) & 0xffffffffL) * bitCount) >>> 32;
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  /** Adds {@code hashes[0, count)}, as {@link #add} each. */
  public void addAll(long[] hashes, int count) {
    for (int j = 0; j < count; j++) {
      add(hashes[j]);
    }
  }

  public boolean mightContain(long hash64) {
    int h1 = (int) hash64;
    int h2 = (int) (hash64 >>> 32) | 1;
    for (int i = 0; i < hashCount; i++) {
      long bit = (((h1 + i * h2) & 0xffffffffL) * bitCount) >>> 32;
      if ((word((int) (bit >>> 6)) & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  private long word(int index) {
    return words != null ? words[index] : serializedWords.getLong(index * 8);
  }

  public int hashCount() {
    return hashCount;
  }

  public long bitCount() {
    return bitCount;
  }

  public int serializedSize() {
    return HEADER_BYTES + wordCount * 8;
  }

  /** Writes the serialized form at the buffer's position and advances it. */
  public void writeTo(ByteBuffer out) {
    ByteOrder order = out.order();
    out.order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(wordCount);
    out.put((byte) hashCount);
    for (int i = 0; i < wordCount; i++) {
      out.putLong(word(i));
    }
    out.order(order);
  }

  /** The serialized form as a new array. */
  public byte[] toByteArray() {
    byte[] bytes = new byte[serializedSize()];
    writeTo(ByteBuffer.wrap(bytes));
    return bytes;
  }

  /**
   * A read-only filter over the serialized form at the buffer's position, without copying; the
   * position advances past it. The bytes must not change while the filter is in use.
   *
   * @throws IllegalArgumentException when the bytes do not describe a valid filter or run past the
   *     buffer's limit
   */
  public static BloomFilter readFrom(ByteBuffer in) {
    return readFrom(in, in);
  }

  /**
   * As {@link #readFrom(ByteBuffer)}, reading the header from {@code in} and taking the words from
   * {@code wordSource} at the same positions: a part reader checks a copy of a bloom region and
   * keeps filters over the mapped file without touching its pages ({@link
   * BlockFilters#readFrom(ByteBuffer, ByteBuffer)}).
   */
  static BloomFilter readFrom(ByteBuffer in, ByteBuffer wordSource) {
    if (in.remaining() < HEADER_BYTES) {
      throw new IllegalArgumentException("bloom filter header needs " + HEADER_BYTES + " bytes, " + in.remaining() + " remain");
    }
    int start = in.position();
    int wordCount = in.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(start);
    int hashCount = in.get(start + 4) & 0xff;
    checkShape(wordCount, hashCount);
    long size = HEADER_BYTES + (long) wordCount * 8;
    if (size > in.remaining()) {
      throw new IllegalArgumentException("bloom filter of " + wordCount + " words needs " + size + " bytes, " + in.remaining() + " remain");
    }
    ByteBuffer wordBytes = wordSource.slice(start + HEADER_BYTES, wordCount * 8).order(ByteOrder.LITTLE_ENDIAN);
    in.position(start + (int) size);
    return new BloomFilter(wordCount, hashCount, null, wordBytes);
  }
}

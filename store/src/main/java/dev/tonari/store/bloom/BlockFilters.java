package dev.tonari.store.bloom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The filters of one block, as stored in its bloom region: in part versions 1 to 3 the token
 * filter ({@link BloomTerms} terms) and, in parts written since the substring index, the substring
 * filter ({@link SubstringTerms} terms); in version 4 the one folded filter ({@link FoldedTerms}
 * terms, byte-hashed: kind 2), in version 5 the same terms word-hashed (kind 3), in version 6 those
 * and the numeric spans (kind 4). {@link dev.tonari.store.part.PartReader} requires each kind in
 * its version and refuses it elsewhere; the head's chunks use kind 4 in memory.
 *
 * <p>Serialized forms of the region, told apart by its first four bytes:
 *
 * <pre>
 * legacy    (parts written before the substring index): the token filter's {@link BloomFilter}
 *           form alone; its first u32 is a word count, at least 1.
 * kind 1    0  4  u32 0x00000000              (no legacy filter has 0 words, so this marks the form)
 *           4  1  u8  region kind = 1
 *           5  .  token filter, {@link BloomFilter} form
 *           .  .  substring filter, {@link BloomFilter} form
 * kind 2    0  4  u32 0x00000000
 *           4  1  u8  region kind = 2
 *           5  .  the folded filter ({@link FoldedTerms} terms, {@link FoldedTerms.Scheme#BYTE_HASHED}), {@link BloomFilter} form
 * kind 3    0  4  u32 0x00000000
 *           4  1  u8  region kind = 3
 *           5  .  the folded filter ({@link FoldedTerms} terms, {@link FoldedTerms.Scheme#WORD_HASHED}), {@link BloomFilter} form
 * kind 4    0  4  u32 0x00000000
 *           4  1  u8  region kind = 4
 *           5  .  the folded filter ({@link FoldedTerms} terms with numeric spans,
 *                 {@link FoldedTerms.Scheme#WORD_HASHED_NUMERIC_SPANS}), {@link BloomFilter} form
 * </pre>
 *
 * Any other kind is rejected, as are bytes left over after the filters. Reading wraps the bytes
 * without copying.
 */
public record BlockFilters(BloomFilter tokens, BloomFilter substrings, BloomFilter folded, FoldedTerms.Scheme foldedScheme) {
  public static final int KIND_TOKENS_AND_SUBSTRINGS = 1;
  public static final int KIND_FOLDED = 2;
  public static final int KIND_FOLDED_WORDS = 3;
  public static final int KIND_FOLDED_NUMERIC_SPANS = 4;
  private static final int KIND_HEADER_BYTES = 5;

  /** A region holding only a token filter, as parts written before the substring index have. */
  public static BlockFilters legacy(BloomFilter tokens) {
    return new BlockFilters(tokens, null, null, null);
  }

  /** A kind-1 region: a token filter and a substring filter. */
  public BlockFilters(BloomFilter tokens, BloomFilter substrings) {
    this(tokens, substrings, null, null);
  }

  /** A kind-2 or kind-3 region: one filter of {@link FoldedTerms} hashed by the scheme. */
  public static BlockFilters folded(BloomFilter folded, FoldedTerms.Scheme scheme) {
    return new BlockFilters(null, null, folded, scheme);
  }

  public boolean isFolded() {
    return folded != null;
  }

  /** The region kind: 0 for a legacy region, else 1 to 4. */
  public int kind() {
    if (folded != null) {
      return foldedScheme.regionKind();
    }
    return substrings == null ? 0 : KIND_TOKENS_AND_SUBSTRINGS;
  }

  /**
   * Whether the block may hold a line containing the literal with these probes: a folded region
   * checks the folded probes; older regions check the case-sensitive probes, and cannot prune for
   * a case-insensitive literal (their terms keep the case).
   */
  public boolean mightContain(NeedleProbes probes) {
    if (folded != null) {
      for (long probe : probes.folded(foldedScheme)) {
        if (!folded.mightContain(probe)) {
          return false;
        }
      }
      return true;
    }
    if (probes.caseInsensitive()) {
      return true;
    }
    for (long probe : probes.tokens()) {
      if (!tokens.mightContain(probe)) {
        return false;
      }
    }
    return substrings == null || probes.substrings().mightMatch(substrings);
  }

  /** Whether a kind-0 or kind-1 region may hold a line containing the literal with these case-sensitive probes. */
  public boolean mightContain(long[] tokenProbes, SubstringTerms.Probes substringProbes) {
    return mightContain(NeedleProbes.caseSensitiveOnly(tokenProbes, substringProbes));
  }

  public int serializedSize() {
    if (folded != null) {
      return KIND_HEADER_BYTES + folded.serializedSize();
    }
    return substrings == null ? tokens.serializedSize() : KIND_HEADER_BYTES + tokens.serializedSize() + substrings.serializedSize();
  }

  /** The serialized form: legacy without a substring filter, else kind 1. */
  public byte[] toByteArray() {
    ByteBuffer out = ByteBuffer.allocate(serializedSize()).order(ByteOrder.LITTLE_ENDIAN);
    if (folded != null) {
      out.putInt(0);
      out.put((byte) kind());
      folded.writeTo(out);
      return out.array();
    }
    if (substrings != null) {
      out.putInt(0);
      out.put((byte) KIND_TOKENS_AND_SUBSTRINGS);
    }
    tokens.writeTo(out);
    if (substrings != null) {
      substrings.writeTo(out);
    }
    return out.array();
  }

  /**
   * The filters of a region: all of {@code region}'s remaining bytes.
   *
   * @throws IllegalArgumentException when the bytes are not a valid region of a known kind
   */
  public static BlockFilters readFrom(ByteBuffer region) {
    return readFrom(region, region);
  }

  /**
   * The filters of a region checked in {@code region} (a copy, say) whose words are taken from
   * {@code words}, the same bytes at the same positions (the mapped part), which are not read here.
   *
   * @throws IllegalArgumentException when the bytes are not a valid region of a known kind, or the
   *     two buffers differ in size
   */
  public static BlockFilters readFrom(ByteBuffer region, ByteBuffer words) {
    if (region.remaining() != words.remaining()) {
      throw new IllegalArgumentException("bloom region of " + region.remaining() + " bytes against its words' " + words.remaining());
    }
    // Both from 0, so that a position in one is the same byte in the other.
    ByteBuffer in = region.slice().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer wordSource = words.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("bloom region of " + in.remaining() + " bytes is shorter than its 4-byte header");
    }
    BlockFilters filters;
    if (in.getInt(in.position()) != 0) {
      filters = legacy(BloomFilter.readFrom(in, wordSource));
    } else {
      if (in.remaining() < KIND_HEADER_BYTES) {
        throw new IllegalArgumentException("bloom region of " + in.remaining() + " bytes is shorter than its 5-byte kind header");
      }
      int kind = in.get(in.position() + 4) & 0xff;
      if (kind < KIND_TOKENS_AND_SUBSTRINGS || kind > KIND_FOLDED_NUMERIC_SPANS) {
        throw new IllegalArgumentException(
            "bloom region of unknown kind " + kind + " (this reader knows kinds " + KIND_TOKENS_AND_SUBSTRINGS + " to " + KIND_FOLDED_NUMERIC_SPANS + ")");
      }
      in.position(in.position() + KIND_HEADER_BYTES);
      FoldedTerms.Scheme scheme = FoldedTerms.Scheme.ofRegionKind(kind);
      if (scheme != null) {
        filters = folded(BloomFilter.readFrom(in, wordSource), scheme);
      } else {
        BloomFilter tokens = BloomFilter.readFrom(in, wordSource);
        BloomFilter substrings = BloomFilter.readFrom(in, wordSource);
        filters = new BlockFilters(tokens, substrings);
      }
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("bloom region has " + in.remaining() + " bytes after its filters");
    }
    return filters;
  }
}

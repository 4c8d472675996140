package dev.tonari.store.bloom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The filters of one block, as stored in its bloom region: in part versions 1 to 3 the token
 * filter ({@link BloomTerms} terms) and, in parts written since the substring index, the substring
 * filter ({@link SubstringTerms} terms); in version 4 the one folded filter ({@link FoldedTerms}
 * terms), which {@link dev.tonari.store.part.PartReader} requires there and refuses elsewhere.
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
 *           5  .  the folded filter ({@link FoldedTerms} terms), {@link BloomFilter} form
 * </pre>
 *
 * Any other kind is rejected, as are bytes left over after the filters. Reading wraps the bytes
 * without copying.
 */
public record BlockFilters(BloomFilter tokens, BloomFilter substrings, BloomFilter folded) {
  public static final int KIND_TOKENS_AND_SUBSTRINGS = 1;
  public static final int KIND_FOLDED = 2;
  private static final int KIND_HEADER_BYTES = 5;

  /** A region holding only a token filter, as parts written before the substring index have. */
  public static BlockFilters legacy(BloomFilter tokens) {
    return new BlockFilters(tokens, null, null);
  }

  /** A kind-1 region: a token filter and a substring filter. */
  public BlockFilters(BloomFilter tokens, BloomFilter substrings) {
    this(tokens, substrings, null);
  }

  /** A kind-2 region: one filter of {@link FoldedTerms}. */
  public static BlockFilters folded(BloomFilter folded) {
    return new BlockFilters(null, null, folded);
  }

  public boolean isFolded() {
    return folded != null;
  }

  /**
   * Whether the block may hold a line containing the literal with these probes: a folded region
   * checks the folded probes; older regions check the case-sensitive probes, and cannot prune for
   * a case-insensitive literal (their terms keep the case).
   */
  public boolean mightContain(NeedleProbes probes) {
    if (folded != null) {
      for (long probe : probes.folded()) {
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
    return mightContain(new NeedleProbes(tokenProbes, substringProbes, new long[0], false));
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
      out.put((byte) KIND_FOLDED);
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
    ByteBuffer in = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("bloom region of " + in.remaining() + " bytes is shorter than its 4-byte header");
    }
    BlockFilters filters;
    if (in.getInt(in.position()) != 0) {
      filters = legacy(BloomFilter.readFrom(in));
    } else {
      if (in.remaining() < KIND_HEADER_BYTES) {
        throw new IllegalArgumentException("bloom region of " + in.remaining() + " bytes is shorter than its 5-byte kind header");
      }
      int kind = in.get(in.position() + 4) & 0xff;
      if (kind != KIND_TOKENS_AND_SUBSTRINGS && kind != KIND_FOLDED) {
        throw new IllegalArgumentException(
            "bloom region of unknown kind " + kind + " (this reader knows kinds " + KIND_TOKENS_AND_SUBSTRINGS + " and " + KIND_FOLDED + ")");
      }
      in.position(in.position() + KIND_HEADER_BYTES);
      if (kind == KIND_FOLDED) {
        filters = folded(BloomFilter.readFrom(in));
      } else {
        BloomFilter tokens = BloomFilter.readFrom(in);
        BloomFilter substrings = BloomFilter.readFrom(in);
        filters = new BlockFilters(tokens, substrings);
      }
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("bloom region has " + in.remaining() + " bytes after its filters");
    }
    return filters;
  }
}

package dev.tonari.store.bloom;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The terms of the single filter of a kind-2 bloom region, and the probes a literal makes there.
 * One filter holds what the two filters of kind 1 held, with three changes measured on the
 * realistic corpus (store/RATIONALE.md, "One folded filter per block"):
 *
 * <ul>
 *   <li><b>Folded case.</b> Terms are taken from the line with ASCII letters lowercased, so a
 *       case-insensitive literal prunes too (it probes its lowercased terms); a case-sensitive
 *       literal probes the same lowercased terms, which a line containing it has as well.
 *   <li><b>Winnowed grams</b> (tag 5) instead of grams at a fixed stride (tag 3): for a token of
 *       at least {@value #GRAM_LENGTH} + {@value #WINDOW} - 1 bytes, every window of {@value
 *       #WINDOW} consecutive {@value #GRAM_LENGTH}-byte substrings that lies inside the token
 *       contributes the substring whose term hash is smallest (as a signed 64-bit number). The
 *       choice depends only on the window's bytes, so every window that lies inside a literal
 *       token picks the same gram in the line: the literal's probes are the picks of its own
 *       windows, all required, wherever the literal sits in the line token. Fixed-stride grams
 *       need one alternative per phase instead (which multiplies their false positives by the
 *       stride), and more terms per token (a 32-digit trace id gives 7; winnowing gives about 5).
 *       Tokens shorter than a window give no grams: their prefix and suffix serve them.
 *   <li><b>Everything in one filter</b>, sized for the rate of the writer's setting over all the
 *       distinct terms of the block: fewer header bytes and one rounding instead of two.
 * </ul>
 *
 * <p>Tokens, tags 0 to 2 (whole token, 6-byte prefix, 6-byte suffix) and junctions (tag 4) are
 * those of {@link BloomTerms} and {@link SubstringTerms}, over the folded bytes; the hash is
 * {@link BloomTerms#hash}. Bytes {@code >= 0x80} are kept as they are: a case-insensitive literal
 * with such bytes, or with {@code k} or {@code s} (which Unicode folds with the Kelvin sign and
 * the long s, two multi-byte characters), must be cut to its pieces without them before probing;
 * {@link #caseInsensitivePieces} does that.
 */
public final class FoldedTerms {
  public static final int TAG_WINNOWED_GRAM = 5;
  public static final int GRAM_LENGTH = 8;
  public static final int WINDOW = 8;
  /** The shortest token with a full window of grams. */
  public static final int MIN_WINNOWED_TOKEN = GRAM_LENGTH + WINDOW - 1;


  private FoldedTerms() {}

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_SEVEN_BITS = 0x7f7f7f7f7f7f7f7fL;
  private static final long HIGH_BITS = 0x8080808080808080L;
  /** Per byte {@code 0x80 - 'A'}: adding it to a byte below 0x80 sets its high bit when the byte is at least {@code 'A'}. */
  private static final long FROM_A = 0x3f3f3f3f3f3f3f3fL;
  /** Per byte {@code 0x80 - 'Z' - 1}: the high bit when the byte is above {@code 'Z'}. */
  private static final long ABOVE_Z = 0x2525252525252525L;

  /** Lowercases the ASCII letters of {@code source[offset, offset+length)} into {@code target[0, length)}. */
  public static void fold(byte[] source, int offset, int length, byte[] target) {
    // Eight bytes a step: of each byte's low seven bits, A..Z get the 0x20 bit; bytes >= 0x80 are
    // left as they are. The JIT did not vectorise the byte loop (1.7x slower on the corpus), and
    // every line of every flush and merge is folded.
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      long word = (long) LONGS.get(source, offset + i);
      long low = word & LOW_SEVEN_BITS;
      long upper = (low + FROM_A) & ~(low + ABOVE_Z) & ~word & HIGH_BITS;
      LONGS.set(target, i, word | (upper >>> 2));
    }
    for (; i < length; i++) {
      byte b = source[offset + i];
      target[i] = (byte) (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
  }

  /**
   * How the terms of a folded filter are hashed: kind-2 regions (format 4) and kind-3 regions
   * (format 5) hold the same token terms, junctions and winnowed grams, hashed byte by byte in kind
   * 2 and eight bytes a step in kind 3.
   */
  public enum Scheme {
    /** Kind 2: every term hashed with {@link BloomTerms#hash} (FNV-1a byte by byte). */
    BYTE_HASHED(BlockFilters.KIND_FOLDED),
    /** Kind 3: every term hashed with {@link BloomTerms#wordHash} (eight bytes a step). */
    WORD_HASHED(BlockFilters.KIND_FOLDED_WORDS),
    /**
     * Kind 4 (format 6): kind 3's terms and hash, and for four tokens joined by dots whose middle
     * two are short numbers (an address's octets) the span of {@link
     * SubstringTerms#forEachNumericSpanTerm}, one term that ties them.
     */
    WORD_HASHED_NUMERIC_SPANS(BlockFilters.KIND_FOLDED_NUMERIC_SPANS);

    private final int regionKind;

    Scheme(int regionKind) {
      this.regionKind = regionKind;
    }

    /** The bloom region kind whose filter holds this scheme's terms ({@link BlockFilters}). */
    public int regionKind() {
      return regionKind;
    }

    /** The scheme of a folded region of this kind, or null for a kind that is not folded. */
    public static Scheme ofRegionKind(int kind) {
      for (Scheme scheme : values()) {
        if (scheme.regionKind == kind) {
          return scheme;
        }
      }
      return null;
    }

    long hash(int tag, byte[] bytes, int offset, int length) {
      return this == BYTE_HASHED ? BloomTerms.hash(tag, bytes, offset, length) : BloomTerms.wordHash(tag, bytes, offset, length);
    }

    /** Whether the scheme's filters hold the numeric span terms (kind 4). */
    public boolean numericSpans() {
      return this == WORD_HASHED_NUMERIC_SPANS;
    }
  }

  /** {@link #forEachTermOfFolded(byte[], int, int, Scheme, LongConsumer)} of a kind-2 region. */
  public static void forEachTermOfFolded(byte[] folded, int offset, int length, LongConsumer hashSink) {
    forEachTermOfFolded(folded, offset, length, Scheme.BYTE_HASHED, hashSink);
  }

  /**
   * Calls {@code hashSink} with every term of a line whose bytes are already folded (repeats
   * included): the token terms, the junctions and the winnowed grams.
   */
  public static void forEachTermOfFolded(byte[] folded, int offset, int length, Scheme scheme, LongConsumer hashSink) {
    // One pass over the tokens for every kind of term (they are those of BloomTerms.forEachTerm,
    // SubstringTerms.forEachJunction and the winnowed grams, token by token): the scans for token
    // bytes were a good part of a part writer's time when each kind made its own.
    long[] window = null;
    int end = offset + length;
    int i = offset;
    int previousStart = -1;
    int previousEnd = -1;
    // For kind 4's spans: how many single dots join the tokens up to the previous one, and where
    // the token before the previous one starts.
    int dotsBefore = 0;
    int beforePreviousStart = -1;
    while (i < end) {
      int gapStart = i;
      while (i < end && !BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      int start = i;
      while (i < end && BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      int tokenLength = i - start;
      if (tokenLength == 0) {
        break;
      }
      if (tokenLength >= BloomTerms.AFFIX_LENGTH) {
        hashSink.accept(scheme.hash(BloomTerms.TAG_PREFIX, folded, start, BloomTerms.AFFIX_LENGTH));
        hashSink.accept(scheme.hash(BloomTerms.TAG_SUFFIX, folded, i - BloomTerms.AFFIX_LENGTH, BloomTerms.AFFIX_LENGTH));
      } else if (tokenLength >= BloomTerms.MIN_TOKEN_LENGTH) {
        hashSink.accept(scheme.hash(BloomTerms.TAG_TOKEN, folded, start, tokenLength));
      }
      boolean joined = previousEnd >= 0 && start - gapStart == 1 && gapStart == previousEnd;
      if (joined && SubstringTerms.isNumericJunction(folded, previousStart, previousEnd, start, i)) {
        hashSink.accept(SubstringTerms.junction(scheme, folded, previousStart, previousEnd, start, i));
      }
      boolean joinedByDot = joined && folded[gapStart] == '.';
      if (scheme.numericSpans() && joinedByDot && dotsBefore >= 2) {
        SubstringTerms.forEachNumericSpanTerm(scheme, folded, beforePreviousStart, previousStart - 1, previousStart, previousEnd, start, hashSink);
      }
      dotsBefore = joinedByDot ? dotsBefore + 1 : 0;
      beforePreviousStart = previousStart;
      previousStart = start;
      previousEnd = i;
      if (tokenLength >= MIN_WINNOWED_TOKEN) {
        if (window == null) {
          window = new long[WINDOW];
        }
        winnow(scheme, folded, start, i, window, hashSink);
      }
    }
  }

  /**
   * Calls the sink with the pick of each window of the token {@code [start, end)}, skipping a pick
   * equal to the previous window's (the same gram at the same offset).
   */
  private static void winnow(Scheme scheme, byte[] bytes, int start, int end, long[] ring, LongConsumer sink) {
    // The last WINDOW gram hashes in a ring (gram g at g % WINDOW), so that a line costs one small
    // array however long its tokens: the writer and the head hash every line of every block.
    int grams = end - start - GRAM_LENGTH + 1;
    int previousPick = -1;
    int pick = -1;
    for (int g = 0; g < grams; g++) {
      long gram = scheme.hash(TAG_WINNOWED_GRAM, bytes, start + g, GRAM_LENGTH);
      ring[g % WINDOW] = gram;
      int window = g - WINDOW + 1;
      if (window < 0) {
        continue;
      }
      // The smallest hash of the window, the earliest on ties. While the last pick is still inside
      // the window it is the smallest of the window's older grams, so only the new gram can beat
      // it (strictly, to keep the earliest); the whole window is searched only when it left.
      if (pick < window) {
        pick = window;
        for (int candidate = window + 1; candidate <= g; candidate++) {
          if (ring[candidate % WINDOW] < ring[pick % WINDOW]) {
            pick = candidate;
          }
        }
      } else if (gram < ring[pick % WINDOW]) {
        pick = g;
      }
      if (pick != previousPick) {
        sink.accept(ring[pick % WINDOW]);
        previousPick = pick;
      }
    }
  }

  /** The probes of a literal in a kind-2 region: {@link #probes(byte[], Scheme)} byte-hashed. */
  public static long[] probes(byte[] literal) {
    return probes(literal, Scheme.BYTE_HASHED);
  }

  /**
   * The probes of a literal (UTF-8 bytes, any case) in a folded filter of the scheme, without
   * duplicates: all must be present for a line to contain the literal, case-sensitively, or
   * case-insensitively when the literal has no byte {@code >= 0x80} and no {@code k} or {@code s}.
   */
  public static long[] probes(byte[] literal, Scheme scheme) {
    byte[] folded = new byte[literal.length];
    fold(literal, 0, literal.length, folded);
    long[] tokens = BloomTerms.probes(folded, scheme);
    long[] junctions = SubstringTerms.junctionProbes(folded, scheme);
    long[] all = Arrays.copyOf(tokens, tokens.length + junctions.length + literal.length);
    System.arraycopy(junctions, 0, all, tokens.length, junctions.length);
    int[] count = {tokens.length + junctions.length};
    int n = folded.length;
    int i = 0;
    while (i < n) {
      while (i < n && !BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      int start = i;
      while (i < n && BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      if (i - start >= MIN_WINNOWED_TOKEN) {
        long[] target = all;
        winnow(scheme, folded, start, i, new long[WINDOW], hash -> target[count[0]++] = hash);
      }
    }
    long[] distinct = Arrays.copyOf(all, count[0]);
    Arrays.sort(distinct);
    int unique = 0;
    for (int j = 0; j < distinct.length; j++) {
      if (j == 0 || distinct[j] != distinct[j - 1]) {
        distinct[unique++] = distinct[j];
      }
    }
    return Arrays.copyOf(distinct, unique);
  }

  /**
   * The pieces of a case-insensitive literal that a folded filter can probe: the literal cut
   * around every token (maximal run of token bytes) that holds a byte {@code >= 0x80}, a {@code k}
   * or an {@code s} in either case, since RE2's and Unicode's case folding let such a token match
   * bytes of another length (the Kelvin sign for k, the long s for s, and any non-ASCII letter's
   * other case). Cutting a literal only loses pruning: a line containing the literal contains each
   * piece, and the folded probes of a piece without those bytes hold for every case-insensitive
   * match. Pieces without a token are left out.
   */
  public static java.util.List<byte[]> caseInsensitivePieces(byte[] literal) {
    java.util.List<byte[]> pieces = new java.util.ArrayList<>();
    int n = literal.length;
    int pieceStart = 0;
    int i = 0;
    while (i < n) {
      if (!BloomTerms.isTokenByte(literal[i])) {
        i++;
        continue;
      }
      int start = i;
      boolean unsafe = false;
      while (i < n && BloomTerms.isTokenByte(literal[i])) {
        int c = literal[i] & 0xff;
        unsafe |= c >= 0x80 || c == 'k' || c == 'K' || c == 's' || c == 'S';
        i++;
      }
      if (unsafe) {
        addPiece(pieces, literal, pieceStart, start);
        pieceStart = i;
      }
    }
    addPiece(pieces, literal, pieceStart, n);
    return pieces;
  }

  private static void addPiece(java.util.List<byte[]> pieces, byte[] literal, int from, int to) {
    for (int i = from; i < to; i++) {
      if (BloomTerms.isTokenByte(literal[i])) {
        pieces.add(Arrays.copyOfRange(literal, from, to));
        return;
      }
    }
  }
}

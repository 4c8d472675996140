package dev.tonari.store.bloom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The terms of a block's second bloom filter, the substring filter, and the probes a {@code |=}
 * literal makes there: they let a filter prune for literals that {@link BloomTerms} cannot probe,
 * such as a bare trace id (one token touching both ends of the literal, so it could be the middle
 * of a longer line token) or an IP address (short, common tokens). Tokens are those of {@link
 * BloomTerms}; hashes are {@link BloomTerms#hash} with their own tags.
 *
 * <p><b>Grams</b> (tag 3): for every token of at least {@value #GRAM_LENGTH} bytes, the {@value
 * #GRAM_LENGTH}-byte substrings starting at token offsets 0, {@value #GRAM_STRIDE}, 2·{@value
 * #GRAM_STRIDE}, ... that fit in the token. A literal token of at least {@value
 * #MIN_GRAM_LITERAL} bytes that touches both ends of the literal lies somewhere inside a line
 * token, at an unknown offset; whatever that offset, one of the {@value #GRAM_STRIDE} phases of
 * the literal lines up with the stride, and all the grams of that phase that fit in the literal
 * are terms of the line. So the literal's probe is an alternative: the block may hold it only if
 * for some phase p all grams at literal offsets p, p+{@value #GRAM_STRIDE}, ... are present.
 * Every phase has at least one gram because the literal is at least {@value #GRAM_LENGTH} +
 * {@value #GRAM_STRIDE} - 1 bytes long. A literal token that a non-token byte of the literal
 * precedes starts where a line token starts, so its grams at offsets 0, {@value #GRAM_STRIDE},
 * ... that fit in it are all required (from {@value #GRAM_LENGTH} bytes on); one that only touches
 * the literal's start is treated as touching both ends.
 *
 * <p><b>Junctions</b> (tag 4): for every two tokens A and B of a line separated by exactly one
 * {@code .} or {@code :} byte, the term made of the last min(3, |A|) bytes of A, the separator,
 * and the first min(3, |B|) bytes of B. A literal probes the junction between two of its tokens
 * separated by one such byte when it knows both parts: the left token is whole (a non-token byte
 * of the literal precedes it) or at least 3 bytes long, and likewise the right token. An address
 * {@code 137.156.37.200} gives three probes, all required.
 *
 * <p>This filter can afford a high false-positive rate per term (the writer's default is {@code
 * 0.2}): a probe is several terms that must all be present.
 */
public final class SubstringTerms {
  public static final int TAG_GRAM = 3;
  public static final int TAG_JUNCTION = 4;
  /** Kind 4's span of four dotted tokens (tag 5 is the folded filters' winnowed gram). */
  public static final int TAG_NUMERIC_SPAN = 6;
  public static final int GRAM_LENGTH = 8;
  public static final int GRAM_STRIDE = 4;
  public static final int MIN_GRAM_LITERAL = GRAM_LENGTH + GRAM_STRIDE - 1;
  static final int JUNCTION_AFFIX = 3;

  private SubstringTerms() {}

  private static boolean isJunctionSeparator(byte b) {
    return b == '.' || b == ':';
  }

  /** Calls {@code hashSink} with the hash of every substring term of the line (repeats included). */
  public static void forEachTerm(byte[] line, int offset, int length, LongConsumer hashSink) {
    int end = offset + length;
    int i = offset;
    int previousStart = -1;
    int previousEnd = -1;
    while (i < end) {
      int gapStart = i;
      while (i < end && !BloomTerms.isTokenByte(line[i])) {
        i++;
      }
      int start = i;
      while (i < end && BloomTerms.isTokenByte(line[i])) {
        i++;
      }
      int tokenLength = i - start;
      if (tokenLength == 0) {
        break;
      }
      for (int gram = start; gram + GRAM_LENGTH <= i; gram += GRAM_STRIDE) {
        hashSink.accept(BloomTerms.hash(TAG_GRAM, line, gram, GRAM_LENGTH));
      }
      if (previousEnd >= 0 && start - gapStart == 1 && gapStart == previousEnd && isJunctionSeparator(line[gapStart])) {
        hashSink.accept(junction(line, previousStart, previousEnd, start, i));
      }
      previousStart = start;
      previousEnd = i;
    }
  }

  /** Calls {@code hashSink} with the hash of every junction term of the line (repeats included). */
  public static void forEachJunction(byte[] line, int offset, int length, LongConsumer hashSink) {
    int end = offset + length;
    int i = offset;
    int previousStart = -1;
    int previousEnd = -1;
    while (i < end) {
      int gapStart = i;
      while (i < end && !BloomTerms.isTokenByte(line[i])) {
        i++;
      }
      int start = i;
      while (i < end && BloomTerms.isTokenByte(line[i])) {
        i++;
      }
      if (i == start) {
        break;
      }
      if (previousEnd >= 0 && start - gapStart == 1 && gapStart == previousEnd && isNumericJunction(line, previousStart, previousEnd, start, i)) {
        hashSink.accept(junction(line, previousStart, previousEnd, start, i));
      }
      previousStart = start;
      previousEnd = i;
    }
  }

  /**
   * The numeric junction probes of a literal in a folded filter of the scheme (the required probes
   * of {@link #probes} that are not grams, for junctions around '.' between digits).
   */
  static long[] junctionProbes(byte[] literal, FoldedTerms.Scheme scheme) {
    int n = literal.length;
    long[] found = new long[n];
    int count = 0;
    int i = 0;
    int previousStart = -1;
    int previousEnd = -1;
    boolean previousWhole = false;
    // For kind 4's spans: how many single dots join the tokens up to the previous one, and where
    // the token before the previous one starts.
    int dotsBefore = 0;
    int beforePreviousStart = -1;
    while (i < n) {
      int gapStart = i;
      while (i < n && !BloomTerms.isTokenByte(literal[i])) {
        i++;
      }
      int start = i;
      while (i < n && BloomTerms.isTokenByte(literal[i])) {
        i++;
      }
      int tokenLength = i - start;
      if (tokenLength == 0) {
        break;
      }
      boolean boundedLeft = start > 0;
      boolean boundedRight = i < n;
      boolean leftKnown = previousEnd >= 0 && (previousWhole || previousEnd - previousStart >= JUNCTION_AFFIX);
      boolean rightKnown = boundedRight || tokenLength >= JUNCTION_AFFIX;
      boolean joined = previousEnd >= 0 && start - gapStart == 1 && gapStart == previousEnd;
      if (leftKnown && rightKnown && joined && isNumericJunction(literal, previousStart, previousEnd, start, i)) {
        found[count++] = junction(scheme, literal, previousStart, previousEnd, start, i);
      }
      boolean joinedByDot = joined && literal[gapStart] == '.';
      // The span of the four tokens ending here: the middle two are whole (a dot on each side).
      if (scheme.numericSpans() && joinedByDot && dotsBefore >= 2
          && isNumericSpan(literal, beforePreviousStart, previousStart - 1, previousStart, previousEnd, start)) {
        found[count++] = span(scheme, literal, beforePreviousStart - 2, start + 1);
      }
      dotsBefore = joinedByDot ? dotsBefore + 1 : 0;
      beforePreviousStart = previousStart;
      previousStart = start;
      previousEnd = i;
      previousWhole = boundedLeft;
    }
    return Arrays.copyOf(found, count);
  }

  /**
   * Whether the folded filter keeps the junction of tokens A = [leftStart, leftEnd) and B =
   * [rightStart, rightEnd) separated by the one byte at leftEnd: the separator is {@code .} and
   * every byte the junction term takes (the last min(3, |A|) of A, the first min(3, |B|) of B) is
   * an ASCII digit. The condition reads only the bytes of the term, so a literal that knows them
   * decides it as the line does.
   */
  static boolean isNumericJunction(byte[] bytes, int leftStart, int leftEnd, int rightStart, int rightEnd) {
    if (bytes[leftEnd] != '.') {
      return false;
    }
    for (int i = leftEnd - Math.min(JUNCTION_AFFIX, leftEnd - leftStart); i < leftEnd; i++) {
      if (bytes[i] < '0' || bytes[i] > '9') {
        return false;
      }
    }
    for (int i = rightStart; i < rightStart + Math.min(JUNCTION_AFFIX, rightEnd - rightStart); i++) {
      if (bytes[i] < '0' || bytes[i] > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Kind 4's span term of four tokens joined by single dots, A.B.C.D, where B = [secondStart,
   * secondEnd) and C = [thirdStart, thirdEnd) (so A ends one byte before B and D starts one byte
   * after C, at {@code fourthStart}): when B and C have 1 to 3 bytes, all digits, and A's last and
   * D's first byte are digits, the bytes from A's last byte to D's first, the three dots, B and C
   * included (tag {@value #TAG_NUMERIC_SPAN}). An IPv4 literal {@code 13.91.208.108} knows those
   * bytes ({@code 3.91.208.1}) whatever the line tokens around its outer octets, so it always
   * probes its span, and the span ties its octets: a block where they occur apart, as octets and
   * junctions of them do by chance in a block full of addresses, does not pass.
   */
  static void forEachNumericSpanTerm(
      FoldedTerms.Scheme scheme, byte[] bytes, int secondStart, int secondEnd, int thirdStart, int thirdEnd, int fourthStart, LongConsumer sink) {
    if (isNumericSpan(bytes, secondStart, secondEnd, thirdStart, thirdEnd, fourthStart)) {
      sink.accept(span(scheme, bytes, secondStart - 2, fourthStart + 1));
    }
  }

  private static boolean isNumericSpan(byte[] bytes, int secondStart, int secondEnd, int thirdStart, int thirdEnd, int fourthStart) {
    int second = secondEnd - secondStart;
    int third = thirdEnd - thirdStart;
    return second <= JUNCTION_AFFIX && third <= JUNCTION_AFFIX
        && trailingDigits(bytes, secondEnd, second) == second && trailingDigits(bytes, thirdEnd, third) == third
        && isDigit(bytes[secondStart - 2]) && isDigit(bytes[fourthStart]);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static long span(FoldedTerms.Scheme scheme, byte[] bytes, int from, int to) {
    return scheme.hash(TAG_NUMERIC_SPAN, bytes, from, to - from);
  }

  /** How many of the {@code limit} bytes before {@code end} are digits, counting back from {@code end}. */
  private static int trailingDigits(byte[] bytes, int end, int limit) {
    int count = 0;
    while (count < limit && bytes[end - 1 - count] >= '0' && bytes[end - 1 - count] <= '9') {
      count++;
    }
    return count;
  }

  static long junction(byte[] bytes, int leftStart, int leftEnd, int rightStart, int rightEnd) {
    return junction(FoldedTerms.Scheme.BYTE_HASHED, bytes, leftStart, leftEnd, rightStart, rightEnd);
  }

  /** The junction term of tokens A and B hashed by the scheme (byte-hashed in kind-1 and kind-2 regions). */
  static long junction(FoldedTerms.Scheme scheme, byte[] bytes, int leftStart, int leftEnd, int rightStart, int rightEnd) {
    int leftTake = Math.min(JUNCTION_AFFIX, leftEnd - leftStart);
    int rightTake = Math.min(JUNCTION_AFFIX, rightEnd - rightStart);
    // The separator is the single byte between the two tokens, so the term is one contiguous range.
    return scheme.hash(TAG_JUNCTION, bytes, leftEnd - leftTake, leftTake + 1 + rightTake);
  }

  /**
   * The probes of a literal in this filter: a block may hold the literal only if every required
   * probe is present and, when there are gram alternatives, all probes of at least one of them.
   *
   * @param required junction probes, all needed
   * @param alternatives gram probes per phase (for each literal token that needs them, every
   *     phase is one alternative; a block must satisfy one alternative of each such token)
   */
  public record Probes(long[] required, List<long[][]> alternatives) {
    public static final Probes NONE = new Probes(new long[0], List.of());

    public boolean isEmpty() {
      return required.length == 0 && alternatives.isEmpty();
    }

    /** Whether a filter holding these terms may contain the literal. */
    public boolean mightMatch(BloomFilter filter) {
      for (long probe : required) {
        if (!filter.mightContain(probe)) {
          return false;
        }
      }
      for (long[][] phases : alternatives) {
        if (!anyPhasePresent(filter, phases)) {
          return false;
        }
      }
      return true;
    }

    private static boolean anyPhasePresent(BloomFilter filter, long[][] phases) {
      for (long[] phase : phases) {
        boolean all = true;
        for (long probe : phase) {
          if (!filter.mightContain(probe)) {
            all = false;
            break;
          }
        }
        if (all) {
          return true;
        }
      }
      return false;
    }
  }

  /** The probes of a literal given as UTF-8 bytes; {@link Probes#NONE} when none apply. */
  public static Probes probes(byte[] literal) {
    int n = literal.length;
    long[] required = new long[n];
    int requiredCount = 0;
    List<long[][]> alternatives = new ArrayList<>();
    int i = 0;
    int previousStart = -1;
    int previousEnd = -1;
    boolean previousWhole = false;
    while (i < n) {
      int gapStart = i;
      while (i < n && !BloomTerms.isTokenByte(literal[i])) {
        i++;
      }
      int start = i;
      while (i < n && BloomTerms.isTokenByte(literal[i])) {
        i++;
      }
      int tokenLength = i - start;
      if (tokenLength == 0) {
        break;
      }
      boolean boundedLeft = start > 0;
      boolean boundedRight = i < n;
      if (boundedLeft && tokenLength >= GRAM_LENGTH) {
        // The literal token starts where a line token starts: its grams are at known offsets.
        for (int gram = start; gram + GRAM_LENGTH <= i; gram += GRAM_STRIDE) {
          long probe = BloomTerms.hash(TAG_GRAM, literal, gram, GRAM_LENGTH);
          if (Arrays.stream(required, 0, requiredCount).noneMatch(p -> p == probe)) {
            required = ensureRoom(required, requiredCount);
            required[requiredCount++] = probe;
          }
        }
      } else if (!boundedLeft && tokenLength >= MIN_GRAM_LITERAL) {
        alternatives.add(gramPhases(literal, start, i));
      }
      boolean leftKnown = previousEnd >= 0 && (previousWhole || previousEnd - previousStart >= JUNCTION_AFFIX);
      boolean rightKnown = boundedRight || tokenLength >= JUNCTION_AFFIX;
      if (leftKnown && rightKnown && start - gapStart == 1 && gapStart == previousEnd && isJunctionSeparator(literal[gapStart])) {
        long probe = junction(literal, previousStart, previousEnd, start, i);
        if (Arrays.stream(required, 0, requiredCount).noneMatch(p -> p == probe)) {
          required = ensureRoom(required, requiredCount);
          required[requiredCount++] = probe;
        }
      }
      previousStart = start;
      previousEnd = i;
      previousWhole = boundedLeft;
    }
    if (requiredCount == 0 && alternatives.isEmpty()) {
      return Probes.NONE;
    }
    return new Probes(Arrays.copyOf(required, requiredCount), List.copyOf(alternatives));
  }

  private static long[] ensureRoom(long[] values, int count) {
    return count < values.length ? values : Arrays.copyOf(values, values.length * 2 + 4);
  }

  private static long[][] gramPhases(byte[] literal, int start, int end) {
    long[][] phases = new long[GRAM_STRIDE][];
    for (int phase = 0; phase < GRAM_STRIDE; phase++) {
      int count = (end - start - phase - GRAM_LENGTH) / GRAM_STRIDE + 1;
      long[] grams = new long[count];
      for (int g = 0; g < count; g++) {
        grams[g] = BloomTerms.hash(TAG_GRAM, literal, start + phase + g * GRAM_STRIDE, GRAM_LENGTH);
      }
      phases[phase] = grams;
    }
    return phases;
  }
}

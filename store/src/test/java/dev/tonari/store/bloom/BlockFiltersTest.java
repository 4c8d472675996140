package dev.tonari.store.bloom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BlockFiltersTest {
  private static final byte[] LINE = "level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 ip=10.1.2.3".getBytes(StandardCharsets.UTF_8);

  private static BlockFilters filtersOfLine() {
    BloomFilter tokens = BloomFilter.forExpected(20, 0.01);
    BloomTerms.forEachTerm(LINE, 0, LINE.length, tokens::add);
    BloomFilter substrings = BloomFilter.forExpected(20, 0.2);
    SubstringTerms.forEachTerm(LINE, 0, LINE.length, substrings::add);
    return new BlockFilters(tokens, substrings);
  }

  private static boolean mightContain(BlockFilters filters, String literal) {
    byte[] bytes = literal.getBytes(StandardCharsets.UTF_8);
    return filters.mightContain(BloomTerms.probes(bytes), SubstringTerms.probes(bytes));
  }

  /**
   * A region checked on a copy keeps the words of the other buffer: the copy's words are never
   * read, so a part reader can check a copy and probe the mapped file.
   */
  @Test
  void aRegionCheckedOnACopyProbesTheWordsOfItsOwnBytes() {
    BloomFilter folded = BloomFilter.forExpected(40, 0.2);
    byte[] lowered = LINE.clone();
    FoldedTerms.fold(LINE, 0, LINE.length, lowered);
    FoldedTerms.forEachTermOfFolded(lowered, 0, lowered.length, FoldedTerms.Scheme.WORD_HASHED, folded::add);
    byte[] region = BlockFilters.folded(folded, FoldedTerms.Scheme.WORD_HASHED).toByteArray();
    byte[] headersOnly = region.clone();
    java.util.Arrays.fill(headersOnly, 5 + BloomFilter.HEADER_BYTES, headersOnly.length, (byte) 0);
    NeedleProbes[] probes = NeedleProbes.of(java.util.List.of("4bf92f3577b34da6a3ce929d0e0e4736"));
    BlockFilters fromCopy = BlockFilters.readFrom(ByteBuffer.wrap(headersOnly), ByteBuffer.wrap(region));
    assertThat(fromCopy.kind()).isEqualTo(BlockFilters.KIND_FOLDED_WORDS);
    assertThat(NeedleProbes.mightContainAll(fromCopy, probes)).isTrue();
    // The other way round, the zeroed words answer: nothing is there.
    assertThat(NeedleProbes.mightContainAll(BlockFilters.readFrom(ByteBuffer.wrap(region), ByteBuffer.wrap(headersOnly)), probes)).isFalse();
    assertThatThrownBy(() -> BlockFilters.readFrom(ByteBuffer.wrap(region), ByteBuffer.wrap(region, 0, region.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("against its words'");
  }

  @Test
  void roundTripKeepsBothFilters() {
    BlockFilters written = filtersOfLine();
    byte[] bytes = written.toByteArray();
    assertThat(bytes).hasSize(written.serializedSize());
    assertThat(bytes[0] | bytes[1] | bytes[2] | bytes[3]).isZero();
    assertThat(bytes[4]).isEqualTo((byte) BlockFilters.KIND_TOKENS_AND_SUBSTRINGS);
    BlockFilters read = BlockFilters.readFrom(ByteBuffer.wrap(bytes));
    assertThat(read.substrings()).isNotNull();
    assertThat(mightContain(read, "4bf92f3577b34da6a3ce929d0e0e4736")).isTrue();
    assertThat(mightContain(read, "ffffffffffffffffffffffffffffffff")).isFalse();
  }

  @Test
  void aLegacyRegionIsATokenFilterAloneAndCannotPruneBareIds() {
    BloomFilter tokens = BloomFilter.forExpected(20, 0.01);
    BloomTerms.forEachTerm(LINE, 0, LINE.length, tokens::add);
    BlockFilters read = BlockFilters.readFrom(ByteBuffer.wrap(tokens.toByteArray()));
    assertThat(read.substrings()).isNull();
    // Without a substring filter a bare id cannot be ruled out: the block must be read.
    assertThat(mightContain(read, "ffffffffffffffffffffffffffffffff")).isTrue();
    assertThat(mightContain(read, " level=warn ")).isFalse();
  }

  @Test
  void unknownKindsAndTrailingBytesAreRejected() {
    byte[] bytes = filtersOfLine().toByteArray();
    bytes[4] = 7;
    assertThatThrownBy(() -> BlockFilters.readFrom(ByteBuffer.wrap(bytes))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown kind 7");
    byte[] longer = java.util.Arrays.copyOf(filtersOfLine().toByteArray(), filtersOfLine().serializedSize() + 1);
    assertThatThrownBy(() -> BlockFilters.readFrom(ByteBuffer.wrap(longer))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after its filters");
  }

  /** The decoder on garbage: only IllegalArgumentException, whatever the bytes. */
  @Property(tries = 3000)
  void garbageGivesOnlyIllegalArgument(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] bytes;
    if (random.nextBoolean()) {
      // A valid region with some bytes changed or cut, so that the decoder gets past its first checks.
      byte[] valid = filtersOfLine().toByteArray();
      bytes = java.util.Arrays.copyOf(valid, random.nextInt(valid.length + 8));
      for (int i = random.nextInt(4); i > 0 && bytes.length > 0; i--) {
        bytes[random.nextInt(Math.min(bytes.length, 16))] = (byte) random.nextInt(256);
      }
    } else {
      bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      if (bytes.length > 5 && random.nextBoolean()) {
        bytes[0] = bytes[1] = bytes[2] = bytes[3] = 0;
        bytes[4] = 1;
      }
    }
    try {
      BlockFilters filters = BlockFilters.readFrom(ByteBuffer.wrap(bytes));
      mightContain(filters, "4bf92f3577b34da6a3ce929d0e0e4736");
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}

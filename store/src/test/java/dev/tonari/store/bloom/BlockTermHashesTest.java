package dev.tonari.store.bloom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The distinct estimate against a HashSet, and the filter built from the hashes against one fed hash by hash. */
class BlockTermHashesTest {
  @Property(tries = 60)
  void theEstimateIsExactForFewHashesAndWithinAPercentForMany(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 400_000) int perBlock, @ForAll boolean biasedTopBits) {
    Random random = new Random(seed);
    BlockTermHashes hashes = new BlockTermHashes();
    for (int block = 0; block < 2; block++) {
      Set<Long> distinct = new HashSet<>();
      long[] pool = new long[Math.max(1, perBlock / 3)];
      for (int i = 0; i < perBlock; i++) {
        long hash;
        if (random.nextInt(3) == 0) {
          // A repeat of an earlier term, as a block's common tokens repeat.
          hash = pool[random.nextInt(pool.length)];
        } else {
          hash = random.nextLong();
          // Winnowed grams are the smallest hash of their window: their top bits are skewed.
          hash = biasedTopBits ? hash | Long.MIN_VALUE : hash;
          pool[random.nextInt(pool.length)] = hash;
        }
        distinct.add(hash);
        hashes.add(hash);
      }
      int estimate = hashes.distinctEstimate();
      assertThat(hashes.count()).isEqualTo(perBlock);
      assertThat(estimate).isLessThanOrEqualTo(perBlock);
      if (perBlock <= BlockTermHashes.EXACT_UP_TO) {
        assertThat(estimate).isEqualTo(distinct.size());
      } else {
        assertThat((double) estimate).isCloseTo(distinct.size(), within(distinct.size() * 0.01));
      }
      hashes.clear();
      assertThat(hashes.count()).isZero();
      assertThat(hashes.distinctEstimate()).isZero();
    }
  }

  @Property(tries = 50)
  void theFilterBuiltFromTheHashesIsTheOneBuiltHashByHash(@ForAll long seed, @ForAll @IntRange(min = 0, max = 20_000) int count) {
    Random random = new Random(seed);
    BlockTermHashes hashes = new BlockTermHashes();
    BloomFilter oneByOne = BloomFilter.withSize(1 + count / 40, 2);
    for (int i = 0; i < count; i++) {
      long hash = random.nextInt(4) == 0 ? random.nextInt(100) : random.nextLong();
      hashes.add(hash);
      oneByOne.add(hash);
    }
    BloomFilter all = BloomFilter.withSize(1 + count / 40, 2);
    hashes.addTo(all);
    assertThat(all.toByteArray()).isEqualTo(oneByOne.toByteArray());
  }
}

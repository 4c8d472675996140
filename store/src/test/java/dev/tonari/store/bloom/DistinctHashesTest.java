package dev.tonari.store.bloom;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The distinct-term set against a HashSet, over blocks of repeated, colliding and zero hashes, reused as the writer reuses it. */
class DistinctHashesTest {
  @Property(tries = 200)
  void countsAndListsExactlyTheDistinctHashesOfEachBlock(@ForAll long seed, @ForAll @IntRange(min = 0, max = 20_000) int perBlock) {
    Random random = new Random(seed);
    DistinctHashes hashes = new DistinctHashes();
    for (int block = 0; block < 3; block++) {
      Set<Long> expected = new HashSet<>();
      for (int i = 0; i < perBlock; i++) {
        long hash = switch (random.nextInt(4)) {
          case 0 -> 0L;
          // Few distinct values, so that repeats are common.
          case 1 -> random.nextInt(50);
          // Values equal in the low bits, so that they probe the same slots.
          case 2 -> (long) random.nextInt(1000) << 40;
          default -> random.nextLong();
        };
        expected.add(hash);
        hashes.add(hash);
      }
      List<Long> listed = new ArrayList<>();
      hashes.forEach(listed::add);
      assertThat(hashes.size()).isEqualTo(expected.size());
      assertThat(listed).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
      hashes.clear();
      List<Long> afterClear = new ArrayList<>();
      hashes.forEach(afterClear::add);
      assertThat(afterClear).isEmpty();
      assertThat(hashes.size()).isZero();
    }
  }
}

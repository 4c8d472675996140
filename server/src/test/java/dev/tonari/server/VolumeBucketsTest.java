package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.server.IndexHandlers.Bucket;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The time buckets of {@code index/volume_range}, as Loki's {@code util.ForInterval} cuts them. */
class VolumeBucketsTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLISECOND = 1_000_000L;

  @Test
  void bucketsAreAlignedToTheStepAndReportedAtTheirEndMinusOneMillisecond() {
    // start 1000 s + 30 s, end 1000 s + 150 s, step 60 s: [1030, 1080) [1080, 1140) [1140, 1150].
    assertThat(IndexHandlers.buckets(1030 * SECOND, 1150 * SECOND, 60 * SECOND)).containsExactly(
        new Bucket(1030 * SECOND, 1080 * SECOND, 1080 * SECOND - MILLISECOND),
        new Bucket(1080 * SECOND, 1140 * SECOND, 1140 * SECOND - MILLISECOND),
        new Bucket(1140 * SECOND, 1150 * SECOND + 1, 1150 * SECOND));
  }

  @Test
  void withoutAStepTheWholeRangeIsOneBucketAtItsEnd() {
    assertThat(IndexHandlers.buckets(10 * SECOND, 20 * SECOND, 0)).containsExactly(new Bucket(10 * SECOND, 20 * SECOND + 1, 20 * SECOND));
  }

  @Test
  void anEmptyRangeWithAStepHasNoBucketAsInLoki() {
    assertThat(IndexHandlers.buckets(10 * SECOND, 10 * SECOND, SECOND)).isEmpty();
  }

  @Property
  void bucketsCoverTheInclusiveRangeWithoutGapsOrOverlaps(
      @ForAll @LongRange(min = 0, max = 1_000_000) long startSeconds,
      @ForAll @LongRange(min = 1, max = 100_000) long lengthSeconds,
      @ForAll @LongRange(min = 1, max = 10_000) long stepSeconds) {
    long start = startSeconds * SECOND;
    long end = start + lengthSeconds * SECOND;
    var buckets = IndexHandlers.buckets(start, end, stepSeconds * SECOND);
    assertThat(buckets).isNotEmpty();
    assertThat(buckets.getFirst().fromNanos()).isEqualTo(start);
    assertThat(buckets.getLast().toNanos()).isEqualTo(end + 1);
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).fromNanos()).isEqualTo(buckets.get(i - 1).toNanos());
      assertThat(buckets.get(i).fromNanos() % (stepSeconds * SECOND)).isZero();
    }
  }
}

package dev.tonari.store.part;

import dev.tonari.store.bloom.NeedleProbes;

/**
 * What a cursor does with the next block of its stream, decided from the block directory alone:
 * read it, skip it (outside the time range, or its bloom filter lacks a required literal), or stop
 * (a stream's blocks are in time order, so the first block past the range in the direction of
 * travel ends the scan). Counts the skip in the reader's statistics.
 */
enum BlockPlan {
  READ,
  SKIP,
  END;

  static BlockPlan of(PartReader reader, int block, long fromNanos, long toNanos, boolean forward, NeedleProbes[] probes) {
    long min = reader.blockMinTimestamp[block];
    long max = reader.blockMaxTimestamp[block];
    if (forward ? min >= toNanos : max < fromNanos) {
      reader.stats.blocksSkippedByTime.increment();
      return END;
    }
    if (max < fromNanos || min >= toNanos) {
      reader.stats.blocksSkippedByTime.increment();
      return SKIP;
    }
    if (!NeedleProbes.mightContainAll(reader.blockBloom[block], probes)) {
      reader.stats.blocksSkippedByBloom.increment();
      return SKIP;
    }
    if (probes.length > 0) {
      reader.stats.blocksPassedByBloom.increment();
    }
    return READ;
  }
}

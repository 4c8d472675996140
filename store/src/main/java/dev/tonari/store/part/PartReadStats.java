package dev.tonari.store.part;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the reads of one part, for metrics and for tests that check pruning. Shared by all
 * cursors of a reader; safe to update from several threads.
 */
public final class PartReadStats {
  final LongAdder blocksRead = new LongAdder();
  final LongAdder blocksSkippedByTime = new LongAdder();
  final LongAdder blocksSkippedByBloom = new LongAdder();
  final LongAdder blocksPassedByBloom = new LongAdder();
  final LongAdder compressedBytesRead = new LongAdder();
  final LongAdder rawBytesDecompressed = new LongAdder();
  final LongAdder entriesScanned = new LongAdder();

  /** Blocks decompressed and scanned. */
  public long blocksRead() {
    return blocksRead.sum();
  }

  /** Blocks not read because their time range is outside the query's. */
  public long blocksSkippedByTime() {
    return blocksSkippedByTime.sum();
  }

  /** Blocks not read because their bloom filter lacks a probe of a required literal. */
  public long blocksSkippedByBloom() {
    return blocksSkippedByBloom.sum();
  }

  /**
   * Blocks inside the time range whose filters let a literal-filtered scan through: those it
   * then reads unless it stops first. With {@link #blocksSkippedByBloom} they are the blocks
   * probed, so a false-positive rate is the passed blocks holding no match over both.
   */
  public long blocksPassedByBloom() {
    return blocksPassedByBloom.sum();
  }

  public long compressedBytesRead() {
    return compressedBytesRead.sum();
  }

  public long rawBytesDecompressed() {
    return rawBytesDecompressed.sum();
  }

  /** Entries inside the time range whose line was tested against the filter. */
  public long entriesScanned() {
    return entriesScanned.sum();
  }

  @Override
  public String toString() {
    return "blocksRead=" + blocksRead() + " skippedByTime=" + blocksSkippedByTime() + " skippedByBloom=" + blocksSkippedByBloom() + " passedByBloom=" + blocksPassedByBloom()
        + " compressedBytes=" + compressedBytesRead() + " rawBytes=" + rawBytesDecompressed() + " entriesScanned=" + entriesScanned();
  }
}

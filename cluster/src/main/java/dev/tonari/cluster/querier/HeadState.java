package dev.tonari.cluster.querier;

import java.util.List;

/**
 * What an ingester reports with every head answer, read after the answer's snapshot of the head was
 * taken: the catalog parts revision its flushes have reached (an entry missing from the snapshot
 * because it was flushed is in a part registered at or before this revision), the partitions it
 * owns and whether it has replayed them to the end of the log it found when it took them.
 */
public record HeadState(long flushedPartsRevision, List<Integer> partitions, boolean caughtUp) {
  public HeadState {
    partitions = List.copyOf(partitions);
  }
}

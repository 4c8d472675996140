package dev.tonari.store;

import dev.tonari.store.engine.MergingCursor;
import java.io.IOException;
import java.util.List;

/** Operations on lists of {@link EntryCursor}s, as {@link LogStore#select} returns them. */
public final class EntryCursors {
  private EntryCursors() {}

  /**
   * Merges the answers of several stores to one select (a querier's: the parts it reads and the
   * ingesters' heads) into one answer: one cursor per distinct label set, sorted by labels, each
   * the merge in {@code direction} of the sources' cursors of those labels, exactly as a {@link
   * dev.tonari.store.engine.DiskLogStore} merges its own heads and parts.
   *
   * <p>Each source is a list of per-stream cursors ordered by labels, each cursor sorted by
   * timestamp in {@code direction}, entries of equal timestamp in push order (reversed going
   * backward), without duplicates. Entries equal in timestamp and line across sources come out
   * once; entries of equal timestamp from several sources come in the order of the sources:
   * earlier sources hold earlier pushes (put the parts before the heads). The result's cursors
   * own the given ones: closing them closes those; on failure every given cursor is closed.
   */
  public static List<EntryCursor> mergeSources(List<List<EntryCursor>> sources, Direction direction) throws IOException {
    return MergingCursor.mergeSources(sources, direction);
  }
}

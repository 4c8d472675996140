package dev.tonari.store;

import java.util.List;

/**
 * How much data a stream selector covers over a time range, the figures of Loki's {@code
 * /loki/api/v1/index/stats}: matching streams with entries in the range, the storage units
 * ("chunks") holding them, the bytes of their lines (uncompressed) and their entries.
 *
 * <p>Chunks depend on the store: an implementation that cannot see its storage units reports one
 * per stream, which is what a stream with little data has.
 */
public record IndexStats(long streams, long chunks, long bytes, long entries) {
  public static final IndexStats EMPTY = new IndexStats(0, 0, 0, 0);

  /** The totals over the volumes of the streams. */
  public static IndexStats of(List<StreamVolume> volumes) {
    long chunks = 0;
    long bytes = 0;
    long entries = 0;
    for (StreamVolume volume : volumes) {
      chunks += volume.chunks();
      bytes += volume.bytes();
      entries += volume.entries();
    }
    return new IndexStats(volumes.size(), chunks, bytes, entries);
  }
}

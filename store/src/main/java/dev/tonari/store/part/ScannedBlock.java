package dev.tonari.store.part;

/**
 * The entries of one block that are inside a query's time range and pass its line filter, copied
 * out of the decoder (ascending by timestamp, then line, as stored). A block task produces it on
 * a scan thread; the consumer reads it on its own thread, so nothing in it is shared with the
 * decoder that made it.
 */
record ScannedBlock(
    int size,
    long[] timestamps,
    byte[] lines,
    int[] lineOffsets,
    int[] lineLengths,
    byte[] metadata,
    int[] metadataOffsets) {
  static final ScannedBlock EMPTY = new ScannedBlock(0, new long[0], new byte[0], new int[0], new int[0], new byte[0], new int[1]);
}

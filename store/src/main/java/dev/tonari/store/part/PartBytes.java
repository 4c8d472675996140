package dev.tonari.store.part;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a {@link PartReader} gets a part's bytes: the whole part in one buffer (a local file
 * mapped read-only), or byte ranges fetched on demand from a remote object store. The reader
 * asks for the header, trailer, footer and bloom filters when it opens the part and for one
 * compressed block each time a block is decoded, so a remote source can serve the first group
 * from an index it holds and fetch only the blocks a query needs.
 *
 * <p>Implementations are safe to use from several threads at once.
 */
public interface PartBytes {
  /** The part's length in bytes. */
  long size();

  /**
   * The bytes {@code [offset, offset + length)}, little-endian, positioned at 0 with exactly
   * {@code length} remaining. The buffer is the caller's to read (its position and limit may be
   * moved) and stays valid as long as the caller holds it.
   *
   * @throws IOException when the bytes cannot be had (a failed remote read); never for a range
   *     inside the part
   */
  ByteBuffer read(long offset, int length) throws IOException;

  /**
   * Hint that {@code [offset, offset + length)} will be read soon: a remote source may start
   * fetching it in the background. The default does nothing.
   */
  default void prefetch(long offset, int length) {}

  /**
   * The compressed bytes of one block, as {@link #read} gives them; a local part reads them past
   * its memory map ({@link #copy}), so that the blocks a query or merge decodes are the kernel's
   * page cache and not the server's resident set (a full scan of a tenant's parts through the map
   * left all of them resident). The default reads as {@link #read} does.
   */
  default ByteBuffer readBlock(long offset, int length) throws IOException {
    return read(offset, length);
  }

  /**
   * The bytes {@code [offset, offset + length)} as a copy read past any memory map, for checks at
   * open that need every bloom region once: reading them through the map of a part just written
   * made about 70% of the file resident (the kernel maps the cached pages around each fault, and
   * blooms lie between blocks), 71 MB for a 98 MB part. The default reads as {@link #read} does.
   */
  default ByteBuffer copy(long offset, int length) throws IOException {
    return read(offset, length);
  }

  /** The part held whole in the buffer from its position to its limit; reads are slices, not copies. */
  static PartBytes of(ByteBuffer buffer) {
    ByteBuffer data = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
    return new PartBytes() {
      @Override
      public long size() {
        return data.capacity();
      }

      @Override
      public ByteBuffer read(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.capacity()) {
          throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside a part of " + data.capacity() + " bytes");
        }
        return data.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
      }
    };
  }
}

package dev.tonari.store.engine;

import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.part.PartBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;

/**
 * A part of a local object store: its header, footer and bloom filters read through its memory
 * map ({@link ObjectStore#get}), its blocks and the copies a reader checks at open ({@link
 * PartBytes#readBlock}, {@link PartBytes#copy}) by positional reads ({@link ObjectStore#getRange}),
 * so that only the filters' pages a query probes join the server's resident set.
 */
public final class LocalPartBytes implements PartBytes {
  private final PartBytes mapped;
  private final ObjectStore objectStore;
  private final String key;

  /** The part under {@code key} of a local object store, mapped now. */
  public LocalPartBytes(ObjectStore objectStore, String key) throws IOException {
    this.mapped = PartBytes.of(objectStore.get(key));
    this.objectStore = objectStore;
    this.key = key;
  }

  @Override
  public long size() {
    return mapped.size();
  }

  @Override
  public ByteBuffer read(long offset, int length) throws IOException {
    return mapped.read(offset, length);
  }

  /**
   * By a positional read while the file is there; through the map once a merge or retention has
   * deleted it (a query that planned its parts before keeps reading them, and the map stays valid
   * after the file is gone, where a read by path fails).
   */
  @Override
  public ByteBuffer readBlock(long offset, int length) throws IOException {
    try {
      return copy(offset, length);
    } catch (NoSuchFileException deleted) {
      return mapped.read(offset, length);
    }
  }

  @Override
  public ByteBuffer copy(long offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > mapped.size()) {
      throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside part " + key + " of " + mapped.size() + " bytes");
    }
    return objectStore.getRange(key, offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }
}

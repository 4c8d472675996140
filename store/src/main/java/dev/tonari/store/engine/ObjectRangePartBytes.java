package dev.tonari.store.engine;

import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.part.PartBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A part read range by range with {@link ObjectStore#getRange}, nothing cached: how a merge reads
 * the blocks of local inputs ({@link dev.tonari.store.object.LocalObjectStore} answers with a
 * positional read into the heap), each once.
 */
final class ObjectRangePartBytes implements PartBytes {
  private final ObjectStore objectStore;
  private final String key;
  private final long size;

  ObjectRangePartBytes(ObjectStore objectStore, String key, long size) {
    this.objectStore = objectStore;
    this.key = key;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public ByteBuffer read(long offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside part " + key + " of " + size + " bytes");
    }
    return objectStore.getRange(key, offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }
}

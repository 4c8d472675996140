package dev.tonari.store.engine;

import dev.tonari.store.object.RangeCache;
import dev.tonari.store.part.PartBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A part in a remote object store: the index ranges come from its commit (held in memory), every
 * other range (a block) from the on-disk {@link RangeCache}, which fetches it with a ranged GET
 * on a miss.
 */
final class RemotePartBytes implements PartBytes {
  private final String key;
  private final PartCommit commit;
  private final RangeCache cache;

  RemotePartBytes(String key, PartCommit commit, RangeCache cache) {
    this.key = key;
    this.commit = commit;
    this.cache = cache;
  }

  @Override
  public long size() {
    return commit.partSize();
  }

  @Override
  public ByteBuffer read(long offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > commit.partSize()) {
      throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside part " + key + " of " + commit.partSize() + " bytes");
    }
    ByteBuffer indexed = commit.find(offset, length);
    if (indexed != null) {
      return indexed;
    }
    return cache.get(key, offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void prefetch(long offset, int length) {
    if (commit.find(offset, length) == null) {
      cache.prefetch(key, offset, length);
    }
  }
}

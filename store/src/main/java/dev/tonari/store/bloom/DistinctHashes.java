package dev.tonari.store.bloom;

/**
 * An open-addressing set of 64-bit hashes, reused across blocks, that counts a block's distinct
 * bloom terms so that the block's filter can be sized to them. Zero is kept out of the table as
 * the empty marker and tracked on the side.
 */
public final class DistinctHashes {
  private long[] table = new long[1024];
  private int size;
  private boolean hasZero;

  public void clear() {
    if (size > 0) {
      java.util.Arrays.fill(table, 0L);
    }
    size = 0;
    hasZero = false;
  }

  public int size() {
    return size + (hasZero ? 1 : 0);
  }

  public void add(long hash) {
    if (hash == 0) {
      hasZero = true;
      return;
    }
    if ((size + 1) * 2 > table.length) {
      grow();
    }
    insert(table, hash);
  }

  private boolean insert(long[] target, long hash) {
    int mask = target.length - 1;
    int index = (int) (hash ^ (hash >>> 32)) & mask;
    while (true) {
      long current = target[index];
      if (current == 0) {
        target[index] = hash;
        if (target == table) {
          size++;
        }
        return true;
      }
      if (current == hash) {
        return false;
      }
      index = (index + 1) & mask;
    }
  }

  private void grow() {
    long[] old = table;
    long[] bigger = new long[old.length * 2];
    for (long hash : old) {
      if (hash != 0) {
        insert(bigger, hash);
      }
    }
    table = bigger;
  }

  /** Calls the sink with each distinct hash. */
  public void forEach(java.util.function.LongConsumer sink) {
    for (long hash : table) {
      if (hash != 0) {
        sink.accept(hash);
      }
    }
    if (hasZero) {
      sink.accept(0L);
    }
  }
}

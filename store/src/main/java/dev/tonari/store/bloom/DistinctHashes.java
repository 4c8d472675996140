package dev.tonari.store.bloom;

/**
 * An open-addressing set of 64-bit hashes, reused across blocks, that counts a block's distinct
 * bloom terms so that the block's filter can be sized to them. Zero is kept out of the table as
 * the empty marker and tracked on the side. The distinct hashes are also kept densely in the order
 * they came, so that {@link #forEach} reads only them rather than sweeping the sparse table (a
 * block's table is a megabyte or two; the sweep was a twentieth of a part writer's time).
 */
public final class DistinctHashes {
  private long[] table = new long[1024];
  private long[] distinct = new long[512];
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
          if (size == distinct.length) {
            distinct = java.util.Arrays.copyOf(distinct, size * 2);
          }
          distinct[size++] = hash;
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
    long[] bigger = new long[table.length * 2];
    for (int i = 0; i < size; i++) {
      insert(bigger, distinct[i]);
    }
    table = bigger;
  }

  /** Calls the sink with each distinct hash, in the order they were first added (zero last). */
  public void forEach(java.util.function.LongConsumer sink) {
    for (int i = 0; i < size; i++) {
      sink.accept(distinct[i]);
    }
    if (hasZero) {
      sink.accept(0L);
    }
  }
}

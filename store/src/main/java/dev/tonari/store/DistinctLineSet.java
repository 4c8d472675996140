package dev.tonari.store;

import java.util.Arrays;

/**
 * A set of line byte strings, emptied and refilled for each run of entries that share one
 * timestamp: how the head and the merge drop entries pushed twice (equal timestamp and equal line)
 * while keeping the push order of the others, which a sort by line bytes would lose.
 *
 * <p>Lines are copied into one growing arena and found through an open-addressing table of their
 * hashes, so a run of any length costs linear time and, once the arrays have grown, no
 * allocation. Not thread-safe.
 */
public final class DistinctLineSet {
  private byte[] arena = new byte[1024];
  private int arenaSize;
  private int[] starts = new int[16];
  private int[] lengths = new int[16];
  private int[] hashes = new int[16];
  private int size;
  /** Slot -> member index + 1; 0 is free. Its length is a power of two, at least twice the size. */
  private int[] table = new int[32];

  /** Empties the set for the next run. */
  public void clear() {
    if (size > 0) {
      if (table.length > 4096) {
        // A huge run once should not make every later clear pay for its table.
        table = new int[32];
      } else {
        Arrays.fill(table, 0);
      }
    }
    size = 0;
    arenaSize = 0;
  }

  public int size() {
    return size;
  }

  /** Adds the line {@code buffer[offset, offset + length)}; false when an equal line is already in the set. */
  public boolean add(byte[] buffer, int offset, int length) {
    int hash = hash(buffer, offset, length);
    int mask = table.length - 1;
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      int member = table[slot] - 1;
      if (member < 0) {
        insert(slot, hash, buffer, offset, length);
        return true;
      }
      if (hashes[member] == hash
          && lengths[member] == length
          && Arrays.equals(arena, starts[member], starts[member] + length, buffer, offset, offset + length)) {
        return false;
      }
    }
  }

  private void insert(int slot, int hash, byte[] buffer, int offset, int length) {
    if (size == starts.length) {
      starts = Arrays.copyOf(starts, size * 2);
      lengths = Arrays.copyOf(lengths, size * 2);
      hashes = Arrays.copyOf(hashes, size * 2);
    }
    if (arenaSize + length > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaSize + length));
    }
    System.arraycopy(buffer, offset, arena, arenaSize, length);
    starts[size] = arenaSize;
    lengths[size] = length;
    hashes[size] = hash;
    arenaSize += length;
    table[slot] = size + 1;
    size++;
    if (size * 2 > table.length) {
      rehash(table.length * 2);
    }
  }

  private void rehash(int capacity) {
    table = new int[capacity];
    int mask = capacity - 1;
    for (int member = 0; member < size; member++) {
      int slot = hashes[member] & mask;
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = member + 1;
    }
  }

  private static int hash(byte[] buffer, int offset, int length) {
    int h = length;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + buffer[i];
    }
    // Spread the bits: the table takes the low ones.
    return h ^ (h >>> 16);
  }
}

package dev.tonari.query.metric;

import java.util.Arrays;

/**
 * A binary min-heap of items keyed by a timestamp and then an index (unique per item), for the
 * k-way merge of a log range's streams: the keys live in primitive arrays, so a comparison reads
 * two longs and no object, and the top is re-keyed in place ({@link #replaceTopTimestamp}: one sift
 * where a {@link java.util.PriorityQueue} needs a poll and an add). Not thread-safe.
 *
 * @param <T> the item (a stream being merged)
 */
final class TimeOrderedHeap<T> {
  private long[] timestamps;
  private int[] indexes;
  private Object[] items;
  private int size;

  TimeOrderedHeap(int capacity) {
    int initial = Math.max(1, capacity);
    timestamps = new long[initial];
    indexes = new int[initial];
    items = new Object[initial];
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  void add(long timestamp, int index, T item) {
    if (size == items.length) {
      int capacity = size * 2;
      timestamps = Arrays.copyOf(timestamps, capacity);
      indexes = Arrays.copyOf(indexes, capacity);
      items = Arrays.copyOf(items, capacity);
    }
    int at = size++;
    // Sift up: parents greater than the new key move down.
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!less(timestamp, index, timestamps[parent], indexes[parent])) {
        break;
      }
      move(parent, at);
      at = parent;
    }
    set(at, timestamp, index, item);
  }

  /** The item with the smallest key; the heap must not be empty. */
  @SuppressWarnings("unchecked")
  T top() {
    return (T) items[0];
  }

  long topTimestamp() {
    return timestamps[0];
  }

  /** Gives the top item a new (not smaller) timestamp, keeping its index, and restores the order. */
  void replaceTopTimestamp(long timestamp) {
    siftDown(timestamp, indexes[0], items[0]);
  }

  /** Removes the top item. */
  void removeTop() {
    int last = --size;
    long timestamp = timestamps[last];
    int index = indexes[last];
    Object item = items[last];
    items[last] = null;
    if (last > 0) {
      siftDown(timestamp, index, item);
    }
  }

  private void siftDown(long timestamp, int index, Object item) {
    int at = 0;
    int half = size >>> 1;
    while (at < half) {
      int child = 2 * at + 1;
      int right = child + 1;
      if (right < size && less(timestamps[right], indexes[right], timestamps[child], indexes[child])) {
        child = right;
      }
      if (!less(timestamps[child], indexes[child], timestamp, index)) {
        break;
      }
      move(child, at);
      at = child;
    }
    set(at, timestamp, index, item);
  }

  private static boolean less(long timestamp, int index, long otherTimestamp, int otherIndex) {
    return timestamp < otherTimestamp || (timestamp == otherTimestamp && index < otherIndex);
  }

  private void move(int from, int to) {
    timestamps[to] = timestamps[from];
    indexes[to] = indexes[from];
    items[to] = items[from];
  }

  private void set(int at, long timestamp, int index, Object item) {
    timestamps[at] = timestamp;
    indexes[at] = index;
    items[at] = item;
  }
}

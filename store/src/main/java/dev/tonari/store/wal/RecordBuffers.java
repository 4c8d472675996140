package dev.tonari.store.wal;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Arrays for encoded WAL records, taken for one append and given back once the record is durable.
 * A push's record is about as large as its lines (a megabyte for a typical agent batch), which in
 * G1 is a humongous object: allocated outside the young generation, each one a region or more of
 * old space, and a cause of collections of its own. Measured on the 200 MB ingest benchmark, the
 * records were a fifth of every byte the push path allocated. Reused, they are allocated once.
 *
 * <p>At most {@value #POOLED} arrays of at most {@value #MAX_POOLED_BYTES} bytes each are kept, so
 * the pool holds at most 32 MiB; a record larger than that gets an array of its own that is not
 * kept, and a take that finds the pool empty (more appends at once than it holds) allocates.
 */
public final class RecordBuffers {
  static final int POOLED = 8;
  static final int MAX_POOLED_BYTES = 4 * 1024 * 1024;
  /** Small records take an array this large, so that the array fits the next, larger one too. */
  static final int MIN_BYTES = 64 * 1024;

  private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(POOLED);

  /** An array of at least {@code size} bytes; its contents are whatever the last record left. */
  public byte[] take(int size) {
    byte[] pooled = free.poll();
    if (pooled != null && pooled.length >= size) {
      return pooled;
    }
    // Too small for this record: dropped, and a larger one takes its place when given back.
    return new byte[Math.max(size, MIN_BYTES)];
  }

  /**
   * Gives an array back for the next record. Only once nothing reads it any more: the WAL's writer
   * has copied the record out by the time its future completes.
   */
  public void give(byte[] array) {
    if (array.length <= MAX_POOLED_BYTES) {
      free.offer(array);
    }
  }

  /** Arrays kept now (for tests). */
  int pooled() {
    return free.size();
  }
}

package dev.tonari.ingest;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few decompression buffers kept from one push to the next. A push body decompresses to about a
 * megabyte that is dead once the request is decoded (the decoders copy every line out of it);
 * allocating it per request was 8 to 13% of the push path's allocation, and in a small heap each
 * such array is a G1 humongous object with a region of its own. Pushes run on virtual threads, so
 * a thread-local would keep one buffer per request rather than per carrier: a small shared array
 * of slots, taken and returned with atomic swaps, holds at most {@link #SLOTS} buffers of at most
 * {@link #MAX_POOLED_BYTES} bytes.
 */
final class DecompressionBuffers {
  static final int SLOTS = 4;
  static final int MAX_POOLED_BYTES = 8 << 20;

  private static final AtomicReferenceArray<byte[]> FREE = new AtomicReferenceArray<>(SLOTS);

  private DecompressionBuffers() {}

  /**
   * A buffer of at least {@code minimum} and at most {@code maximum} bytes, pooled when one fits,
   * else a new one of {@code minimum} bytes; its content is undefined.
   */
  static byte[] take(int minimum, int maximum) {
    for (int slot = 0; slot < SLOTS; slot++) {
      byte[] buffer = FREE.get(slot);
      if (buffer != null && buffer.length >= minimum && buffer.length <= maximum && FREE.compareAndSet(slot, buffer, null)) {
        return buffer;
      }
    }
    return new byte[minimum];
  }

  /** Gives a buffer back once nothing refers to it any more; too large ones and those without a free slot are dropped. */
  static void give(byte[] buffer) {
    if (buffer.length > MAX_POOLED_BYTES) {
      return;
    }
    for (int slot = 0; slot < SLOTS; slot++) {
      if (FREE.get(slot) == null && FREE.compareAndSet(slot, null, buffer)) {
        return;
      }
    }
  }
}

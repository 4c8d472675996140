package dev.tonari.store.engine;

import java.time.Duration;

/**
 * How many bytes the in-memory heads (the live one and any being flushed) may hold before appends
 * are refused with {@link HeadFullException}: a push the disk cannot keep up with is turned away
 * with a retry hint instead of growing the heap until the process dies.
 *
 * <p>Bytes are the heads' own approximate accounting (line bytes plus a fixed cost per entry and
 * stream), checked before an append is taken, so concurrent appends may overshoot a bound by at
 * most what they carry together.
 *
 * @param maxBytes all tenants together; zero means no bound
 * @param maxBytesPerTenant one tenant; zero means no bound of its own (only {@code maxBytes})
 * @param waitForRoom how long an append that finds a bound reached waits for the flush it starts
 *     to make room before it is refused (with background maintenance; zero: refused at once)
 */
public record HeadBounds(long maxBytes, long maxBytesPerTenant, Duration waitForRoom) {
  /**
   * {@link #waitForRoom} unless set: longer than flushing a frozen head of a small server takes
   * (a 96 MB head on 2 cores, about 1 to 1.5 s beside the pushes), so that a burst waits for the
   * flush instead of being refused. At 500 ms the four pushers of the 200 MB benchmark were each
   * refused once per run and slept a whole {@code Retry-After}: 200k-210k lines/s warm, where 2 s
   * gave 261k-297k without a refusal (bench/run.sh --ingest-only, in turns). A waiting push holds
   * its decoded body; at most four wait ({@code DiskLogStore.HEAD_FULL_WAITERS}).
   */
  public static final Duration DEFAULT_WAIT_FOR_ROOM = Duration.ofSeconds(2);

  /** No bound at all: what a store without configuration does. */
  public static final HeadBounds NONE = new HeadBounds(0, 0);

  public HeadBounds {
    if (maxBytes < 0 || maxBytesPerTenant < 0) {
      throw new IllegalArgumentException("head bounds must be zero (no bound) or positive, got " + maxBytes + " and " + maxBytesPerTenant + " per tenant");
    }
    if (waitForRoom == null || waitForRoom.isNegative()) {
      throw new IllegalArgumentException("the wait for room in a full head must be zero or positive, got " + waitForRoom);
    }
  }

  /** Whether any byte bound applies (NONE and the zero bounds do not). */
  public boolean bounded() {
    return maxBytes > 0 || maxBytesPerTenant > 0;
  }

  public HeadBounds(long maxBytes, long maxBytesPerTenant) {
    this(maxBytes, maxBytesPerTenant, DEFAULT_WAIT_FOR_ROOM);
  }
}

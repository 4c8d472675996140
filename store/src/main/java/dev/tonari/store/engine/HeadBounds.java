package dev.tonari.store.engine;

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
 */
public record HeadBounds(long maxBytes, long maxBytesPerTenant) {
  /** No bound at all: what a store without configuration does. */
  public static final HeadBounds NONE = new HeadBounds(0, 0);

  public HeadBounds {
    if (maxBytes < 0 || maxBytesPerTenant < 0) {
      throw new IllegalArgumentException("head bounds must be zero (no bound) or positive, got " + maxBytes + " and " + maxBytesPerTenant + " per tenant");
    }
  }
}

package dev.tonari.store;

/**
 * Told of the work a scan does, block by block, so that a caller can count what a query reads
 * and stop it while the store's fast paths run: a block-wide literal search never calls the line
 * filter for the lines it skips, so a filter cannot be what counts them.
 *
 * <p>A store calls {@link #beforeBlock()} before it reads a block of lines, and {@link
 * #blockScanned} once the block is decoded, with the lines of the block inside the request's time
 * range and their bytes, whether or not they pass the line filter. Blocks skipped without being
 * read (by time, by bloom filter, or because the consumer stopped) are not reported. Stores
 * without blocks report runs of lines instead (a head reports runs of its stream snapshot).
 *
 * <p>Either method may throw a {@link ScanAbortedException} to stop the scan: the store stops
 * reading and the exception reaches the consumer of the cursor unchanged (from {@link
 * EntryCursor#next()} or from {@link LogStore#select}).
 *
 * <p>Implementations must be thread-safe: a store may decode blocks of one request on several
 * threads at once and calls the listener from whichever thread decoded the block.
 */
public interface ScanListener {
  /** Counts nothing and never stops a scan. */
  ScanListener NONE = (lines, lineBytes) -> {};

  /**
   * Called before a block is read, so that a scan already stopped on another thread stops here
   * before decoding anything. It should be cheap (no clock, no system call).
   *
   * @throws ScanAbortedException to stop the scan
   */
  default void beforeBlock() {}

  /**
   * A block was decoded.
   *
   * @param lines entries of the block inside the request's time range
   * @param lineBytes the bytes of those entries' lines
   * @throws ScanAbortedException to stop the scan
   */
  void blockScanned(int lines, long lineBytes);
}

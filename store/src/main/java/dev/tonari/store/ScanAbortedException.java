package dev.tonari.store;

/**
 * Thrown by a {@link ScanListener} to stop a scan (a query past its deadline or byte budget, or
 * cancelled). Stores never catch it: it leaves {@link EntryCursor#next()} or {@link
 * LogStore#select} unchanged, also when the block was decoded on a scan thread. Unchecked so that
 * it can cross the store's scan loops; subclasses carry what the caller needs (an HTTP status).
 */
public class ScanAbortedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param reason why the scan stopped, in the words the caller reports to its user
   */
  public ScanAbortedException(String reason) {
    // No stack trace: it is control flow, thrown where a block was decoded, and may be rethrown by several cursors.
    super(reason, null, false, false);
  }

  /** The abort behind a failure, when something wrapped it (for example a worker's exception); null when none. */
  public static ScanAbortedException findIn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ScanAbortedException aborted) {
        return aborted;
      }
    }
    return null;
  }
}

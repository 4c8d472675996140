package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingEntryCursor;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.ScanListener;
import java.io.IOException;

/**
 * A head stream as the querier received it, with the request's line filter applied here (it
 * cannot travel) and its lines reported to the request's scan listener in runs, as a head reports
 * its snapshot, so a query's byte limit and cancellation count the heads too.
 */
final class FilteringHeadCursor extends ForwardingEntryCursor {
  /** Lines reported to the scan listener at once. */
  static final int LINES_PER_REPORT = 1024;

  private final LinePredicate filter;
  private final ScanListener listener;
  private int linesInRun;
  private long bytesInRun;

  FilteringHeadCursor(EntryCursor delegate, LinePredicate filter, ScanListener listener) {
    super(delegate);
    this.filter = filter;
    this.listener = listener;
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      if (linesInRun == 0) {
        listener.beforeBlock();
      }
      if (!delegate.next()) {
        report();
        return false;
      }
      linesInRun++;
      bytesInRun += delegate.lineLength();
      boolean passes = filter == LinePredicate.ALL || filter.test(delegate.lineBuffer(), delegate.lineOffset(), delegate.lineLength());
      if (linesInRun == LINES_PER_REPORT) {
        report();
      }
      if (passes) {
        return true;
      }
    }
  }

  private void report() {
    if (linesInRun > 0) {
      int lines = linesInRun;
      long bytes = bytesInRun;
      linesInRun = 0;
      bytesInRun = 0;
      listener.blockScanned(lines, bytes);
    }
  }
}

package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingEntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A store whose select cursors fail after some entries, as a head whose read breaks would. */
final class FailingSelectStore implements LogStore {
  private final LogStore delegate;
  private final int entriesBeforeFailure;

  FailingSelectStore(LogStore delegate, int entriesBeforeFailure) {
    this.delegate = delegate;
    this.entriesBeforeFailure = entriesBeforeFailure;
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) throws IOException {
    delegate.append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    List<EntryCursor> cursors = new ArrayList<>();
    for (EntryCursor cursor : delegate.select(request)) {
      cursors.add(new ForwardingEntryCursor(cursor) {
        private int returned;

        @Override
        public boolean next() throws IOException {
          if (returned == entriesBeforeFailure) {
            throw new IOException("disk on fire after " + entriesBeforeFailure + " entries");
          }
          returned++;
          return super.next();
        }
      });
    }
    return cursors;
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    return delegate.series(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
    return delegate.labelNames(tenant, fromNanos, toNanos);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
    return delegate.labelValues(tenant, name, fromNanos, toNanos);
  }

  @Override
  public List<String> tenants() throws IOException {
    return delegate.tenants();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}

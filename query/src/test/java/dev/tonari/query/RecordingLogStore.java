package dev.tonari.query;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingEntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** An in-memory store that records the select requests and counts entries read and cursors closed. */
public final class RecordingLogStore implements LogStore {
  public final InMemoryLogStore delegate = new InMemoryLogStore();
  public final List<SelectRequest> requests = new ArrayList<>();
  /** Entries the store's cursors handed over, after the store-level line filter. */
  public int entriesRead;
  public int cursorsOpened;
  public int cursorsClosed;

  @Override
  public void append(String tenant, List<StreamBatch> streams) {
    delegate.append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) {
    requests.add(request);
    List<EntryCursor> cursors = new ArrayList<>();
    for (EntryCursor cursor : delegate.select(request)) {
      cursorsOpened++;
      cursors.add(new CountingCursor(cursor));
    }
    return cursors;
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) {
    return delegate.series(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) {
    return delegate.labelNames(tenant, fromNanos, toNanos);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) {
    return delegate.labelValues(tenant, name, fromNanos, toNanos);
  }

  @Override
  public List<String> tenants() {
    return delegate.tenants();
  }

  @Override
  public void close() {}

  private final class CountingCursor extends ForwardingEntryCursor {
    CountingCursor(EntryCursor cursor) {
      super(cursor);
    }

    @Override
    public boolean next() throws IOException {
      boolean more = delegate.next();
      if (more) {
        entriesRead++;
      }
      return more;
    }

    @Override
    public void close() throws IOException {
      cursorsClosed++;
      delegate.close();
    }
  }
}

package dev.tonari.query;

import dev.tonari.store.EntryCursor;
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
final class RecordingLogStore implements LogStore {
  final InMemoryLogStore delegate = new InMemoryLogStore();
  final List<SelectRequest> requests = new ArrayList<>();
  int entriesRead;
  int cursorsOpened;
  int cursorsClosed;

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

  private final class CountingCursor implements EntryCursor {
    private final EntryCursor cursor;

    CountingCursor(EntryCursor cursor) {
      this.cursor = cursor;
    }

    @Override
    public Labels labels() {
      return cursor.labels();
    }

    @Override
    public boolean next() throws IOException {
      boolean more = cursor.next();
      if (more) {
        entriesRead++;
      }
      return more;
    }

    @Override
    public long timestamp() {
      return cursor.timestamp();
    }

    @Override
    public byte[] lineBuffer() {
      return cursor.lineBuffer();
    }

    @Override
    public int lineOffset() {
      return cursor.lineOffset();
    }

    @Override
    public int lineLength() {
      return cursor.lineLength();
    }

    @Override
    public Labels metadata() {
      return cursor.metadata();
    }

    @Override
    public void close() throws IOException {
      cursorsClosed++;
      cursor.close();
    }
  }
}

package dev.tonari.store.engine;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/** A LogStore that hands every call to another one; subclasses change what they need. */
class ForwardingLogStore implements LogStore {
  private final LogStore delegate;

  ForwardingLogStore(LogStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) throws IOException {
    delegate.append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    return delegate.select(request);
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

package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/** A parts side that calls a hook before it is refreshed and before it is read, so a test can flush there. */
final class HookedParts implements PartsSide {
  private final PartsSide delegate;
  private final SwappableHead.Hook hook;

  HookedParts(PartsSide delegate, SwappableHead.Hook hook) {
    this.delegate = delegate;
    this.hook = hook;
  }

  SwappableHead.Hook hook() {
    return hook;
  }

  @Override
  public long flush(List<Flushed> batches) throws IOException {
    return delegate.flush(batches);
  }

  @Override
  public ClusterLogStore.PartsRefresher refresher() {
    ClusterLogStore.PartsRefresher inner = delegate.refresher();
    return () -> {
      hook.at("before parts refresh");
      return inner.refreshToLatest();
    };
  }

  @Override
  public LogStore store() {
    LogStore inner = delegate.store();
    return new LogStore() {
      @Override
      public void append(String tenant, List<StreamBatch> streams) throws IOException {
        inner.append(tenant, streams);
      }

      @Override
      public List<EntryCursor> select(SelectRequest request) throws IOException {
        hook.at("before parts select");
        return inner.select(request);
      }

      @Override
      public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
        return inner.series(tenant, selector, fromNanos, toNanos);
      }

      @Override
      public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
        return inner.labelNames(tenant, fromNanos, toNanos);
      }

      @Override
      public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
        return inner.labelValues(tenant, name, fromNanos, toNanos);
      }

      @Override
      public List<String> tenants() throws IOException {
        return inner.tenants();
      }

      @Override
      public void close() throws IOException {
        inner.close();
      }
    };
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}

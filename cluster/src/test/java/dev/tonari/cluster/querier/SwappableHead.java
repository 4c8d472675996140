package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * An ingester's head as the tests drive it: an in-memory store that a flush swaps for an empty one,
 * with a hook called before and after every read so a test can flush at any point of a query.
 */
final class SwappableHead implements LogStore {
  /** Called at each point of a read; the argument names the point. */
  interface Hook {
    void at(String point) throws IOException;
  }

  private volatile InMemoryLogStore current = new InMemoryLogStore();
  private volatile Hook hook = point -> {};

  void hook(Hook next) {
    hook = next;
  }

  InMemoryLogStore current() {
    return current;
  }

  /** The head's content, replaced by an empty head. */
  synchronized InMemoryLogStore swap() {
    InMemoryLogStore flushed = current;
    current = new InMemoryLogStore();
    return flushed;
  }

  @Override
  public synchronized void append(String tenant, List<StreamBatch> streams) {
    current.append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    hook.at("before head select");
    List<EntryCursor> cursors = current.select(request);
    hook.at("after head select");
    return cursors;
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    hook.at("before head series");
    List<Labels> series = current.series(tenant, selector, fromNanos, toNanos);
    hook.at("after head series");
    return series;
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) {
    return current.labelNames(tenant, fromNanos, toNanos);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) {
    return current.labelValues(tenant, name, fromNanos, toNanos);
  }

  @Override
  public List<String> tenants() {
    return current.tenants();
  }

  @Override
  public void close() {}
}

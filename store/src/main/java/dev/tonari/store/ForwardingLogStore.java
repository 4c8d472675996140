package dev.tonari.store;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link LogStore} that hands every call to another one; subclasses override what they change
 * (a read-only view refuses {@link #append}, a view that does not own its store does not close
 * it). The delegate is asked for on every call, so a view can follow a store that is replaced
 * underneath it (an ingester's head after a drop). Every method forwards, the defaults of {@link
 * LogStore} included, so a view keeps the delegate's own volumes and index statistics.
 */
public abstract class ForwardingLogStore implements LogStore {
  /**
   * The store calls go to, asked for on every call; may refuse with an exception that says why
   * (a process whose role has no read side).
   */
  protected abstract LogStore delegate() throws IOException;

  @Override
  public void append(String tenant, List<StreamBatch> streams) throws IOException {
    delegate().append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    return delegate().select(request);
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    return delegate().series(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
    return delegate().labelNames(tenant, fromNanos, toNanos);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
    return delegate().labelValues(tenant, name, fromNanos, toNanos);
  }

  @Override
  public List<StreamVolume> streamVolumes(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    return delegate().streamVolumes(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public IndexStats indexStats(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    return delegate().indexStats(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public List<String> tenants() throws IOException {
    return delegate().tenants();
  }

  @Override
  public void close() throws IOException {
    delegate().close();
  }
}

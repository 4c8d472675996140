package dev.tonari.server;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingEntryCursor;
import dev.tonari.store.IndexStats;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A read-only view of a store that understands Loki's multi-tenant tenant IDs: a tenant of the form
 * {@code a|b} reads each tenant's streams with the label {@code __tenant_id__} added, as Loki's
 * multi-tenant querier does, so {@code {__tenant_id__="a"}} selects and {@code sum by
 * (__tenant_id__)} groups by tenant. Running the query engine over this view, rather than running
 * it per tenant and merging answers, keeps every LogQL semantic exact: limits, ordering and
 * aggregations see one set of streams, exactly as in Loki.
 *
 * <p>A plain tenant ID passes straight through to the store, unchanged and at no cost.
 *
 * <p>A view made with counters counts, per tenant of a multi-tenant read, the line bytes its
 * cursors delivered, so that the bytes a query scanned can be shared among its tenants for usage;
 * such a view serves one query.
 */
final class MultiTenantLogStore implements LogStore {
  /** The label Loki adds to each stream of a multi-tenant query. */
  static final String TENANT_LABEL = "__tenant_id__";

  private final LogStore store;
  private final Map<String, LongAdder> deliveredLineBytes;

  /** A shared view that counts nothing. */
  MultiTenantLogStore(LogStore store) {
    this(store, Map.of());
  }

  /**
   * @param deliveredLineBytes counters of the tenants whose delivered line bytes to count
   */
  MultiTenantLogStore(LogStore store, Map<String, LongAdder> deliveredLineBytes) {
    this.store = store;
    this.deliveredLineBytes = deliveredLineBytes;
  }

  static boolean isMultiTenant(String tenant) {
    return tenant.contains(RequestTenants.SEPARATOR);
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) {
    throw new UnsupportedOperationException("the multi-tenant view is read-only; push to tenant " + tenant + " through the store");
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    if (!isMultiTenant(request.tenant())) {
      return store.select(request);
    }
    List<String> tenants = RequestTenants.split(request.tenant());
    List<EntryCursor> cursors = new ArrayList<>();
    try {
      for (String tenant : tenants) {
        LongAdder counter = deliveredLineBytes.get(tenant);
        // withTenant keeps the scan listener, so the query's byte budget and statistics see this tenant's blocks.
        SelectRequest one = request.withTenant(tenant, withTenant(request.streamSelector(), tenant));
        for (EntryCursor cursor : store.select(one)) {
          cursors.add(new TenantCursor(cursor, cursor.labels().with(TENANT_LABEL, tenant), counter));
        }
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(cursors, e);
      throw e;
    }
    cursors.sort(Comparator.comparing(EntryCursor::labels));
    return cursors;
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    if (!isMultiTenant(tenant)) {
      return store.series(tenant, selector, fromNanos, toNanos);
    }
    List<Labels> series = new ArrayList<>();
    for (String one : RequestTenants.split(tenant)) {
      for (Labels labels : store.series(one, withTenant(selector, one), fromNanos, toNanos)) {
        series.add(labels.with(TENANT_LABEL, one));
      }
    }
    series.sort(Comparator.naturalOrder());
    return series;
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
    if (!isMultiTenant(tenant)) {
      return store.labelNames(tenant, fromNanos, toNanos);
    }
    TreeSet<String> names = new TreeSet<>();
    for (String one : RequestTenants.split(tenant)) {
      List<String> own = store.labelNames(one, fromNanos, toNanos);
      if (!own.isEmpty()) {
        names.addAll(own);
        names.add(TENANT_LABEL);
      }
    }
    return List.copyOf(names);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
    if (!isMultiTenant(tenant)) {
      return store.labelValues(tenant, name, fromNanos, toNanos);
    }
    TreeSet<String> values = new TreeSet<>();
    for (String one : RequestTenants.split(tenant)) {
      if (name.equals(TENANT_LABEL)) {
        if (!store.labelNames(one, fromNanos, toNanos).isEmpty()) {
          values.add(one);
        }
      } else {
        values.addAll(store.labelValues(one, name, fromNanos, toNanos));
      }
    }
    return List.copyOf(values);
  }

  @Override
  public List<StreamVolume> streamVolumes(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    if (!isMultiTenant(tenant)) {
      return store.streamVolumes(tenant, selector, fromNanos, toNanos);
    }
    // Reads through this view's select, so each stream carries its __tenant_id__.
    return LogStore.super.streamVolumes(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public IndexStats indexStats(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    if (!isMultiTenant(tenant)) {
      return store.indexStats(tenant, selector, fromNanos, toNanos);
    }
    return LogStore.super.indexStats(tenant, selector, fromNanos, toNanos);
  }

  @Override
  public List<String> tenants() throws IOException {
    return store.tenants();
  }

  /** The view owns nothing; the server closes the store. */
  @Override
  public void close() {}

  private static Predicate<Labels> withTenant(Predicate<Labels> selector, String tenant) {
    return labels -> selector.test(labels.with(TENANT_LABEL, tenant));
  }

  private static void closeQuietly(List<EntryCursor> cursors, Exception failure) {
    for (EntryCursor cursor : cursors) {
      try {
        cursor.close();
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** A tenant's cursor under its multi-tenant labels. */
  private static final class TenantCursor extends ForwardingEntryCursor {
    private final Labels labels;
    private final LongAdder deliveredLineBytes;

    TenantCursor(EntryCursor cursor, Labels labels, LongAdder deliveredLineBytes) {
      super(cursor);
      this.labels = labels;
      this.deliveredLineBytes = deliveredLineBytes;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public boolean next() throws IOException {
      boolean more = delegate.next();
      if (more && deliveredLineBytes != null) {
        deliveredLineBytes.add(delegate.lineLength());
      }
      return more;
    }
  }
}

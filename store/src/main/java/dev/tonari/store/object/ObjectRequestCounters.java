package dev.tonari.store.object;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests and bytes a remote {@link ObjectStore} sent, per tenant and operation: what S3 bills
 * (PUT, GET, LIST, DELETE and HEAD are priced per request, bytes out of the region per GB).
 * The tenant is the key's first segment ({@code <tenant>/parts/...}, {@code
 * quarantine/<tenant>/...} counts for the tenant too); requests that belong to no tenant (a
 * listing of the whole store, the access check) count for {@link #NO_TENANT}. A call counts once
 * however often the SDK retried it: retries are rare, and the point is what the tenant's data
 * costs, not the network's mood.
 */
public final class ObjectRequestCounters {
  /** Counters that stay zero, for stores that count nothing. */
  public static final ObjectRequestCounters EMPTY = new ObjectRequestCounters();

  /** The tenant of requests that concern the whole store. */
  public static final String NO_TENANT = "";

  /** The request kinds S3 prices differently. */
  public enum Operation {
    PUT,
    GET,
    LIST,
    DELETE,
    HEAD
  }

  private static final class TenantCounters {
    final LongAdder[] requests = new LongAdder[Operation.values().length];
    final LongAdder bytesUploaded = new LongAdder();
    final LongAdder bytesDownloaded = new LongAdder();

    TenantCounters() {
      for (int i = 0; i < requests.length; i++) {
        requests[i] = new LongAdder();
      }
    }
  }

  /** Told of every request as it is counted (usage metering). */
  @FunctionalInterface
  public interface Listener {
    void requested(String tenant, Operation operation);
  }

  private final ConcurrentHashMap<String, TenantCounters> byTenant = new ConcurrentHashMap<>();
  private volatile Listener listener;

  /** Sets the one listener (replacing any); it runs on the requesting thread and must be quick. */
  public void listen(Listener newListener) {
    if (this == EMPTY) {
      return;
    }
    this.listener = newListener;
  }

  /** The tenant an object key is billed to. */
  public static String tenantOf(String key) {
    if (key == null || key.isEmpty()) {
      return NO_TENANT;
    }
    String rest = key.startsWith("quarantine/") ? key.substring("quarantine/".length()) : key;
    int slash = rest.indexOf('/');
    return slash <= 0 ? NO_TENANT : rest.substring(0, slash);
  }

  /** Counts one request of the tenant, with the bytes it sent and received. */
  public void count(String tenant, Operation operation, long uploaded, long downloaded) {
    if (this == EMPTY) {
      // Shared by every store that counts nothing: it must stay zero.
      return;
    }
    TenantCounters counters = byTenant.computeIfAbsent(tenant, t -> new TenantCounters());
    counters.requests[operation.ordinal()].increment();
    if (uploaded > 0) {
      counters.bytesUploaded.add(uploaded);
    }
    if (downloaded > 0) {
      counters.bytesDownloaded.add(downloaded);
    }
    Listener current = listener;
    if (current != null) {
      current.requested(tenant, operation);
    }
  }

  /** Tenants with any request so far, sorted ({@link #NO_TENANT} first when present). */
  public java.util.List<String> tenants() {
    return byTenant.keySet().stream().sorted().toList();
  }

  public long requests(String tenant, Operation operation) {
    TenantCounters counters = byTenant.get(tenant);
    return counters == null ? 0 : counters.requests[operation.ordinal()].sum();
  }

  /** Requests of one kind over all tenants. */
  public long requests(Operation operation) {
    long sum = 0;
    for (TenantCounters counters : byTenant.values()) {
      sum += counters.requests[operation.ordinal()].sum();
    }
    return sum;
  }

  public long bytesUploaded(String tenant) {
    TenantCounters counters = byTenant.get(tenant);
    return counters == null ? 0 : counters.bytesUploaded.sum();
  }

  public long bytesDownloaded(String tenant) {
    TenantCounters counters = byTenant.get(tenant);
    return counters == null ? 0 : counters.bytesDownloaded.sum();
  }

  /** Bytes downloaded over all tenants. */
  public long bytesDownloaded() {
    long sum = 0;
    for (TenantCounters counters : byTenant.values()) {
      sum += counters.bytesDownloaded.sum();
    }
    return sum;
  }

  public long bytesUploaded() {
    long sum = 0;
    for (TenantCounters counters : byTenant.values()) {
      sum += counters.bytesUploaded.sum();
    }
    return sum;
  }

  /** Requests of one kind per tenant, for /metrics. */
  public Map<String, Long> requestsByTenant(Operation operation) {
    Map<String, Long> result = new TreeMap<>();
    for (String tenant : tenants()) {
      result.put(tenant, requests(tenant, operation));
    }
    return result;
  }

  public Map<String, Long> bytesUploadedByTenant() {
    Map<String, Long> result = new TreeMap<>();
    for (String tenant : tenants()) {
      result.put(tenant, bytesUploaded(tenant));
    }
    return result;
  }

  public Map<String, Long> bytesDownloadedByTenant() {
    Map<String, Long> result = new TreeMap<>();
    for (String tenant : tenants()) {
      result.put(tenant, bytesDownloaded(tenant));
    }
    return result;
  }

  /** Requests per operation of one tenant, for reports. */
  public Map<Operation, Long> requestsOf(String tenant) {
    Map<Operation, Long> result = new TreeMap<>();
    for (Operation operation : Operation.values()) {
      result.put(operation, requests(tenant, operation));
    }
    return result;
  }
}

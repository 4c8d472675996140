package dev.tonari.server;

import dev.tonari.store.engine.StoreMetrics;
import dev.tonari.store.object.ObjectRequestCounters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The object store's figures on {@code /metrics}: requests per tenant and operation, bytes up and
 * down per tenant, and the remote block cache. With local storage the request series are empty
 * and the cache figures 0.
 */
final class StorageMetrics {
  /**
   * The tenant label of requests that concern the whole store (listings, access checks): not a
   * valid tenant ID, so it never collides with one, and not empty, which Prometheus drops.
   */
  static final String STORE_WIDE = "<store>";

  private StorageMetrics() {}

  private static String label(String tenant) {
    return tenant.equals(ObjectRequestCounters.NO_TENANT) ? STORE_WIDE : tenant;
  }

  static void register(ServerMetrics metrics, StoreMetrics store) {
    metrics.registerLabelledCounter("tonari_object_store_requests", "Requests sent to the object store (S3) per tenant and operation (PUT, GET, LIST, DELETE, HEAD); the tenant <store> counts store-wide requests.",
        List.of("tenant", "operation"), () -> requests(store.objectStoreRequests()));
    metrics.registerLabelledCounter("tonari_object_store_bytes", "Bytes sent to (upload) and received from (download) the object store per tenant.",
        List.of("tenant", "direction"), () -> bytes(store.objectStoreRequests()));
    metrics.registerCounter("tonari_remote_cache_hits", "Block ranges served from the local cache of remote parts.", store::remoteCacheHits);
    metrics.registerCounter("tonari_remote_cache_misses", "Block ranges fetched from the object store.", store::remoteCacheMisses);
    metrics.registerCounter("tonari_remote_cache_fetched_bytes", "Bytes of blocks fetched from the object store.", store::remoteBytesFetched);
    metrics.registerCounter("tonari_remote_cache_evictions", "Cached block ranges evicted to stay within storage.s3.cache_size.", store::remoteCacheEvictions);
    metrics.registerGauge("tonari_remote_cache_bytes", "Bytes the cache of remote blocks holds on disk.", store::remoteCacheBytes);
    metrics.registerCounter("tonari_orphan_parts_deleted", "Uploaded parts that no commit named, deleted by the sweeper.", store::orphanPartsDeleted);
  }

  /**
   * Meters each object-store request for the tenant whose data it concerns, priced as S3 prices
   * it: PUT and LIST as writes, GET and HEAD as reads, DELETE free; store-wide requests belong to
   * no tenant and are not billed to one.
   */
  static void meterRequests(StoreMetrics store, dev.tonari.tenancy.usage.UsageMeter meter) {
    store.objectStoreRequests().listen((tenant, operation) -> {
      if (!tenant.equals(ObjectRequestCounters.NO_TENANT) && operation != ObjectRequestCounters.Operation.DELETE) {
        meter.recordObjectRequest(tenant, operation == ObjectRequestCounters.Operation.PUT || operation == ObjectRequestCounters.Operation.LIST);
      }
    });
  }

  static Map<List<String>, Double> requests(ObjectRequestCounters counters) {
    Map<List<String>, Double> values = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
    for (String tenant : counters.tenants()) {
      for (ObjectRequestCounters.Operation operation : ObjectRequestCounters.Operation.values()) {
        values.put(List.of(label(tenant), operation.name()), (double) counters.requests(tenant, operation));
      }
    }
    return values;
  }

  static Map<List<String>, Double> bytes(ObjectRequestCounters counters) {
    Map<List<String>, Double> values = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
    for (String tenant : counters.tenants()) {
      values.put(List.of(label(tenant), "upload"), (double) counters.bytesUploaded(tenant));
      values.put(List.of(label(tenant), "download"), (double) counters.bytesDownloaded(tenant));
    }
    return values;
  }
}

package dev.tonari.store.engine;

import dev.tonari.store.object.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * How a {@link DiskLogStore} runs.
 *
 * @param dataDirectory holds {@code wal/}, {@code tmp/}, the {@code checkpoint} file and, with the
 *     default object store, {@code objects/} (parts under {@code <tenant>/parts/}, set-aside parts
 *     under {@code quarantine/})
 * @param flushHeadBytes the head is flushed to parts once it holds about this many bytes
 * @param flushAge ... or once its oldest entry arrived this long ago
 * @param retentionPeriod parts whose newest entry is older than this are deleted (zero or negative:
 *     keep forever)
 * @param retentionByTenant the retention of one tenant; null means {@code retentionPeriod} for all
 *     (the tenancy module overrides it per tenant)
 * @param mergePolicy when small parts are merged
 * @param clock time for flush age and retention; tests inject a fixed clock
 * @param maintenanceInterval how often the background thread checks flush, merge and retention;
 *     zero means no background thread (the caller invokes {@link DiskLogStore#maintain()})
 * @param objectStore where parts live; null means a {@code LocalObjectStore} under {@code
 *     dataDirectory/objects}, owned and closed by the store
 * @param retentionPolicyByTenant the full retention policy of one tenant, with per-stream rules
 *     ({@code retention_stream}); null, or a null answer, falls back to {@code retentionByTenant}
 *     and {@code retentionPeriod} as a policy without rules
 * @param remote cache, acknowledgement and read-only settings used when {@code objectStore} is
 *     remote; null means {@link RemoteStorageOptions#defaults()}
 * @param headBounds bytes the heads may hold before appends are refused with {@link
 *     HeadFullException}; null means {@link HeadBounds#NONE}
 * @param partCatalogue which parts exist, and where sequences come from; null means {@link
 *     PartCatalogue#OBJECT_STORE} (what the object store lists)
 * @param writerOnly an ingester's store: no parts are loaded at open, flushed parts are not kept
 *     open, nothing is merged or expired by retention; reads answer from the live and frozen
 *     heads only
 */
public record DiskLogStoreConfig(
    Path dataDirectory,
    long flushHeadBytes,
    Duration flushAge,
    Duration retentionPeriod,
    Function<String, Duration> retentionByTenant,
    MergePolicy mergePolicy,
    Clock clock,
    Duration maintenanceInterval,
    ObjectStore objectStore,
    Function<String, RetentionPolicy> retentionPolicyByTenant,
    RemoteStorageOptions remote,
    HeadBounds headBounds,
    PartCatalogue partCatalogue,
    boolean writerOnly) {
  public DiskLogStoreConfig {
    if (headBounds == null) {
      headBounds = HeadBounds.NONE;
    }
    if (partCatalogue == null) {
      partCatalogue = PartCatalogue.OBJECT_STORE;
    }
    if (dataDirectory == null) {
      throw new IllegalArgumentException("data directory must be set");
    }
    if (flushHeadBytes <= 0) {
      throw new IllegalArgumentException("flush head bytes must be positive, got " + flushHeadBytes);
    }
    if (clock == null) {
      clock = Clock.systemUTC();
    }
    if (mergePolicy == null) {
      mergePolicy = MergePolicy.defaults();
    }
    if (retentionPeriod == null) {
      retentionPeriod = Duration.ZERO;
    }
    if (flushAge == null || flushAge.isNegative() || flushAge.isZero()) {
      throw new IllegalArgumentException("flush age must be positive, got " + flushAge);
    }
    if (maintenanceInterval == null || maintenanceInterval.isNegative()) {
      throw new IllegalArgumentException("maintenance interval must be zero or positive, got " + maintenanceInterval);
    }
  }

  /** Which parts exist and where sequences come from (see {@link PartCatalogue}). */
  public DiskLogStoreConfig withPartCatalogue(PartCatalogue catalogue) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, catalogue, writerOnly);
  }

  /** An ingester's store (see {@link DiskLogStore}, "Writer-only"). */
  public DiskLogStoreConfig withWriterOnly(boolean onlyWrite) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, onlyWrite);
  }

  /** The remote options in effect (the defaults when none were given). */
  public RemoteStorageOptions remoteOrDefaults() {
    return remote == null ? RemoteStorageOptions.defaults() : remote;
  }

  public DiskLogStoreConfig withRemote(RemoteStorageOptions options) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, options, headBounds, partCatalogue, writerOnly);
  }

  /** 128 MiB or 30 minutes of head, 31 days of retention, default merges, maintenance every 5 s. */
  public static DiskLogStoreConfig defaults(Path dataDirectory) {
    return new DiskLogStoreConfig(
        dataDirectory, 128L << 20, Duration.ofMinutes(30), Duration.ofDays(31), null, MergePolicy.defaults(), Clock.systemUTC(), Duration.ofSeconds(5), null, null, null, null, null, false);
  }

  /** The retention that applies to a tenant. */
  public Duration retentionFor(String tenant) {
    Duration period = retentionByTenant == null ? null : retentionByTenant.apply(tenant);
    return period == null ? retentionPeriod : period;
  }

  /**
   * The retention policy of a tenant: its own policy when {@code retentionPolicyByTenant} gives
   * one, otherwise {@link #retentionFor} without per-stream rules.
   */
  public RetentionPolicy retentionPolicyFor(String tenant) {
    RetentionPolicy policy = retentionPolicyByTenant == null ? null : retentionPolicyByTenant.apply(tenant);
    return policy == null ? RetentionPolicy.of(retentionFor(tenant)) : policy;
  }

  /** Per-tenant policies with per-stream rules; they take precedence over {@link #withRetention}. */
  public DiskLogStoreConfig withRetentionPolicies(Function<String, RetentionPolicy> byTenant) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, byTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withHeadBounds(HeadBounds bounds) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, bounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withFlushHeadBytes(long bytes) {
    return new DiskLogStoreConfig(dataDirectory, bytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withFlushAge(Duration age) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, age, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withRetention(Duration period, Function<String, Duration> byTenant) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, period, byTenant, mergePolicy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withMergePolicy(MergePolicy policy) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, policy, clock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withClock(Clock newClock) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, newClock, maintenanceInterval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withMaintenanceInterval(Duration interval) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, interval, objectStore, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }

  public DiskLogStoreConfig withObjectStore(ObjectStore store) {
    return new DiskLogStoreConfig(dataDirectory, flushHeadBytes, flushAge, retentionPeriod, retentionByTenant, mergePolicy, clock, maintenanceInterval, store, retentionPolicyByTenant, remote, headBounds, partCatalogue, writerOnly);
  }
}

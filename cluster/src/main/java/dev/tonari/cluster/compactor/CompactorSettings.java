package dev.tonari.cluster.compactor;

import dev.tonari.store.engine.MergePolicy;
import dev.tonari.store.engine.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * How the compactor runs.
 *
 * @param memberId this process's id, the holder of the compactor lease
 * @param directory the local directory of its store (block cache, temporary parts of merges)
 * @param mergePolicy when a tenant's small parts are merged
 * @param retention each tenant's retention (the tenancy module's {@code retention_period} and
 *     {@code retention_stream}, as the single-node server hands them to its store)
 * @param purgeGrace how long the objects of removed parts stay for queriers still reading them
 *     (longer than the longest query)
 * @param leaseTtl how long the compactor lease lasts without renewal; one compactor works at a time
 */
public record CompactorSettings(String memberId, Path directory, MergePolicy mergePolicy, Function<String, RetentionPolicy> retention, Duration purgeGrace, Duration leaseTtl) {
  /** The catalog's name of the lease only one compactor holds. */
  public static final String LEASE = "compactor";

  public CompactorSettings {
    if (memberId == null || memberId.isBlank()) {
      throw new IllegalArgumentException("compactor member id must be set");
    }
    if (directory == null) {
      throw new IllegalArgumentException("compactor " + memberId + ": directory must be set");
    }
    if (purgeGrace == null || purgeGrace.isNegative()) {
      throw new IllegalArgumentException("compactor " + memberId + ": purge grace must not be negative, got " + purgeGrace);
    }
    if (leaseTtl == null || leaseTtl.isNegative() || leaseTtl.isZero()) {
      throw new IllegalArgumentException("compactor " + memberId + ": lease ttl must be positive, got " + leaseTtl);
    }
  }

  /** The store's merge policy, no retention, a grace of 2 hours, a lease of 1 minute. */
  public static CompactorSettings defaults(String memberId, Path directory) {
    return new CompactorSettings(memberId, directory, MergePolicy.defaults(), tenant -> RetentionPolicy.of(Duration.ZERO), Duration.ofHours(2), Duration.ofMinutes(1));
  }

  public CompactorSettings withRetention(Function<String, RetentionPolicy> byTenant) {
    return new CompactorSettings(memberId, directory, mergePolicy, byTenant, purgeGrace, leaseTtl);
  }

  public CompactorSettings withPurgeGrace(Duration grace) {
    return new CompactorSettings(memberId, directory, mergePolicy, retention, grace, leaseTtl);
  }
}

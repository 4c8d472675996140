package dev.tonari.slo.rollup;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Named byte blobs per tenant, which {@link BlobRollupStore} keeps its day blocks and indexes in:
 * a key-value store shared by processes (a cluster's catalog), where only one process writes a
 * tenant at a time.
 */
public interface RollupBlobs {
  /** The blob, or empty when it was never written (a blob written empty reads as empty bytes). */
  Optional<byte[]> load(String tenant, String name);

  /**
   * Replaces the blob. A store shared by processes refuses a process that no longer owns the
   * tenant with a runtime exception saying so (nothing is written).
   */
  void save(String tenant, String name, byte[] content);

  /**
   * A token that stays the same while this process owns the tenant without interruption and
   * changes when it gains the tenant again (a lease generation); empty when it does not own the
   * tenant. Reads are cached only under a token, since only the owner's own writes change the
   * blobs then.
   */
  OptionalLong ownership(String tenant);
}

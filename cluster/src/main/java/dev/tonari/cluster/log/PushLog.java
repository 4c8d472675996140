package dev.tonari.cluster.log;

import dev.tonari.store.StreamBatch;
import java.util.List;

/**
 * The replicated write-ahead log in front of the ingesters (Kafka in production, {@code
 * KafkaPushLog}). A distributor calls {@link #append} after validating a push and acknowledges the
 * push only when it returns: every stream batch is then stored by the log (acks=all) in the
 * partition of its (tenant, stream).
 */
public interface PushLog extends AutoCloseable {
  /**
   * Appends the tenant's streams and waits until the log has them all.
   *
   * @throws PushLogUnavailableException when the log did not take every batch in time (the caller
   *     answers 503 with Retry-After; batches it did take may be stored, and reads de-duplicate them)
   */
  void append(String tenant, List<StreamBatch> streams);

  /** The partition a (tenant, stream) goes to, out of {@code partitions}: stable across processes and restarts. */
  static int partitionOf(String tenant, String streamLabels, int partitions) {
    // FNV-1a over tenant, a separator and the canonical label string: stable, cheap, no dependency on Kafka's partitioner.
    int hash = 0x811c9dc5;
    for (int i = 0; i < tenant.length(); i++) {
      hash = (hash ^ tenant.charAt(i)) * 0x01000193;
    }
    hash = (hash ^ 0) * 0x01000193;
    for (int i = 0; i < streamLabels.length(); i++) {
      hash = (hash ^ streamLabels.charAt(i)) * 0x01000193;
    }
    return Math.floorMod(hash, partitions);
  }

  @Override
  void close();
}

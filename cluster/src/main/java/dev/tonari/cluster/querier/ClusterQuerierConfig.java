package dev.tonari.cluster.querier;

import java.time.Duration;

/**
 * How a querier reads the cluster.
 *
 * @param partitions the push log topic's partitions; a read is complete only when every one is covered
 * @param ingesterRole the catalog role of the processes whose heads are read
 * @param ingesterTimeout the bound of every call to an ingester, body included
 * @param maxHeadResponseBytes an ingester's answer longer than this fails the read, naming the limit
 * @param retryAfter the hint an {@link IncompleteReadException} carries
 * @param internalToken the cluster's internal token, sent with every head request
 */
public record ClusterQuerierConfig(int partitions, String ingesterRole, Duration ingesterTimeout, long maxHeadResponseBytes, Duration retryAfter, String internalToken) {
  public static final String DEFAULT_INGESTER_ROLE = "ingester";

  public ClusterQuerierConfig {
    if (ingesterRole == null || ingesterRole.isBlank()) {
      throw new IllegalArgumentException("ingester role must be set");
    }
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    if (ingesterTimeout.isNegative() || ingesterTimeout.isZero()) {
      throw new IllegalArgumentException("ingester timeout must be positive, got " + ingesterTimeout);
    }
    if (internalToken == null || internalToken.isBlank()) {
      throw new IllegalArgumentException("cluster.internal_token must be set: ingesters refuse head requests without it");
    }
    if (maxHeadResponseBytes <= 0) {
      throw new IllegalArgumentException("max_head_response_bytes must be positive, got " + maxHeadResponseBytes);
    }
  }

  /** Ingesters answer within 10 s ({@code ingester_call_timeout}), with at most 512 MiB; a client told to retry waits 5 s. */
  public static ClusterQuerierConfig defaults(int partitions, String internalToken) {
    return new ClusterQuerierConfig(partitions, DEFAULT_INGESTER_ROLE, Duration.ofSeconds(10), 512L << 20, Duration.ofSeconds(5), internalToken);
  }

  /** Without the token: configurations end up in logs. */
  @Override
  public String toString() {
    return "ClusterQuerierConfig[partitions=" + partitions + ", ingesterRole=" + ingesterRole + ", ingesterTimeout=" + ingesterTimeout + ", maxHeadResponseBytes=" + maxHeadResponseBytes
        + ", retryAfter=" + retryAfter + ", internalToken=(hidden)]";
  }

  public ClusterQuerierConfig withIngesterTimeout(Duration timeout) {
    return new ClusterQuerierConfig(partitions, ingesterRole, timeout, maxHeadResponseBytes, retryAfter, internalToken);
  }

  public ClusterQuerierConfig withMaxHeadResponseBytes(long bytes) {
    return new ClusterQuerierConfig(partitions, ingesterRole, ingesterTimeout, bytes, retryAfter, internalToken);
  }
}

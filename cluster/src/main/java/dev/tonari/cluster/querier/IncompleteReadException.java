package dev.tonari.cluster.querier;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A read that could not see every partition's unflushed head: a partition had no live owner, its
 * owners were still replaying it, or none of them answered. The server answers 503 with {@link
 * #retryAfter()}, as Loki's querier does when too many ingesters are unhealthy: an answer missing
 * recent lines must never look complete.
 */
public final class IncompleteReadException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why one partition's head could not be read. */
  public enum Reason {
    NO_OWNER,
    REPLAYING,
    UNREACHABLE,
    /** The catalog read serves an older parts revision than an ingester's flushes reached (partition -1: all of them). */
    CATALOG_BEHIND,
    /** Parts the catalog names are not in the object store (purged too early, a lost bucket); partition -1. */
    PARTS_MISSING
  }

  /** One partition that was not covered (-1: all of them), why, and what the querier saw. */
  public record PartitionProblem(int partition, Reason reason, String detail) {
    @Override
    public String toString() {
      return (partition < 0 ? "every partition" : "partition " + partition) + " " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  private final transient List<PartitionProblem> problems;
  private final Duration retryAfter;

  public IncompleteReadException(String operation, List<PartitionProblem> problems, Duration retryAfter) {
    super(operation + " is incomplete, retry after " + retryAfter.toSeconds() + " s: "
        + problems.stream().map(PartitionProblem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
    this.retryAfter = retryAfter;
  }

  public List<PartitionProblem> problems() {
    return problems;
  }

  /** When the cluster is likely to be whole again (an ingester's heartbeat ttl, a replay). */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** The Retry-After header's value, in whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}

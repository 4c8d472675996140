package dev.tonari.server;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.log.PushLogUnavailableException;
import dev.tonari.cluster.querier.IncompleteReadException;
import io.javalin.http.Context;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The failures of a cluster's shared systems that pass with time, answered as Loki answers an
 * unavailable backend: 503, {@code Retry-After}, and a plain-text message that says what was not
 * reachable (Kafka, the catalog, the owner of a partition), so that agents retry and nothing
 * acknowledged is lost. Handlers ask {@link #of} before they turn an exception into a 500.
 *
 * @param message what was unavailable, for the response body
 * @param retryAfterSeconds the seconds to tell the client to wait
 * @param kind the system that failed ({@code push_log}, {@code catalog}, {@code incomplete_read}), for {@code /metrics}
 */
record ClusterUnavailable(String message, long retryAfterSeconds, String kind) {
  /** Seconds to wait after the catalog failed: PostgreSQL fails over in seconds. */
  static final long CATALOG_RETRY_AFTER_SECONDS = 5;

  /** The unavailability somewhere in the exception's causes, or empty when it is another failure. */
  static Optional<ClusterUnavailable> of(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable cause = failure; cause != null && seen.put(cause, Boolean.TRUE) == null; cause = cause.getCause()) {
      if (cause instanceof PushLogUnavailableException pushLog) {
        return Optional.of(new ClusterUnavailable("the push log (Kafka) did not store the push in time, nothing of it is acknowledged: "
            + pushLog.getMessage(), Math.max(1, pushLog.retryAfterSeconds()), "push_log"));
      }
      if (cause instanceof IncompleteReadException incomplete) {
        // A partition has no live, caught-up ingester (a hand-over): Loki's querier answers 503 when ingesters are missing too.
        return Optional.of(new ClusterUnavailable("the answer would be incomplete, retry: " + incomplete.getMessage(),
            Math.max(1, incomplete.retryAfterSeconds()), "incomplete_read"));
      }
      if (cause instanceof CatalogUnavailableException catalog) {
        return Optional.of(new ClusterUnavailable("the cluster's catalog (PostgreSQL) is unavailable: " + catalog.getMessage(),
            CATALOG_RETRY_AFTER_SECONDS, "catalog"));
      }
    }
    return Optional.empty();
  }

  /** Answers the request with 503, {@code Retry-After} and the message as plain text; returns 503. */
  int answer(Context ctx, ServerMetrics metrics) {
    metrics.recordClusterUnavailable(kind);
    ctx.header("Retry-After", Long.toString(retryAfterSeconds));
    ctx.status(503).contentType("text/plain; charset=utf-8").result(message + "\n");
    return 503;
  }
}

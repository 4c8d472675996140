package dev.tonari.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The server's own Prometheus metrics, in a registry of its own (so that two servers in one JVM,
 * as in tests, do not mix their figures). Counters are updated on the request path; storage
 * figures are read through callbacks at scrape time, so the engine keeps plain counters and knows
 * nothing of Prometheus.
 */
public final class ServerMetrics {
  /** The text format's content type, for the {@code /metrics} response. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
  private final Counter ingestedLines;
  private final Counter ingestedBytes;
  private final Counter refusedEntries;
  private final Histogram pushDuration;
  private final Counter queries;
  private final Histogram queryDuration;
  private final Counter authFailures;
  private final Counter clusterUnavailable;

  public ServerMetrics() {
    ingestedLines = Counter.builder().name("tonari_ingested_lines_total")
        .help("Log lines accepted by the push API and stored, per tenant.").labelNames("tenant").register(registry);
    ingestedBytes = Counter.builder().name("tonari_ingested_bytes_total")
        .help("UTF-8 bytes of log lines accepted and stored, per tenant.").labelNames("tenant").register(registry);
    refusedEntries = Counter.builder().name("tonari_refused_entries_total")
        .help("Entries refused by push validation, per tenant and reason (Loki's discarded samples).")
        .labelNames("tenant", "reason").register(registry);
    pushDuration = Histogram.builder().name("tonari_push_request_duration_seconds")
        .help("Time to decode, validate and durably store one push request, by HTTP status.")
        .classicUpperBounds(LATENCY_BUCKETS).labelNames("status").register(registry);
    queries = Counter.builder().name("tonari_query_requests_total")
        .help("Read API requests, per endpoint and HTTP status.").labelNames("endpoint", "status").register(registry);
    queryDuration = Histogram.builder().name("tonari_query_duration_seconds")
        .help("Time to answer a read API request, per endpoint.")
        .classicUpperBounds(LATENCY_BUCKETS).labelNames("endpoint").register(registry);
    authFailures = Counter.builder().name("tonari_auth_failures_total")
        .help("Requests refused by authentication (bad_credentials: 401) or authorization (forbidden: 403).")
        .labelNames("reason").register(registry);
    clusterUnavailable = Counter.builder().name("tonari_cluster_unavailable_total")
        .help("Requests answered 503 because a shared system of the cluster failed: push_log (Kafka), catalog (PostgreSQL), "
            + "incomplete_read (a partition without a live, caught-up ingester).")
        .labelNames("kind").register(registry);
    JvmMetrics.builder().register(registry);
  }

  /** One request answered 503 by {@link ClusterUnavailable}. */
  public void recordClusterUnavailable(String kind) {
    clusterUnavailable.labelValues(kind).inc();
  }

  public void recordIngested(String tenant, long lines, long bytes) {
    ingestedLines.labelValues(tenant).inc(lines);
    ingestedBytes.labelValues(tenant).inc(bytes);
  }

  public void recordRefused(String tenant, String reason, long entries) {
    refusedEntries.labelValues(tenant, reason).inc(entries);
  }

  public void recordAuthFailure(String reason) {
    authFailures.labelValues(reason).inc();
  }

  public void recordPush(int status, long nanos) {
    pushDuration.labelValues(Integer.toString(status)).observe(nanos / 1e9);
  }

  public void recordQuery(String endpoint, int status, long nanos) {
    queries.labelValues(endpoint, Integer.toString(status)).inc();
    queryDuration.labelValues(endpoint).observe(nanos / 1e9);
  }

  /** A storage figure that only grows (fsyncs, merges, corrupt parts), read at scrape time. */
  public void registerCounter(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsDouble())).register(registry);
  }

  /** A storage figure that goes up and down (parts, head bytes), read at scrape time. */
  public void registerGauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsDouble())).register(registry);
  }

  /** A storage figure per tenant (parts, part bytes), read at scrape time. */
  public void registerGaugePerTenant(String name, String help, Supplier<Map<String, Long>> values) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("tenant")
        .callback(callback -> values.get().forEach((tenant, value) -> callback.call(value, tenant))).register(registry);
  }

  /**
   * A gauge with several labels read at scrape time: {@code values} maps each series' label
   * values (in {@code labelNames} order) to its value.
   */
  public void registerLabelledGauge(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> values) {
    GaugeWithCallback.builder().name(name).help(help).labelNames(labelNames.toArray(new String[0]))
        .callback(callback -> values.get().forEach((labels, value) -> callback.call(value, labels.toArray(new String[0])))).register(registry);
  }

  /**
   * A counter with several labels read at scrape time (S3 requests per tenant and operation):
   * {@code values} maps each series' label values (in {@code labelNames} order) to its value.
   */
  public void registerLabelledCounter(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> values) {
    CounterWithCallback.builder().name(name).help(help).labelNames(labelNames.toArray(new String[0]))
        .callback(callback -> values.get().forEach((labels, value) -> callback.call(value, labels.toArray(new String[0])))).register(registry);
  }

  /** A collector that yields whole families at scrape time (the SLO series, with Sloth's names). */
  public void registerCollector(io.prometheus.metrics.model.registry.MultiCollector collector) {
    registry.register(collector);
  }

  /** Writes every metric in the Prometheus text format. */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }
}

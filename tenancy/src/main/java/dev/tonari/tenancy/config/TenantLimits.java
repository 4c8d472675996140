package dev.tonari.tenancy.config;

import java.time.Duration;
import java.util.List;

/**
 * A tenant's limits, named as Loki's {@code limits_config} where the concept is the same. Rates
 * and bursts are given in MB as Loki does, where Loki's "MB" is 2^20 bytes; {@link
 * #ingestionRateBytesPerSecond()} and {@link #ingestionBurstSizeBytes()} convert. A zero for a
 * count, size or duration limit means "no limit", as in Loki (except the rate, where zero refuses
 * every push, also as in Loki).
 *
 * @param ingestionRateMb {@code ingestion_rate_mb}: sustained push rate, MB/s
 * @param ingestionBurstSizeMb {@code ingestion_burst_size_mb}: bucket size, MB
 * @param maxGlobalStreamsPerUser {@code max_global_streams_per_user}: active streams
 * @param maxLineSize {@code max_line_size}: bytes per line
 * @param maxLabelNamesPerSeries {@code max_label_names_per_series}
 * @param rejectOldSamples {@code reject_old_samples}
 * @param rejectOldSamplesMaxAge {@code reject_old_samples_max_age}
 * @param creationGracePeriod {@code creation_grace_period}: how far in the future an entry may be
 * @param maxEntriesLimitPerQuery {@code max_entries_limit_per_query}
 * @param maxQueryLength {@code max_query_length}: widest time range of a query
 * @param maxQuerySeries {@code max_query_series}: series a metric query may return
 * @param maxQueryBytesRead {@code max_query_bytes_read} (Loki's query-frontend limit of the same name): bytes one query may read
 * @param queryTimeout {@code query_timeout}
 * @param discoverServiceName {@code discover_service_name}: labels whose value becomes {@code
 *     service_name} when a stream has none (the first present wins, else {@code unknown_service});
 *     empty turns discovery off
 * @param discoverLogLevels {@code discover_log_levels}: add {@code detected_level} to each entry
 * @param otlpConfig {@code otlp_config}: where OTLP attributes go
 * @param jsonMessageFields {@code json_msg_field}: message fields of Elasticsearch bulk and JSON
 *     lines documents, as VictoriaLogs' {@code _msg_field}; empty means the built-in list
 * @param jsonTimeFields {@code json_time_field}: their time fields ({@code _time_field}); empty means the built-in list
 * @param jsonStreamFields {@code json_stream_fields}: their fields that become stream labels ({@code _stream_fields})
 * @param maxQueryMemoryBytes {@code max_query_memory_bytes} (Tonari's own): bytes a metric query's series may hold, estimated
 */
public record TenantLimits(
    double ingestionRateMb,
    double ingestionBurstSizeMb,
    int maxGlobalStreamsPerUser,
    long maxLineSize,
    int maxLabelNamesPerSeries,
    boolean rejectOldSamples,
    Duration rejectOldSamplesMaxAge,
    Duration creationGracePeriod,
    int maxEntriesLimitPerQuery,
    Duration maxQueryLength,
    int maxQuerySeries,
    long maxQueryBytesRead,
    Duration queryTimeout,
    List<String> discoverServiceName,
    boolean discoverLogLevels,
    OtlpConfig otlpConfig,
    List<String> jsonMessageFields,
    List<String> jsonTimeFields,
    List<String> jsonStreamFields,
    long maxQueryMemoryBytes) {

  /** Loki's default {@code discover_service_name}. */
  public static final List<String> DEFAULT_DISCOVER_SERVICE_NAME = List.of("service", "app", "application", "app_name", "name",
      "app_kubernetes_io_name", "container", "container_name", "k8s_container_name", "component", "workload", "job", "k8s_job_name");

  /** Loki's "MB" in {@code ingestion_rate_mb}: bytesInMB = 1048576. */
  public static final long BYTES_PER_MB = 1L << 20;

  public TenantLimits {
    if (!(ingestionRateMb >= 0) || !(ingestionBurstSizeMb >= 0) || maxGlobalStreamsPerUser < 0 || maxLineSize < 0
        || maxLabelNamesPerSeries < 0 || maxEntriesLimitPerQuery < 0 || maxQuerySeries < 0 || maxQueryBytesRead < 0
        || maxQueryMemoryBytes < 0) {
      throw new IllegalArgumentException("limits must not be negative: " + this);
    }
    for (Duration duration : new Duration[] {rejectOldSamplesMaxAge, creationGracePeriod, maxQueryLength, queryTimeout}) {
      if (duration == null || duration.isNegative()) {
        throw new IllegalArgumentException("limit durations must be non-negative: " + duration);
      }
    }
    discoverServiceName = List.copyOf(discoverServiceName);
    java.util.Objects.requireNonNull(otlpConfig, "otlpConfig");
    jsonMessageFields = List.copyOf(jsonMessageFields);
    jsonTimeFields = List.copyOf(jsonTimeFields);
    jsonStreamFields = List.copyOf(jsonStreamFields);
  }

  /**
   * Loki's defaults (v3): 4 MB/s, 6 MB burst, 5000 streams, 256KB lines, 15 labels, old samples
   * rejected beyond 168h, 10m grace, 5000 entries, 721h query length, 500 series, no byte limit
   * (Loki's query-frontend limit of the same name), 1m timeout; service names and log levels
   * discovered, the default OTLP mapping, the built-in JSON field names.
   */
  public static TenantLimits lokiDefaults() {
    return new TenantLimits(4, 6, 5000, 256_000, 15, true, Duration.ofHours(168), Duration.ofMinutes(10),
        5000, Duration.ofHours(721), 500, 0, Duration.ofMinutes(1), DEFAULT_DISCOVER_SERVICE_NAME, true, OtlpConfig.defaults(),
        List.of(), List.of(), List.of(), 0);
  }

  public double ingestionRateBytesPerSecond() {
    return ingestionRateMb * BYTES_PER_MB;
  }

  public long ingestionBurstSizeBytes() {
    return (long) (ingestionBurstSizeMb * BYTES_PER_MB);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable copy used while applying a file's overrides one key at a time. */
  public static final class Builder {
    double ingestionRateMb;
    double ingestionBurstSizeMb;
    int maxGlobalStreamsPerUser;
    long maxLineSize;
    int maxLabelNamesPerSeries;
    boolean rejectOldSamples;
    Duration rejectOldSamplesMaxAge;
    Duration creationGracePeriod;
    int maxEntriesLimitPerQuery;
    Duration maxQueryLength;
    int maxQuerySeries;
    long maxQueryBytesRead;
    Duration queryTimeout;
    List<String> discoverServiceName;
    boolean discoverLogLevels;
    OtlpConfig otlpConfig;
    List<String> jsonMessageFields;
    List<String> jsonTimeFields;
    List<String> jsonStreamFields;
    long maxQueryMemoryBytes;

    Builder(TenantLimits from) {
      ingestionRateMb = from.ingestionRateMb;
      ingestionBurstSizeMb = from.ingestionBurstSizeMb;
      maxGlobalStreamsPerUser = from.maxGlobalStreamsPerUser;
      maxLineSize = from.maxLineSize;
      maxLabelNamesPerSeries = from.maxLabelNamesPerSeries;
      rejectOldSamples = from.rejectOldSamples;
      rejectOldSamplesMaxAge = from.rejectOldSamplesMaxAge;
      creationGracePeriod = from.creationGracePeriod;
      maxEntriesLimitPerQuery = from.maxEntriesLimitPerQuery;
      maxQueryLength = from.maxQueryLength;
      maxQuerySeries = from.maxQuerySeries;
      maxQueryBytesRead = from.maxQueryBytesRead;
      queryTimeout = from.queryTimeout;
      discoverServiceName = from.discoverServiceName;
      discoverLogLevels = from.discoverLogLevels;
      otlpConfig = from.otlpConfig;
      jsonMessageFields = from.jsonMessageFields;
      jsonTimeFields = from.jsonTimeFields;
      jsonStreamFields = from.jsonStreamFields;
      maxQueryMemoryBytes = from.maxQueryMemoryBytes;
    }

    /**
     * Sets one key, given the value the loader already parsed for that key's {@link ConfigKeys}
     * kind (Double, Long, Boolean, Duration, a List of names or an OtlpConfig).
     */
    @SuppressWarnings("unchecked")
    public Builder set(String key, Object value) {
      switch (key) {
        case "ingestion_rate_mb" -> ingestionRateMb = (Double) value;
        case "ingestion_burst_size_mb" -> ingestionBurstSizeMb = (Double) value;
        case "max_global_streams_per_user" -> maxGlobalStreamsPerUser = Math.toIntExact((Long) value);
        case "max_line_size" -> maxLineSize = (Long) value;
        case "max_label_names_per_series" -> maxLabelNamesPerSeries = Math.toIntExact((Long) value);
        case "reject_old_samples" -> rejectOldSamples = (Boolean) value;
        case "reject_old_samples_max_age" -> rejectOldSamplesMaxAge = (Duration) value;
        case "creation_grace_period" -> creationGracePeriod = (Duration) value;
        case "max_entries_limit_per_query" -> maxEntriesLimitPerQuery = Math.toIntExact((Long) value);
        case "max_query_length" -> maxQueryLength = (Duration) value;
        case "max_query_series" -> maxQuerySeries = Math.toIntExact((Long) value);
        case "max_query_bytes_read" -> maxQueryBytesRead = (Long) value;
        case "query_timeout" -> queryTimeout = (Duration) value;
        case "discover_service_name" -> discoverServiceName = (List<String>) value;
        case "discover_log_levels" -> discoverLogLevels = (Boolean) value;
        case "otlp_config" -> otlpConfig = (OtlpConfig) value;
        case "json_msg_field" -> jsonMessageFields = (List<String>) value;
        case "json_time_field" -> jsonTimeFields = (List<String>) value;
        case "json_stream_fields" -> jsonStreamFields = (List<String>) value;
        case "max_query_memory_bytes" -> maxQueryMemoryBytes = (Long) value;
        default -> throw new IllegalArgumentException("unknown limit key '" + key + "'");
      }
      return this;
    }

    public TenantLimits build() {
      return new TenantLimits(ingestionRateMb, ingestionBurstSizeMb, maxGlobalStreamsPerUser, maxLineSize, maxLabelNamesPerSeries,
          rejectOldSamples, rejectOldSamplesMaxAge, creationGracePeriod, maxEntriesLimitPerQuery, maxQueryLength, maxQuerySeries,
          maxQueryBytesRead, queryTimeout, discoverServiceName, discoverLogLevels, otlpConfig, jsonMessageFields, jsonTimeFields,
          jsonStreamFields, maxQueryMemoryBytes);
    }
  }
}

package dev.tonari.ingest;

import java.time.Duration;

/**
 * The per-tenant limits a push is validated against, named after Loki's {@code limits_config}
 * keys ({@code reject_old_samples}, {@code reject_old_samples_max_age}, {@code
 * creation_grace_period}, {@code max_line_size}, {@code max_line_size_truncate}, {@code
 * max_label_names_per_series}, {@code max_label_name_length}, {@code max_label_value_length}).
 * Sizes and lengths are in UTF-8 bytes, as Loki counts them; a {@code maxLineSize} of 0 means no
 * limit, as in Loki. {@code maxBodyBytes} bounds a request body after decompression.
 */
public record Limits(
    boolean rejectOldSamples,
    Duration rejectOldSamplesMaxAge,
    Duration creationGracePeriod,
    int maxLineSize,
    boolean maxLineSizeTruncate,
    int maxLabelNamesPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    long maxBodyBytes) {

  public Limits {
    if (rejectOldSamplesMaxAge == null || rejectOldSamplesMaxAge.isNegative()) {
      throw new IllegalArgumentException("reject_old_samples_max_age must be a non-negative duration, got " + rejectOldSamplesMaxAge);
    }
    if (creationGracePeriod == null || creationGracePeriod.isNegative()) {
      throw new IllegalArgumentException("creation_grace_period must be a non-negative duration, got " + creationGracePeriod);
    }
    if (maxLineSize < 0 || maxLabelNamesPerSeries < 0 || maxLabelNameLength < 0 || maxLabelValueLength < 0 || maxBodyBytes <= 0) {
      throw new IllegalArgumentException(
          "limits must not be negative (and the body limit must be positive): max_line_size=" + maxLineSize
              + " max_label_names_per_series=" + maxLabelNamesPerSeries + " max_label_name_length=" + maxLabelNameLength
              + " max_label_value_length=" + maxLabelValueLength + " max_body_bytes=" + maxBodyBytes);
    }
  }

  /** Loki's defaults: true, 168h, 10m, 256KB, false, 15, 1024, 2048, and a 64 MiB body. */
  public static Limits defaults() {
    return new Limits(true, Duration.ofHours(168), Duration.ofMinutes(10), 256 * 1024, false, 15, 1024, 2048, 64L * 1024 * 1024);
  }

  /** A copy with old-sample rejection switched; imports of old logs switch it off. */
  public Limits withRejectOldSamples(boolean reject) {
    return new Limits(reject, rejectOldSamplesMaxAge, creationGracePeriod, maxLineSize, maxLineSizeTruncate,
        maxLabelNamesPerSeries, maxLabelNameLength, maxLabelValueLength, maxBodyBytes);
  }

  public Limits withMaxLineSize(int bytes, boolean truncate) {
    return new Limits(rejectOldSamples, rejectOldSamplesMaxAge, creationGracePeriod, bytes, truncate,
        maxLabelNamesPerSeries, maxLabelNameLength, maxLabelValueLength, maxBodyBytes);
  }
}

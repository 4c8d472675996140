package dev.tonari.tenancy.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Prices that turn usage into cost. A GB is 10^9 bytes, as cloud bills count; a GB-month is one
 * GB kept for {@link #HOURS_PER_MONTH} hours.
 *
 * @param currency ISO code shown beside amounts, e.g. {@code EUR}
 * @param ingestedPerGb per GB pushed (uncompressed line bytes)
 * @param storedPerGbMonth per GB-month stored (after compression)
 * @param scannedPerGb per GB read by queries
 * @param writeRequestsPer1000 per 1000 object-store write requests (S3 PUT, COPY, POST, LIST)
 * @param readRequestsPer1000 per 1000 object-store read requests (S3 GET, HEAD)
 */
public record PriceSheet(String currency, BigDecimal ingestedPerGb, BigDecimal storedPerGbMonth, BigDecimal scannedPerGb,
    BigDecimal writeRequestsPer1000, BigDecimal readRequestsPer1000) {
  /** 365 * 24 / 12: a month of average length, as AWS prices GB-months. */
  public static final int HOURS_PER_MONTH = 730;

  public static final BigDecimal BYTES_PER_GB = BigDecimal.valueOf(1_000_000_000L);

  public PriceSheet {
    Objects.requireNonNull(currency, "currency");
    for (BigDecimal price : new BigDecimal[] {ingestedPerGb, storedPerGbMonth, scannedPerGb, writeRequestsPer1000, readRequestsPer1000}) {
      if (price == null || price.signum() < 0) {
        throw new IllegalArgumentException("prices must not be negative, got " + price);
      }
    }
  }

  /** Without request prices (local storage costs no requests). */
  public PriceSheet(String currency, BigDecimal ingestedPerGb, BigDecimal storedPerGbMonth, BigDecimal scannedPerGb) {
    this(currency, ingestedPerGb, storedPerGbMonth, scannedPerGb, BigDecimal.ZERO, BigDecimal.ZERO);
  }

  /** Everything free: usage is still metered, cost shows as zero. */
  public static PriceSheet free() {
    return new PriceSheet("EUR", BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
  }
}

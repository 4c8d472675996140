package dev.tonari.tenancy.usage;

import dev.tonari.tenancy.config.PriceSheet;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Usage and cost per tenant and day over a date range, priced with a {@link PriceSheet}:
 *
 * <pre>
 * ingested = bytes_ingested / 10^9                     * ingested_per_gb
 * stored   = stored_byte_hours / 10^9 / 730            * stored_per_gb_month
 * scanned  = bytes_scanned / 10^9                      * scanned_per_gb
 * requests = write_requests / 1000 * write_requests_per_1000 + read_requests / 1000 * read_requests_per_1000
 * </pre>
 *
 * Amounts are exact decimals rounded half-even to {@link #COST_SCALE} places; rows are ordered by
 * day then tenant, totals by tenant.
 */
public record UsageReport(LocalDate from, LocalDate to, String currency, List<Row> rows, List<Row> totals) {
  public static final int COST_SCALE = 6;
  private static final MathContext PRECISION = MathContext.DECIMAL128;

  /** Cost of one period in the sheet's currency. */
  public record Cost(BigDecimal ingested, BigDecimal stored, BigDecimal scanned, BigDecimal requests, BigDecimal total) {
    /** Without request costs. */
    public Cost(BigDecimal ingested, BigDecimal stored, BigDecimal scanned, BigDecimal total) {
      this(ingested, stored, scanned, BigDecimal.ZERO.setScale(COST_SCALE), total);
    }
  }

  /** One tenant's figures and cost for one day ({@code day} is null in totals). */
  public record Row(LocalDate day, String tenant, UsageFigures figures, Cost cost) {}

  public UsageReport {
    rows = List.copyOf(rows);
    totals = List.copyOf(totals);
  }

  /**
   * @param usage figures per day and tenant, e.g. {@link UsageMeter#snapshot}
   * @param from first day, inclusive
   * @param to last day, inclusive
   * @param tenants which tenants the caller may see
   */
  public static UsageReport build(Map<LocalDate, Map<String, UsageFigures>> usage, LocalDate from, LocalDate to, Predicate<String> tenants,
      PriceSheet prices) {
    List<Row> rows = new ArrayList<>();
    Map<String, UsageFigures> sums = new TreeMap<>();
    for (Map.Entry<LocalDate, Map<String, UsageFigures>> day : new TreeMap<>(usage).entrySet()) {
      if (day.getKey().isBefore(from) || day.getKey().isAfter(to)) {
        continue;
      }
      for (Map.Entry<String, UsageFigures> tenant : new TreeMap<>(day.getValue()).entrySet()) {
        if (!tenants.test(tenant.getKey())) {
          continue;
        }
        rows.add(new Row(day.getKey(), tenant.getKey(), tenant.getValue(), cost(tenant.getValue(), prices)));
        sums.merge(tenant.getKey(), tenant.getValue(), UsageFigures::plus);
      }
    }
    List<Row> totals = new ArrayList<>();
    sums.forEach((tenant, figures) -> totals.add(new Row(null, tenant, figures, cost(figures, prices))));
    return new UsageReport(from, to, prices.currency(), rows, totals);
  }

  public static Cost cost(UsageFigures figures, PriceSheet prices) {
    BigDecimal ingested = gigabytes(figures.bytesIngested()).multiply(prices.ingestedPerGb(), PRECISION);
    BigDecimal stored = gigabytes(figures.storedByteHours())
        .divide(BigDecimal.valueOf(PriceSheet.HOURS_PER_MONTH), PRECISION)
        .multiply(prices.storedPerGbMonth(), PRECISION);
    BigDecimal scanned = gigabytes(figures.bytesScanned()).multiply(prices.scannedPerGb(), PRECISION);
    BigDecimal thousand = BigDecimal.valueOf(1000);
    BigDecimal requests = BigDecimal.valueOf(figures.writeRequests()).divide(thousand, PRECISION).multiply(prices.writeRequestsPer1000(), PRECISION)
        .add(BigDecimal.valueOf(figures.readRequests()).divide(thousand, PRECISION).multiply(prices.readRequestsPer1000(), PRECISION));
    BigDecimal total = ingested.add(stored).add(scanned).add(requests);
    return new Cost(round(ingested), round(stored), round(scanned), round(requests), round(total));
  }

  private static BigDecimal gigabytes(long bytes) {
    return BigDecimal.valueOf(bytes).divide(PriceSheet.BYTES_PER_GB, PRECISION);
  }

  private static BigDecimal round(BigDecimal amount) {
    return amount.setScale(COST_SCALE, RoundingMode.HALF_EVEN);
  }
}

package dev.tonari.tenancy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.config.PriceSheet;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageReportTest {
  private static final PriceSheet PRICES = new PriceSheet("EUR", new BigDecimal("0.50"), new BigDecimal("0.02"), new BigDecimal("0.005"));
  private static final LocalDate D1 = LocalDate.parse("2025-03-01");
  private static final LocalDate D2 = LocalDate.parse("2025-03-02");

  @Test
  void pricingMath() {
    // 2 GB ingested, 10 GB stored for a whole 730-hour month, 100 GB scanned.
    UsageFigures figures = new UsageFigures(1000, 2_000_000_000L, 10_000_000_000L * 730, 10_000_000_000L, 100_000_000_000L, 7, 0);
    UsageReport.Cost cost = UsageReport.cost(figures, PRICES);
    assertThat(cost.ingested()).isEqualByComparingTo("1.00");
    assertThat(cost.stored()).isEqualByComparingTo("0.20");
    assertThat(cost.scanned()).isEqualByComparingTo("0.50");
    assertThat(cost.total()).isEqualByComparingTo("1.70");
    // One GB stored for one hour: 0.02 / 730 = 0.0000273972... -> 0.000027 at 6 places.
    assertThat(UsageReport.cost(new UsageFigures(0, 0, 1_000_000_000L, 0, 0, 0, 0), PRICES).stored()).isEqualTo(new BigDecimal("0.000027"));
    assertThat(UsageReport.cost(figures, PriceSheet.free()).total()).isEqualByComparingTo("0");
  }

  private static UsageReport sample() {
    Map<LocalDate, Map<String, UsageFigures>> usage = Map.of(
        D1, Map.of("team-a", new UsageFigures(10, 1_000_000_000L, 0, 500_000_000L, 0, 2, 0),
            "team-b", new UsageFigures(1, 100, 0, 0, 0, 0, 4)),
        D2, Map.of("team-a", new UsageFigures(5, 1_000_000_000L, 730_000_000_000L, 600_000_000L, 2_000_000_000L, 3, 1)),
        LocalDate.parse("2025-03-05"), Map.of("team-a", new UsageFigures(99, 99, 0, 0, 0, 0, 0)));
    return UsageReport.build(usage, D1, D2, tenant -> true, PRICES);
  }

  @Test
  void rangeTenantFilterAndTotals() {
    UsageReport report = sample();
    assertThat(report.rows()).extracting(row -> row.day() + "/" + row.tenant()).containsExactly("2025-03-01/team-a", "2025-03-01/team-b", "2025-03-02/team-a");
    assertThat(report.totals()).hasSize(2);
    UsageReport.Row teamA = report.totals().get(0);
    assertThat(teamA.figures()).isEqualTo(new UsageFigures(15, 2_000_000_000L, 730_000_000_000L, 600_000_000L, 2_000_000_000L, 5, 1));
    assertThat(teamA.cost().total()).isEqualByComparingTo("1.03");

    UsageReport onlyB = UsageReport.build(Map.of(D1, Map.of("team-a", UsageFigures.ZERO, "team-b", UsageFigures.ZERO)), D1, D1, "team-b"::equals, PRICES);
    assertThat(onlyB.rows()).extracting(UsageReport.Row::tenant).containsExactly("team-b");
  }

  @Test
  void csvJsonAndTable() {
    UsageReport report = sample();
    assertThat(UsageRenderers.csv(report)).isEqualTo(
        "day,tenant,entries_ingested,bytes_ingested,bytes_stored,gb_hours_stored,bytes_scanned,queries,entries_refused,cost_ingested,cost_stored,cost_scanned,cost_total,currency\r\n"
            + "2025-03-01,team-a,10,1000000000,500000000,0,0,2,0,0.500000,0.000000,0.000000,0.500000,EUR\r\n"
            + "2025-03-01,team-b,1,100,0,0,0,0,4,0.000000,0.000000,0.000000,0.000000,EUR\r\n"
            + "2025-03-02,team-a,5,1000000000,600000000,730,2000000000,3,1,0.500000,0.020000,0.010000,0.530000,EUR\r\n");
    String json = UsageRenderers.json(report);
    assertThat(json).contains("\"currency\" : \"EUR\"").contains("\"total\" : 0.530000").contains("\"totals\"");
    assertThat(UsageRenderers.table(report, false)).isEqualTo(
        "DAY         TENANT  ENTRIES  INGESTED    STORED  SCANNED  QUERIES  REFUSED  COST EUR\n"
            + "2025-03-01  team-a       10    1.0 GB  500.0 MB      0 B        2        0      0.50\n"
            + "2025-03-01  team-b        1     100 B       0 B      0 B        0        4      0.00\n"
            + "2025-03-02  team-a        5    1.0 GB  600.0 MB   2.0 GB        3        1      0.53\n"
            + "------------------------------------------------------------------------------------\n"
            + "total       team-a       15    2.0 GB  600.0 MB   2.0 GB        5        1      1.03\n"
            + "total       team-b        1     100 B       0 B      0 B        0        4      0.00\n");
    assertThat(UsageRenderers.money(new BigDecimal("0.000027"))).isEqualTo("0.0000");
    assertThat(UsageRenderers.money(new BigDecimal("0.004"))).isEqualTo("0.0040");
    assertThat(UsageRenderers.table(report, true)).startsWith("\u001b[1mDAY").contains("\u001b[2m---");
  }
}

package dev.tonari.tenancy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.MutableClock;
import dev.tonari.tenancy.config.PriceSheet;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Object-store requests (S3) in usage: metered per tenant and day, kept across restarts, priced per 1000. */
class ObjectRequestPricingTest {
  @Test
  void requestsArePricedPerThousandByKind() {
    PriceSheet s3 = new PriceSheet("USD", BigDecimal.ZERO, new BigDecimal("0.023"), BigDecimal.ZERO, new BigDecimal("0.005"), new BigDecimal("0.0004"));
    // 20,000 PUT/LIST and 1,000,000 GET: 20 * 0.005 + 1000 * 0.0004 = 0.10 + 0.40.
    UsageFigures figures = new UsageFigures(0, 0, 0, 0, 0, 0, 0, 20_000, 1_000_000);
    UsageReport.Cost cost = UsageReport.cost(figures, s3);
    assertThat(cost.requests()).isEqualByComparingTo("0.50");
    assertThat(cost.total()).isEqualByComparingTo("0.50");
    // One GB kept a month at S3's standard price.
    assertThat(UsageReport.cost(new UsageFigures(0, 0, 730_000_000_000L, 0, 0, 0, 0), s3).stored()).isEqualByComparingTo("0.023");
    assertThat(UsageReport.cost(figures, PriceSheet.free()).requests()).isEqualByComparingTo("0");
    assertThat(figures.plus(figures)).isEqualTo(new UsageFigures(0, 0, 0, 0, 0, 0, 0, 40_000, 2_000_000));
  }

  @Test
  void requestsAreMeteredPerTenantAndSurviveARestart(@TempDir Path dataDir) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-02-01T10:00:00Z"));
    try (UsageMeter meter = UsageMeter.open(dataDir, clock, Map::of)) {
      meter.recordObjectRequest("team-a", true);
      meter.recordObjectRequest("team-a", false);
      meter.recordObjectRequest("team-a", false);
      meter.recordObjectRequest("team-b", true);
    }
    try (UsageMeter reopened = UsageMeter.open(dataDir, clock, Map::of)) {
      Map<String, UsageFigures> day = reopened.snapshot(LocalDate.parse("2026-02-01"), LocalDate.parse("2026-02-01")).get(LocalDate.parse("2026-02-01"));
      assertThat(day.get("team-a").writeRequests()).isEqualTo(1);
      assertThat(day.get("team-a").readRequests()).isEqualTo(2);
      assertThat(day.get("team-b").writeRequests()).isEqualTo(1);
      String json = UsageRenderers.json(UsageReport.build(Map.of(LocalDate.parse("2026-02-01"), day), LocalDate.parse("2026-02-01"),
          LocalDate.parse("2026-02-01"), t -> true, PriceSheet.free()));
      assertThat(json).contains("\"write_requests\" : 1").contains("\"read_requests\" : 2").contains("\"requests\" : ");
    }
  }
}

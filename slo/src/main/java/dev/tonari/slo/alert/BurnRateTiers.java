package dev.tonari.slo.alert;

import dev.tonari.slo.model.BurnRateTier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The multi-window multi-burn-rate tiers of the SRE workbook, as Sloth generates them, scaled to
 * any SLO period: each tier spends a share of the whole budget within its long window, so its
 * factor is {@code share x period / longWindow}. For 30 days that gives Sloth's and the workbook's
 * 14.4 (1h/5m), 6 (6h/30m), 3 (1d/2h) and 1 (3d/6h); for 28 days Sloth's 13.44, 5.6, 2.8, 0.93.
 */
public final class BurnRateTiers {
  /** Share of the budget each default tier spends within its long window. */
  public static final double PAGE_QUICK_SHARE = 0.02;
  public static final double PAGE_SLOW_SHARE = 0.05;
  public static final double TICKET_QUICK_SHARE = 0.10;
  public static final double TICKET_SLOW_SHARE = 0.10;

  private BurnRateTiers() {}

  /** The burn-rate factor that spends {@code share} of a {@code period} budget within {@code longWindow}. */
  public static double factor(double share, Duration period, Duration longWindow) {
    return share * period.toSeconds() / (double) longWindow.toSeconds();
  }

  /**
   * Sloth's four default tiers for a period: two page tiers (1h/5m, 6h/30m) and two ticket tiers
   * (1d/2h, 3d/6h), each labelled {@code sloth_severity} page or ticket. A disabled alert kind
   * ({@code page_alert.disable} or {@code ticket_alert.disable}) leaves its tiers out.
   */
  public static List<BurnRateTier> sloth(Duration period, boolean pageEnabled, Map<String, String> pageLabels,
      Map<String, String> pageAnnotations, boolean ticketEnabled, Map<String, String> ticketLabels, Map<String, String> ticketAnnotations) {
    List<BurnRateTier> tiers = new ArrayList<>(4);
    if (pageEnabled) {
      tiers.add(tier("page-1h", "page", Duration.ofHours(1), Duration.ofMinutes(5), factor(PAGE_QUICK_SHARE, period, Duration.ofHours(1)),
          pageLabels, pageAnnotations));
      tiers.add(tier("page-6h", "page", Duration.ofHours(6), Duration.ofMinutes(30), factor(PAGE_SLOW_SHARE, period, Duration.ofHours(6)),
          pageLabels, pageAnnotations));
    }
    if (ticketEnabled) {
      tiers.add(tier("ticket-1d", "ticket", Duration.ofDays(1), Duration.ofHours(2), factor(TICKET_QUICK_SHARE, period, Duration.ofDays(1)),
          ticketLabels, ticketAnnotations));
      tiers.add(tier("ticket-3d", "ticket", Duration.ofDays(3), Duration.ofHours(6), factor(TICKET_SLOW_SHARE, period, Duration.ofDays(3)),
          ticketLabels, ticketAnnotations));
    }
    return tiers;
  }

  /** Sloth's defaults with both kinds enabled and no extra labels. */
  public static List<BurnRateTier> sloth(Duration period) {
    return sloth(period, true, Map.of(), Map.of(), true, Map.of(), Map.of());
  }

  private static BurnRateTier tier(String name, String severity, Duration longWindow, Duration shortWindow, double factor,
      Map<String, String> labels, Map<String, String> annotations) {
    return new BurnRateTier(name, severity, longWindow, shortWindow, factor, Duration.ZERO, labels, annotations);
  }
}

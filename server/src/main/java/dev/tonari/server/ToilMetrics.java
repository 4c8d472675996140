package dev.tonari.server;

import dev.tonari.alerts.history.AlertHistory;
import dev.tonari.alerts.toil.DurationSummary;
import dev.tonari.alerts.toil.ToilFigures;
import dev.tonari.alerts.toil.ToilReport;
import dev.tonari.alerts.toil.ToilReports;
import dev.tonari.alerts.toil.ToilSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The toil figures of the current ISO week (Monday 00:00 in each team's time zone until now) on
 * {@code /metrics}, per tenant, as plain gauges that start again from zero each Monday:
 * {@code tonari_toil_pages}, {@code tonari_toil_tickets}, {@code tonari_toil_pages_outside_working_hours},
 * {@code tonari_toil_flapping_episodes}, {@code tonari_toil_noise_episodes}, {@code
 * tonari_toil_acknowledged_episodes}, and {@code tonari_toil_time_to_acknowledge_seconds} and
 * {@code tonari_toil_time_to_resolve_seconds} with {@code quantile} 0.5 and 0.9 (absent while there
 * is nothing to measure). Also the history's own {@code tonari_alert_history_open_episodes},
 * {@code tonari_alert_history_transitions_written_total} and {@code
 * tonari_alert_history_write_failures_total}.
 *
 * <p>The reports read the week's history files, so they are computed at most once a {@link
 * #REFRESH} and shared by all gauges of a scrape.
 */
final class ToilMetrics {
  private static final Logger log = LoggerFactory.getLogger(ToilMetrics.class);
  static final Duration REFRESH = Duration.ofMinutes(1);

  private final ToilReports toil;
  private final Clock clock;
  private Instant computedAt;
  private Map<String, ToilReport> reports = Map.of();

  private ToilMetrics(ToilReports toil, Clock clock) {
    this.toil = toil;
    this.clock = clock;
  }

  static void register(ServerMetrics metrics, ToilReports toil, Clock clock) {
    ToilMetrics gauges = new ToilMetrics(toil, clock);
    gauges.figure(metrics, "tonari_toil_pages", "Pages (fired alerts of severity page or critical) in the current ISO week.", ToilFigures::pages);
    gauges.figure(metrics, "tonari_toil_tickets", "Tickets (fired alerts of severity ticket, warning or info) in the current ISO week.",
        ToilFigures::tickets);
    gauges.figure(metrics, "tonari_toil_pages_outside_working_hours", "Pages in the current ISO week that fired outside the team's working hours.",
        ToilFigures::pagesOutsideWorkingHours);
    gauges.figure(metrics, "tonari_toil_flapping_episodes",
        "Alerts in the current ISO week that fired again within the team's flapping window of resolving.", ToilFigures::flapping);
    gauges.figure(metrics, "tonari_toil_noise_episodes",
        "Alerts in the current ISO week that resolved with no acknowledgement within the team's noise_ack_within.", ToilFigures::noise);
    gauges.figure(metrics, "tonari_toil_acknowledged_episodes", "Fired alerts of the current ISO week that were acknowledged.",
        ToilFigures::acknowledged);
    gauges.quantiles(metrics, "tonari_toil_time_to_acknowledge_seconds", "Time from firing to acknowledgement, alerts of the current ISO week.",
        ToilFigures::timeToAcknowledge);
    gauges.quantiles(metrics, "tonari_toil_time_to_resolve_seconds", "Time from firing to resolution, alerts of the current ISO week.",
        ToilFigures::timeToResolve);
    AlertHistory history = toil.history();
    metrics.registerGaugePerTenant("tonari_alert_history_open_episodes", "Alert episodes pending or firing, per tenant.", () -> {
      Map<String, Long> open = new LinkedHashMap<>();
      for (String tenant : history.tenants()) {
        open.put(tenant, (long) history.openEpisodes(tenant).size());
      }
      return open;
    });
    metrics.registerCounter("tonari_alert_history_transitions_written", "Alert state changes written to the history.", history::transitionsWritten);
    metrics.registerCounter("tonari_alert_history_write_failures", "Batches of alert state changes the history could not write (see the log).",
        history::writeFailures);
  }

  private void figure(ServerMetrics metrics, String name, String help, Function<ToilFigures, Integer> figure) {
    metrics.registerLabelledGauge(name, help, List.of("tenant"), () -> {
      Map<List<String>, Double> values = new LinkedHashMap<>();
      current().forEach((tenant, report) -> values.put(List.of(tenant), (double) figure.apply(report.total())));
      return values;
    });
  }

  private void quantiles(ServerMetrics metrics, String name, String help, Function<ToilFigures, DurationSummary> summary) {
    metrics.registerLabelledGauge(name, help, List.of("tenant", "quantile"), () -> {
      Map<List<String>, Double> values = new LinkedHashMap<>();
      current().forEach((tenant, report) -> {
        DurationSummary durations = summary.apply(report.total());
        put(values, tenant, "0.5", durations.median());
        put(values, tenant, "0.9", durations.p90());
      });
      return values;
    });
  }

  private static void put(Map<List<String>, Double> values, String tenant, String quantile, Optional<Duration> duration) {
    duration.ifPresent(value -> values.put(List.of(tenant, quantile), value.toNanos() / 1e9));
  }

  /** Each tenant's report of the current week, computed again when older than {@link #REFRESH}. */
  private synchronized Map<String, ToilReport> current() {
    Instant now = clock.instant();
    if (computedAt != null && Duration.between(computedAt, now).compareTo(REFRESH) < 0 && !now.isBefore(computedAt)) {
      return reports;
    }
    Map<String, ToilReport> fresh = new LinkedHashMap<>();
    for (String tenant : toil.history().tenants()) {
      ToilSettings settings = toil.settingsFor(tenant).settings();
      LocalDate monday = LocalDate.ofInstant(now, settings.timeZone()).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      Instant weekStart = monday.atStartOfDay(settings.timeZone()).toInstant();
      try {
        fresh.put(tenant, toil.report(tenant, weekStart, now, 0));
      } catch (IOException e) {
        log.warn("toil metrics of tenant {}: cannot read the alert history", tenant, e);
      }
    }
    reports = fresh;
    computedAt = now;
    return reports;
  }
}

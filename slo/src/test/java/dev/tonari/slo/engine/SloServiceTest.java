package dev.tonari.slo.engine;

import dev.tonari.tenancy.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tonari.query.QueryLimits;
import dev.tonari.slo.report.WeeklyReport;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.slo.source.SliSource;
import dev.tonari.slo.source.SliUnavailableException;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO engine end to end over real parts: log lines in an {@link InMemoryLogStore} read by the
 * real LogQL source, specs applied as YAML bodies, rollups in a {@link FileRollupStore} on disk,
 * evaluation driven by a clock the test moves. Every expected figure is worked out by hand in the
 * test from the lines it pushed.
 *
 * <p>The traffic of most tests ({@link #burstTraffic}): from 10:00 one hour of 100 requests a
 * minute without error, then one hour of 200 a minute of which 3 fail (1.5 %: a burn rate of 15
 * against a 99.9 % objective, over the page tier's 14.4).
 */
class SloServiceTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE_NANOS = 60 * SECOND;
  /** 2024-05-01T10:00Z (a Wednesday) as an epoch minute: minute 0 of the tests' traffic. */
  private static final long BASE = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() / 60;
  private static final long DAY = 1440;
  private static final Labels API = Labels.of("app", "api", "pod", "a");
  private static final String ID = "api-availability";
  private static final String ERRORS = "sum(count_over_time({app=\"api\"} | logfmt | status >= 500 [{{.window}}]))";
  private static final String ALL = "sum(count_over_time({app=\"api\"} [{{.window}}]))";

  @TempDir Path dataDir;
  private final InMemoryLogStore logs = new InMemoryLogStore();
  private final RecordingSource source = new RecordingSource(new LogQlSliSource(logs, QueryLimits.defaults()));
  private final MutableClock clock = new MutableClock(at(120).plusSeconds(30));
  private final List<SloService> opened = new ArrayList<>();

  @AfterEach
  void closeServices() {
    opened.forEach(SloService::close);
  }

  private static Instant at(long minute) {
    return Instant.ofEpochSecond((BASE + minute) * 60);
  }

  private SloService open(SloSettings settings) throws IOException {
    SloService service = new SloService(settings, dataDir, source, new FileRollupStore(dataDir.resolve("slo").resolve("rollups")),
        new SloDataSources(), clock);
    opened.add(service);
    return service;
  }

  private SloService open() throws IOException {
    return open(SloSettings.defaults());
  }

  /** Pushes {@code total} logfmt requests spread over the minute, the first {@code errors} of them with status 500. */
  private void requests(Labels stream, long minute, int total, int errors) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long nanos = (BASE + minute) * MINUTE_NANOS + i * (MINUTE_NANOS / total);
      entries.add(new LogEntry(nanos, "level=info status=" + (i < errors ? 500 : 200) + " path=/orders request=" + i));
    }
    logs.append(TENANT, List.of(new StreamBatch(stream, entries)));
  }

  /** 10:00-11:00 100 requests a minute, all good; 11:00-12:00 200 a minute, 3 of them 500. */
  private void burstTraffic() {
    for (long minute = 0; minute < 60; minute++) {
      requests(API, minute, 100, 0);
    }
    for (long minute = 60; minute < 120; minute++) {
      requests(API, minute, 200, 3);
    }
  }

  static String sloth(String objective, String totalQuery) {
    return """
        version: "prometheus/v1"
        service: "api"
        labels:
          owner: "team-a"
        slos:
          - name: "availability"
            objective: %s
            description: "Requests answered without a 5xx."
            sli:
              events:
                error_query: %s
                total_query: %s
            alerting:
              name: ApiAvailability
              page_alert:
                labels:
                  severity: critical
              ticket_alert:
                labels:
                  severity: warning
        """.formatted(objective, ERRORS, totalQuery);
  }

  private static void assertApplied(ApplyOutcome outcome, List<String> created, List<String> replaced) {
    assertThat(outcome).isEqualTo(new ApplyOutcome.Applied(created, replaced));
  }

  private static SloView.Condition condition(SloView.Figures figures, String name) {
    return figures.conditions().stream().filter(condition -> condition.name().equals(name)).findFirst().orElseThrow();
  }

  private SloView view(SloService service, String id) {
    return service.get(TENANT, id).orElseThrow(() -> new AssertionError("no SLO " + id));
  }

  @Test
  void figuresOfABurstAreTheHandComputedOnesAndThePageResolvesAfterIt() throws Exception {
    burstTraffic();
    SloService service = open();
    assertApplied(service.apply(TENANT, sloth("99.9", ALL), "body"), List.of(ID), List.of());

    service.evaluateAllNow();

    SloView view = view(service, ID);
    SloView.Figures figures = view.overall();
    // 30-day window ending at 12:00: 6,000 + 12,000 requests, 60 x 3 = 180 of them bad.
    assertThat(figures.windowStart()).isEqualTo(at(120 - 30 * DAY));
    assertThat(figures.windowEnd()).isEqualTo(at(120));
    assertThat(figures.totalEvents()).isEqualTo(18_000);
    assertThat(figures.badEvents()).isEqualTo(180);
    assertThat(figures.goodEvents()).isEqualTo(17_820);
    assertThat(figures.eventUnit()).isEqualTo("events");
    assertThat(figures.sli().getAsDouble()).isCloseTo(0.99, within(1e-12));
    // Budget 0.1 % of 18,000 = 18 bad requests; 180 spent it ten times over.
    assertThat(figures.consumed().getAsDouble()).isCloseTo(10, within(1e-9));
    assertThat(figures.remaining().getAsDouble()).isCloseTo(-9, within(1e-9));
    assertThat(figures.timeToExhaustion()).contains(Duration.ZERO);
    // 5m and 1h lie in the burst (1.5 % / 0.1 % = 15); 2h and the period hold both hours (1 %: 10).
    assertThat(figures.burnRateByWindow().get("5m").getAsDouble()).isCloseTo(15, within(1e-9));
    assertThat(figures.burnRateByWindow().get("1h").getAsDouble()).isCloseTo(15, within(1e-9));
    assertThat(figures.burnRateByWindow().get("2h").getAsDouble()).isCloseTo(10, within(1e-9));
    assertThat(figures.burnRateByWindow().get("period").getAsDouble()).isCloseTo(10, within(1e-9));
    assertThat(figures.errorRatioByWindow().get("1h").getAsDouble()).isCloseTo(0.015, within(1e-12));
    assertThat(figures.periodBurnRate().getAsDouble()).isCloseTo(10, within(1e-9));
    // Exhausted from the first point of the policy's 5-minute grid after the first error (11:05): at 11:00 nothing was bad yet.
    assertThat(figures.policy().state()).isEqualTo("exhausted");
    assertThat(figures.policy().since()).contains(at(65));
    // Every tier holds at 12:00: page 1h/5m at 15 >= 14.4, page 6h/30m at 10 and 15 >= 6, tickets at 10 >= 3 and >= 1.
    SloView.Condition page = condition(figures, "page-1h");
    assertThat(page.severity()).isEqualTo("page");
    assertThat(page.state()).isEqualTo("firing");
    assertThat(page.since()).contains(at(120));
    assertThat(page.factor()).isCloseTo(14.4, within(1e-9));
    assertThat(page.longBurnRate().getAsDouble()).isCloseTo(15, within(1e-9));
    assertThat(page.shortBurnRate().getAsDouble()).isCloseTo(15, within(1e-9));
    assertThat(figures.conditions()).extracting(SloView.Condition::state).containsExactly("firing", "firing", "firing", "firing");
    // The first step replays the last day on a 5-minute grid: the 1h/5m page first holds at 12:00 (55.4 burst minutes
    // make 1.44 % of the hour), the 6h/30m page at 11:20 or 11:25 (20 burst minutes make its 6h burn 6, to the last bit).
    Instant slowPageSince = condition(figures, "page-6h").since().orElseThrow();
    assertThat(slowPageSince).isBetween(at(80), at(85));
    assertThat(view.evaluation()).isEqualTo(new SloView.Evaluation(Optional.of(clock.instant()), 1, Optional.empty()));

    // Ten good minutes later the 5-minute window is clean: the fast page resolves, the slow one (30m at 1 %) still fires.
    for (long minute = 120; minute < 130; minute++) {
      requests(API, minute, 200, 0);
    }
    clock.set(at(130).plusSeconds(30));
    source.clear();
    service.evaluateAllNow();

    // Only the new minutes, and the five before them again for late lines.
    assertThat(source.calls(ID)).containsExactly(new RecordingSource.Call(TENANT, ID, BASE + 115, BASE + 130));
    SloView.Figures after = view(service, ID).overall();
    assertThat(after.totalEvents()).isEqualTo(20_000);
    assertThat(after.badEvents()).isEqualTo(180);
    assertThat(after.consumed().getAsDouble()).isCloseTo(9, within(1e-9));
    SloView.Condition resolved = condition(after, "page-1h");
    assertThat(resolved.state()).isEqualTo("inactive");
    assertThat(resolved.since()).contains(at(130));
    assertThat(resolved.shortBurnRate().getAsDouble()).isZero();
    // 11:10-12:10: 50 burst minutes of 3 bad in 12,000 requests = 1.25 %.
    assertThat(resolved.longBurnRate().getAsDouble()).isCloseTo(12.5, within(1e-9));
    SloView.Condition slowPage = condition(after, "page-6h");
    assertThat(slowPage.state()).isEqualTo("firing");
    assertThat(slowPage.since()).contains(slowPageSince);
    assertThat(slowPage.shortBurnRate().getAsDouble()).isCloseTo(10, within(1e-9));
  }

  @Test
  void anSloAppliedAfterItsDataRebuildsItsHistoryNewestFirst() throws Exception {
    burstTraffic();
    // 40 days back (2024-03-22, ISO week 2024-W12): 10 minutes of 6 requests, one failing; 80 days back (2024-02-11, 2024-W06), beyond the history kept.
    for (long minute = 0; minute < 10; minute++) {
      requests(API, -40 * DAY + minute, 6, 1);
      requests(API, -80 * DAY + minute, 6, 1);
    }
    SloService service = open();
    service.apply(TENANT, sloth("99.9", ALL), "body");
    assertThat(view(service, ID).evaluation().backfillProgress()).isZero();

    service.evaluateAllNow();

    long now = BASE + 120;
    long history = 2 * 30 * DAY + 18 * DAY;
    List<RecordingSource.Call> calls = source.calls(ID);
    // Chunks of 7 days from now back to 78 days ago, each ending where the previous began; then the last minutes again.
    assertThat(calls.getFirst()).isEqualTo(new RecordingSource.Call(TENANT, ID, now - 7 * DAY, now));
    for (int i = 1; i < calls.size() - 1; i++) {
      assertThat(calls.get(i).toMinute()).as("call %d", i).isEqualTo(calls.get(i - 1).fromMinute());
    }
    assertThat(calls.get(calls.size() - 2).fromMinute()).isEqualTo(now - history);
    assertThat(calls.getLast()).isEqualTo(new RecordingSource.Call(TENANT, ID, now - 5, now));
    SloView view = view(service, ID);
    assertThat(view.evaluation().backfillProgress()).isEqualTo(1);
    assertThat(view.overall().totalEvents()).isEqualTo(18_000);

    // The history reaches the week 40 days back, not the one 80 days back (its lines exist, but lie beyond 2 x 30 + 18 days).
    WeeklyReport.Entry week12 = service.report(TENANT, Optional.empty(), LocalDate.parse("2024-03-18")).slos().getFirst();
    assertThat(week12.totalEvents()).isEqualTo(60);
    assertThat(week12.badEvents()).isEqualTo(10);
    assertThat(week12.sliOfWeek().getAsDouble()).isCloseTo(50 / 60.0, within(1e-12));
    WeeklyReport.Entry week08 = service.report(TENANT, Optional.empty(), LocalDate.parse("2024-02-05")).slos().getFirst();
    assertThat(week08.totalEvents()).isZero();
    assertThat(week08.sliOfWeek()).isEmpty();
  }

  @Test
  void aRestartKeepsTheFiguresAndResumesFromItsProgressWithoutABackfill() throws Exception {
    burstTraffic();
    SloService first = open();
    first.apply(TENANT, sloth("99.9", ALL), "body");
    first.evaluateAllNow();
    SloView before = view(first, ID);
    first.close();
    opened.remove(first);
    source.clear();

    SloService second = open();

    SloView reopened = view(second, ID);
    assertThat(reopened.spec()).isEqualTo(before.spec());
    assertThat(reopened.evaluation().backfillProgress()).isEqualTo(1);
    assertThat(withoutConditions(reopened.overall())).isEqualTo(withoutConditions(before.overall()));
    assertThat(source.calls(ID)).isEmpty();

    for (long minute = 120; minute < 122; minute++) {
      requests(API, minute, 200, 3);
    }
    clock.set(at(122).plusSeconds(5));
    second.evaluateAllNow();

    // The first round after a restart reads the last hour again (rollup writes are not fsynced); then 5 minutes.
    assertThat(source.calls(ID)).containsExactly(new RecordingSource.Call(TENANT, ID, BASE + 60, BASE + 122));
    source.clear();
    clock.set(at(123).plusSeconds(5));
    second.evaluateAllNow();
    assertThat(source.calls(ID)).containsExactly(new RecordingSource.Call(TENANT, ID, BASE + 117, BASE + 123));
    SloView.Figures figures = view(second, ID).overall();
    assertThat(figures.totalEvents()).isEqualTo(18_400);
    assertThat(figures.badEvents()).isEqualTo(186);
    // The conditions were rebuilt from the rollups: still firing since 12:00, not since the restart.
    assertThat(condition(figures, "page-1h").state()).isEqualTo("firing");
    assertThat(condition(figures, "page-1h").since()).isEqualTo(condition(before.overall(), "page-1h").since()).contains(at(120));
    assertThat(condition(figures, "page-6h").since()).isEqualTo(condition(before.overall(), "page-6h").since());
  }

  private static SloView.Figures withoutConditions(SloView.Figures figures) {
    return new SloView.Figures(figures.windowStart(), figures.windowEnd(), figures.sli(), figures.goodEvents(), figures.badEvents(),
        figures.totalEvents(), figures.eventUnit(), figures.consumed(), figures.remaining(), figures.errorRatioByWindow(),
        figures.burnRateByWindow(), figures.periodBurnRate(), figures.timeToExhaustion(), figures.policy(), List.of());
  }

  @Test
  void changingTheObjectiveKeepsTheRollupsButChangingAQueryRebuildsThem() throws Exception {
    burstTraffic();
    SloService service = open();
    service.apply(TENANT, sloth("99.9", ALL), "body");
    service.evaluateAllNow();
    source.clear();

    assertApplied(service.apply(TENANT, sloth("99.5", ALL), "body"), List.of(), List.of(ID));
    assertThat(view(service, ID).evaluation().backfillProgress()).isEqualTo(1);
    service.evaluateAllNow();

    assertThat(source.calls(ID)).containsExactly(new RecordingSource.Call(TENANT, ID, BASE + 115, BASE + 120));
    SloView.Figures relaxed = view(service, ID).overall();
    assertThat(relaxed.totalEvents()).isEqualTo(18_000);
    // 180 bad of a budget of 0.5 % of 18,000 = 90.
    assertThat(relaxed.consumed().getAsDouble()).isCloseTo(2, within(1e-9));
    source.clear();

    String sameCountOtherQuery = "sum(count_over_time({app=\"api\"} | logfmt [{{.window}}]))";
    assertApplied(service.apply(TENANT, sloth("99.5", sameCountOtherQuery), "body"), List.of(), List.of(ID));
    assertThat(view(service, ID).evaluation().backfillProgress()).isZero();
    service.evaluateAllNow();

    List<RecordingSource.Call> calls = source.calls(ID);
    assertThat(calls.getFirst()).isEqualTo(new RecordingSource.Call(TENANT, ID, BASE + 120 - 7 * DAY, BASE + 120));
    assertThat(calls.stream().mapToLong(RecordingSource.Call::fromMinute).min().getAsLong()).isEqualTo(BASE + 120 - 78 * DAY);
    assertThat(view(service, ID).overall().totalEvents()).isEqualTo(18_000);
    assertThat(view(service, ID).evaluation().backfillProgress()).isEqualTo(1);
  }

  static String openSlo(String window) {
    return """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: availability
        spec:
          service: web
          indicator:
            metadata:
              name: web-errors
            spec:
              ratioMetric:
                counter: true
                bad:
                  metricSource:
                    type: Loki
                    spec:
                      query: %s
                total:
                  metricSource:
                    type: Loki
                    spec:
                      query: %s
          timeWindow:
            - duration: %s
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: 0.99
        """.formatted(ERRORS, ALL, window);
  }

  @Test
  void aLongerWindowReadsTheOlderHistoryItNeeds() throws Exception {
    burstTraffic();
    // 35 days back: outside a 7-day SLO's history (2 x 7 + 18 = 32 days), inside a 60-day window.
    for (long minute = 0; minute < 10; minute++) {
      requests(API, -35 * DAY + minute, 10, 1);
    }
    SloService service = open();
    assertApplied(service.apply(TENANT, openSlo("7d"), "body"), List.of("web-availability"), List.of());
    service.evaluateAllNow();
    assertThat(view(service, "web-availability").overall().totalEvents()).isEqualTo(18_000);

    assertApplied(service.apply(TENANT, openSlo("60d"), "body"), List.of(), List.of("web-availability"));
    service.evaluateAllNow();

    SloView.Figures figures = view(service, "web-availability").overall();
    assertThat(figures.windowStart()).isEqualTo(at(120 - 60 * DAY));
    assertThat(figures.totalEvents()).isEqualTo(18_100);
    assertThat(figures.badEvents()).isEqualTo(190);
  }

  @Test
  void pruningDropsWhatNoSloNeedsAndALaterLongerWindowRebuildsInsteadOfReadingAHole() throws Exception {
    burstTraffic();
    for (long minute = 0; minute < 10; minute++) {
      requests(API, -35 * DAY + minute, 10, 1);
    }
    SloService service = open();
    assertApplied(service.apply(TENANT, openSlo("60d"), "body"), List.of("web-availability"), List.of());
    service.evaluateAllNow();
    assertThat(service.series(TENANT, "web-availability", Map.of(), -36 * DAY + BASE, -34 * DAY + BASE).totalArray())
        .as("the old minutes are in the rollups").contains(10.0);

    // A 7-day window needs 32 days of history: the prune point is a day before that.
    assertApplied(service.apply(TENANT, openSlo("7d"), "body"), List.of(), List.of("web-availability"));
    service.evaluateAllNow();
    assertThat(service.prune()).contains(120 + BASE - 32 * DAY - DAY);
    assertThat(service.series(TENANT, "web-availability", Map.of(), -36 * DAY + BASE, -34 * DAY + BASE).totalArray())
        .as("pruned").doesNotContain(10.0);
    assertThat(view(service, "web-availability").overall().totalEvents()).isEqualTo(18_000);

    // Back to 60 days: the rollups no longer reach back, so the history is rebuilt from the logs.
    assertApplied(service.apply(TENANT, openSlo("60d"), "body"), List.of(), List.of("web-availability"));
    assertThat(view(service, "web-availability").evaluation().backfillProgress()).isZero();
    service.evaluateAllNow();
    assertThat(view(service, "web-availability").overall().totalEvents()).isEqualTo(18_100);
  }

  @Test
  void figuresAreComputedOncePerMinuteAndEvaluationAndServedFromThenOn() throws Exception {
    burstTraffic();
    SloService service = open();
    service.apply(TENANT, sloth("99.9", ALL), "body");
    service.evaluateAllNow();
    SloView.Figures first = view(service, ID).overall();
    assertThat(view(service, ID).overall()).as("nothing changed: the same figures").isSameAs(first);
    assertThat(service.list(TENANT).getFirst().overall()).isSameAs(first);

    requests(API, 120, 100, 50);
    clock.set(at(121).plusSeconds(5));
    SloView.Figures nextMinute = view(service, ID).overall();
    assertThat(nextMinute).as("a new minute: computed again").isNotSameAs(first);
    assertThat(nextMinute.totalEvents()).as("not evaluated yet").isEqualTo(first.totalEvents());

    service.evaluateAllNow();
    SloView.Figures evaluated = view(service, ID).overall();
    assertThat(evaluated.totalEvents()).isEqualTo(first.totalEvents() + 100);
    assertThat(evaluated.badEvents()).isEqualTo(first.badEvents() + 50);
  }

  @Test
  void theWorstBurnOfTheCurrentWeekIncludesItsNewestHour() throws Exception {
    // Only the two newest complete minutes hold requests: 100 a minute, 10 failing. Now is 12:02,
    // off the 5-minute grid that starts an hour after the week's Monday 00:00.
    requests(API, 120, 100, 10);
    requests(API, 121, 100, 10);
    clock.set(at(122).plusSeconds(30));
    SloService service = open();
    service.apply(TENANT, sloth("99.9", ALL), "body");
    service.evaluateAllNow();
    WeeklyReport.Entry week = service.report(TENANT, Optional.empty(), LocalDate.parse("2024-04-29")).slos().getFirst();
    // 20 of 200 requests in the last hour failed: an error ratio of 0.1 over a budget of 0.001.
    assertThat(week.worstBurnRate().getAsDouble()).isCloseTo(100, within(1e-9));
    assertThat(week.worstBurnAt()).contains(at(122));
  }

  @Test
  void groupByGivesOneGroupPerPodAndTheSloIsTheirSum() throws Exception {
    Labels podA = Labels.of("app", "shop", "pod", "a");
    Labels podB = Labels.of("app", "shop", "pod", "b");
    for (long minute = 0; minute < 60; minute++) {
      requests(podA, minute, 20, 1);
      requests(podB, minute, 10, minute >= 30 && minute < 40 ? 5 : 0);
    }
    String body = """
        version: "prometheus/v1"
        service: "shop"
        slos:
          - name: "availability"
            objective: 99
            group_by: [pod]
            sli:
              events:
                error_query: sum(count_over_time({app="shop"} | logfmt | status >= 500 [{{.window}}]))
                total_query: sum(count_over_time({app="shop"} [{{.window}}]))
        """;
    SloService service = open();
    assertApplied(service.apply(TENANT, body, "body"), List.of("shop-availability"), List.of());

    service.evaluateAllNow();

    SloView view = view(service, "shop-availability");
    // Least budget left first: pod b spent 50 / (600 x 1 %) = 8.33 budgets, pod a 60 / (1,200 x 1 %) = 5.
    assertThat(view.groups()).extracting(SloView.GroupView::labels).containsExactly(Map.of("pod", "b"), Map.of("pod", "a"));
    SloView.Figures b = view.groups().get(0).figures();
    SloView.Figures a = view.groups().get(1).figures();
    assertThat(b.totalEvents()).isEqualTo(600);
    assertThat(b.badEvents()).isEqualTo(50);
    assertThat(b.consumed().getAsDouble()).isCloseTo(50 / 6.0, within(1e-9));
    assertThat(a.totalEvents()).isEqualTo(1_200);
    assertThat(a.badEvents()).isEqualTo(60);
    assertThat(a.consumed().getAsDouble()).isCloseTo(5, within(1e-9));
    assertThat(view.overall().totalEvents()).isEqualTo(a.totalEvents() + b.totalEvents());
    assertThat(view.overall().badEvents()).isEqualTo(a.badEvents() + b.badEvents());
    assertThat(view.overall().sli().getAsDouble()).isCloseTo(1 - 110 / 1800.0, within(1e-12));
    // Each group has its own conditions: Sloth's four tiers.
    assertThat(a.conditions()).hasSize(4);
    assertThat(b.conditions()).hasSize(4);
  }

  @Test
  void aFailingSourceMarksItsSloAndHoldsItsProgressWhileTheOthersGoOn() throws Exception {
    burstTraffic();
    String body = sloth("99.9", ALL).replace("slos:\n", """
        slos:
          - name: "latency"
            objective: 99
            sli:
              events:
                error_query: sum(count_over_time({app="api"} | logfmt | duration > 300ms [{{.window}}]))
                total_query: sum(count_over_time({app="api"} [{{.window}}]))
        """);
    SloService service = open();
    assertApplied(service.apply(TENANT, body, "body"), List.of("api-latency", ID), List.of());
    source.fail("api-latency");

    service.evaluateAllNow();

    SloView down = view(service, "api-latency");
    assertThat(down.evaluation().lastError()).hasValueSatisfying(error -> assertThat(error).contains("api-latency").contains("refused the connection"));
    assertThat(down.evaluation().lastEvaluation()).isEmpty();
    assertThat(down.evaluation().backfillProgress()).isLessThan(1);
    assertThat(down.overall().hasData()).isFalse();
    assertThat(down.overall().policy().state()).isEqualTo("no_data");
    SloView up = view(service, ID);
    assertThat(up.evaluation().lastError()).isEmpty();
    assertThat(up.overall().totalEvents()).isEqualTo(18_000);

    // Back up: evaluated at 12:00. Then down again for five minutes: the SLO stays at 12:00, the other moves on.
    source.recover("api-latency");
    service.evaluateAllNow();
    Instant evaluatedAt = clock.instant();
    assertThat(view(service, "api-latency").evaluation()).isEqualTo(new SloView.Evaluation(Optional.of(evaluatedAt), 1, Optional.empty()));
    source.fail("api-latency");
    clock.set(at(125).plusSeconds(30));
    service.evaluateAllNow();
    assertThat(view(service, "api-latency").evaluation().lastEvaluation()).contains(evaluatedAt);
    assertThat(view(service, "api-latency").evaluation().lastError()).isPresent();
    assertThat(view(service, ID).evaluation().lastEvaluation()).contains(clock.instant());

    source.recover("api-latency");
    clock.set(at(130).plusSeconds(30));
    source.clear();
    service.evaluateAllNow();

    // The whole gap since 12:00 (and the five minutes of lateness before it) in one go.
    assertThat(source.calls("api-latency")).containsExactly(new RecordingSource.Call(TENANT, "api-latency", BASE + 115, BASE + 130));
    assertThat(source.calls(ID)).containsExactly(new RecordingSource.Call(TENANT, ID, BASE + 120, BASE + 130));
    assertThat(view(service, "api-latency").evaluation().lastError()).isEmpty();
  }

  @Test
  void aRejectedApplyStoresNothingAndChangesNothing() throws Exception {
    SloService service = open();
    service.apply(TENANT, sloth("99.9", ALL), "body");
    // The valid SLO with a new objective, beside a new one whose objective is impossible: neither is applied.
    String body = sloth("99.5", ALL).replace("slos:\n", """
        slos:
          - name: "latency"
            objective: 120
            sli:
              events:
                error_query: sum(count_over_time({app="api"} | logfmt | duration > 300ms [{{.window}}]))
                total_query: sum(count_over_time({app="api"} [{{.window}}]))
        """);

    ApplyOutcome outcome = service.apply(TENANT, body, "body");

    assertThat(outcome).isInstanceOfSatisfying(ApplyOutcome.Rejected.class, rejected -> assertThat(rejected.problems())
        .extracting(ConfigProblem::format)
        .containsExactly("body:7:16: error: slos[0].objective: objective 120 is out of range: Sloth's objective is a percentage in (0, 100], e.g. 99.9"));
    assertThat(service.list(TENANT)).extracting(view -> view.spec().id()).containsExactly(ID);
    assertThat(view(service, ID).spec().target()).isEqualTo(0.999);
    assertThat(service.apply(TENANT, "version: \"prometheus/v1\"\nservice: api\n", "body")).isInstanceOf(ApplyOutcome.Rejected.class);
    assertThat(service.apply(TENANT, "# nothing\n", "body")).isInstanceOf(ApplyOutcome.Rejected.class);

    // Nor on disk: a restart reads the one accepted body.
    service.close();
    opened.remove(service);
    SloService reopened = open();
    assertThat(reopened.list(TENANT)).extracting(view -> view.spec().id()).containsExactly(ID);
    assertThat(view(reopened, ID).spec().target()).isEqualTo(0.999);
  }

  @Test
  void aSpecReplacedDuringItsBackfillNeverMixesWithItsSuccessorInTheRollups() throws Exception {
    burstTraffic();
    // The first spec counts no error (status >= 600); its backfill blocks in its first source call until released.
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean blockedOnce = new AtomicBoolean();
    SliSource logql = new LogQlSliSource(logs, QueryLimits.defaults());
    SliSource blocking = (tenant, spec, from, to) -> {
      if (spec.indicator().toString().contains("status >= 600") && blockedOnce.compareAndSet(false, true)) {
        entered.countDown();
        try {
          assertThat(release.await(20, TimeUnit.SECONDS)).as("released").isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SliUnavailableException("interrupted", e);
        }
      }
      return logql.evaluate(tenant, spec, from, to);
    };
    SloService service = new SloService(SloSettings.defaults(), dataDir, blocking, new FileRollupStore(dataDir.resolve("slo").resolve("rollups")),
        new SloDataSources(), clock);
    opened.add(service);
    service.apply(TENANT, sloth("99.9", ALL).replace("status >= 500", "status >= 600"), "body");
    Thread first = Thread.ofPlatform().start(service::evaluateAllNow);
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

    // Replaced while its backfill runs: the successor waits for it, and it stops without writing.
    service.apply(TENANT, sloth("99.9", ALL), "body");
    Thread second = Thread.ofPlatform().start(service::evaluateAllNow);
    // Room for the successor to run, which it must not before the first is released.
    assertThat(second.join(Duration.ofMillis(500))).as("the successor waits for the replaced spec's evaluation").isFalse();
    release.countDown();
    assertThat(first.join(Duration.ofSeconds(30))).isTrue();
    assertThat(second.join(Duration.ofSeconds(30))).isTrue();

    SloView.Figures figures = view(service, ID).overall();
    assertThat(figures.totalEvents()).isEqualTo(18_000);
    assertThat(figures.badEvents()).isEqualTo(180);
    // The stored fingerprint is the successor's: a restart keeps its rollups.
    service.close();
    opened.remove(service);
    SloService reopened = open();
    assertThat(view(reopened, ID).evaluation().backfillProgress()).isEqualTo(1);
    assertThat(view(reopened, ID).overall().badEvents()).isEqualTo(180);
  }

  @Test
  void deletingAnApiSloDropsItsRollupsAndAReapplyRebuildsThem() throws Exception {
    burstTraffic();
    SloService service = open();
    service.apply(TENANT, sloth("99.9", ALL), "body");
    service.evaluateAllNow();

    assertThat(service.delete(TENANT, ID)).isEqualTo(new DeleteOutcome.Deleted());
    assertThat(service.get(TENANT, ID)).isEmpty();
    assertThat(service.delete(TENANT, ID)).isEqualTo(new DeleteOutcome.NotFound());
    assertThat(service.delete("team-b", ID)).isEqualTo(new DeleteOutcome.NotFound());

    assertApplied(service.apply(TENANT, sloth("99.9", ALL), "body"), List.of(ID), List.of());
    assertThat(view(service, ID).evaluation().backfillProgress()).isZero();
    assertThat(view(service, ID).overall().hasData()).isFalse();
    service.evaluateAllNow();
    assertThat(view(service, ID).overall().totalEvents()).isEqualTo(18_000);
  }

  @Test
  void theSloDirectoryOwnsItsIdsAndAReloadKeepsTheLastGoodSet() throws Exception {
    Path directory = dataDir.resolve("slos");
    Path tenantDir = Files.createDirectories(directory.resolve(TENANT));
    Path apiFile = tenantDir.resolve("api.yaml");
    Files.writeString(apiFile, sloth("99.9", ALL));
    SloService service = open(SloSettings.defaults().withDirectory(directory));

    SloView fromFile = view(service, ID);
    assertThat(fromFile.spec().origin().file()).isEqualTo(apiFile.toString());
    assertThat(service.apply(TENANT, sloth("99.5", ALL), "body")).isInstanceOfSatisfying(ApplyOutcome.Conflict.class,
        conflict -> assertThat(conflict.message()).contains(ID).contains(apiFile.toString()).contains("nothing was applied"));
    assertThat(view(service, ID).spec().target()).isEqualTo(0.999);
    assertThat(service.delete(TENANT, ID)).isEqualTo(new DeleteOutcome.OwnedByFile(apiFile.toString()));

    // A new file is picked up.
    Files.writeString(tenantDir.resolve("web.yaml"), openSlo("7d"));
    service.reloadFilesSafely();
    assertThat(service.list(TENANT)).extracting(view -> view.spec().id()).containsExactlyInAnyOrder(ID, "web-availability");

    // A broken file keeps the set as it was; once fixed, the change goes through.
    Path broken = tenantDir.resolve("zz-broken.yaml");
    Files.writeString(broken, sloth("120", ALL).replace("service: \"api\"", "service: \"checkout\""));
    service.reloadFilesSafely();
    assertThat(service.list(TENANT)).extracting(view -> view.spec().id()).containsExactlyInAnyOrder(ID, "web-availability");
    Files.writeString(broken, sloth("99", ALL).replace("service: \"api\"", "service: \"checkout\""));
    service.reloadFilesSafely();
    assertThat(service.list(TENANT)).extracting(view -> view.spec().id())
        .containsExactlyInAnyOrder(ID, "web-availability", "checkout-availability");

    // A removed file takes its SLO with it.
    Files.delete(apiFile);
    service.reloadFilesSafely();
    assertThat(service.list(TENANT)).extracting(view -> view.spec().id()).containsExactlyInAnyOrder("web-availability", "checkout-availability");
  }
}

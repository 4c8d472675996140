package dev.tonari.slo.engine;

import dev.tonari.tenancy.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.budget.BudgetCalculator;
import dev.tonari.slo.budget.BudgetPolicy;
import dev.tonari.slo.budget.BudgetStatus;
import dev.tonari.slo.budget.PolicyState;
import dev.tonari.slo.budget.PolicyStatus;
import dev.tonari.slo.budget.WindowBounds;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.SloDurations;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.InMemoryRollupStore;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.source.SliSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine's plumbing against the budget maths: random per-minute events (per pod for a {@code
 * group_by} SLO) go through the engine's real path (a spec applied as YAML, backfill, incremental
 * evaluation in chunks, the rollups, the view), and every figure the API shows must equal {@link
 * BudgetCalculator#status} and {@link BudgetPolicy#evaluate} computed directly over the same events.
 * That guards what lies between the two: the sums of groups, minute alignment, the minutes read
 * for a window and its burn windows, and groups that fall silent. Windows are short (minutes to a
 * week, rolling or calendar days and weeks in zones with DST) so that the burn windows (up to 3
 * days) reach beyond the SLO window; data is sparse or dense, with gaps and incidents.
 */
class EngineFiguresPropertyTest {
  private static final String TENANT = "team-a";
  private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"};
  private static final double[] TARGETS = {0.9, 0.99, 0.999};
  private static final int[] SLICE_MINUTES = {1, 5, 7, 60};
  private static final double[] SLICE_TARGETS = {0.5, 0.9, 1.0};
  private static final List<String> PODS = List.of("a", "b", "c");
  /** 2024-03-29T00:00Z: the clocks run across Europe's change to summer time (2024-03-31). */
  private static final long BASE_MINUTE = Instant.parse("2024-03-29T00:00:00Z").getEpochSecond() / 60;

  /**
   * One random case: the SLO's YAML, the clock at the first evaluation and each later one, and
   * the events per group over {@code [dataFrom, dataFrom + length)} (total NaN: no data).
   */
  record Scenario(long seed, String yaml, String description, Instant first, List<Instant> later, long dataFrom,
      Map<Map<String, String>, double[][]> events) {
    @Override
    public String toString() {
      return "Scenario[seed=" + seed + ", " + description + ", first " + first + ", later " + later + "]";
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.longs().map(EngineFiguresPropertyTest::scenario);
  }

  static Scenario scenario(long seed) {
    Random random = new Random(seed);
    double target = TARGETS[random.nextInt(TARGETS.length)];
    String method = List.of("Occurrences", "Timeslices", "RatioTimeslices").get(random.nextInt(3));
    String zone = ZONES[random.nextInt(ZONES.length)];
    StringBuilder window = new StringBuilder();
    long windowMinutes;
    int kind = random.nextInt(4);
    if (kind < 2) {
      windowMinutes = kind == 0 ? 10 + random.nextInt(1500) : 1440L * (1 + random.nextInt(7));
      window.append("    - duration: ").append(windowMinutes).append("m\n      isRolling: true\n");
    } else {
      boolean days = kind == 2;
      int count = days ? 1 + random.nextInt(2) : 1;
      windowMinutes = days ? 1440L * count : 7 * 1440L;
      LocalDateTime start = LocalDateTime.ofEpochSecond((BASE_MINUTE - 1440L * random.nextInt(10)) * 60 + random.nextInt(86_400), 0, ZoneOffset.UTC);
      window.append("    - duration: ").append(count).append(days ? "d" : "w").append("\n      isRolling: false\n      calendar:\n")
          .append("        startTime: \"").append(start.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))).append("\"\n")
          .append("        timeZone: ").append(zone).append('\n');
    }
    boolean grouped = random.nextBoolean();
    StringBuilder yaml = new StringBuilder();
    yaml.append("""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: prop
        spec:
          service: svc
        """);
    if (grouped) {
      yaml.append("  group_by: [pod]\n");
    }
    yaml.append("""
          indicator:
            metadata:
              name: prop-errors
            spec:
              ratioMetric:
                counter: true
                bad:
                  metricSource:
                    type: Loki
                    spec:
                      query: sum(count_over_time({app="svc"} | logfmt | status >= 500 [{{.window}}]))
                total:
                  metricSource:
                    type: Loki
                    spec:
                      query: sum(count_over_time({app="svc"} [{{.window}}]))
          timeWindow:
        """);
    yaml.append(window);
    yaml.append("  budgetingMethod: ").append(method).append('\n');
    yaml.append("  objectives:\n    - target: ").append(target).append('\n');
    if (!method.equals("Occurrences")) {
      yaml.append("      timeSliceTarget: ").append(SLICE_TARGETS[random.nextInt(SLICE_TARGETS.length)]).append('\n');
      yaml.append("      timeSliceWindow: ").append(SLICE_MINUTES[random.nextInt(SLICE_MINUTES.length)]).append("m\n");
    }

    Instant first = Instant.ofEpochSecond(BASE_MINUTE * 60 + random.nextInt(4 * 86_400));
    List<Instant> later = new ArrayList<>();
    Instant clock = first;
    for (int i = random.nextInt(3); i > 0; i--) {
      clock = clock.plusSeconds(1 + random.nextInt(random.nextBoolean() ? 600 : 20_000));
      later.add(clock);
    }
    // Events over the whole history the engine keeps for the first evaluation, up to the last one.
    long history = 2 * windowMinutes + SloService.EXTRA_HISTORY.toMinutes();
    long dataFrom = WindowBounds.minuteOf(first) - history;
    int length = (int) (WindowBounds.minuteOf(clock) - dataFrom);
    Map<Map<String, String>, double[][]> events = new LinkedHashMap<>();
    List<Map<String, String>> groups = grouped ? PODS.subList(0, 1 + random.nextInt(PODS.size())).stream().map(pod -> Map.of("pod", pod)).toList()
        : List.of(Map.of());
    for (Map<String, String> group : groups) {
      events.put(group, events(random, length));
    }
    String description = (grouped ? groups.size() + " groups, " : "") + method + " target " + target + ", window " + window.toString().strip()
        .replaceAll("\\s+", " ");
    return new Scenario(seed, yaml.toString(), description, first, later, dataFrom, events);
  }

  /** One group's minutes: a density, long gaps, an incident or two, minutes with data but no event. */
  private static double[][] events(Random random, int length) {
    double[] bad = new double[length];
    double[] total = new double[length];
    java.util.Arrays.fill(total, Double.NaN);
    double density = List.of(0.01, 0.2, 1.0).get(random.nextInt(3));
    double errorRate = List.of(0.0, 0.001, 0.02, 0.3).get(random.nextInt(4));
    int incidents = random.nextInt(3);
    long[] incidentStart = new long[incidents];
    for (int i = 0; i < incidents; i++) {
      incidentStart[i] = length - random.nextInt(Math.min(length, 6 * 1440));
    }
    int gapStart = random.nextInt(length);
    int gapLength = random.nextInt(3) == 0 ? random.nextInt(3 * 1440) : 0;
    for (int m = 0; m < length; m++) {
      if (m >= gapStart && m < gapStart + gapLength || random.nextDouble() >= density) {
        continue;
      }
      boolean incident = false;
      for (long start : incidentStart) {
        incident |= m >= start && m < start + 90;
      }
      int count = random.nextInt(6);
      int errors = 0;
      for (int e = 0; e < count; e++) {
        errors += random.nextDouble() < (incident ? 0.6 : errorRate) ? 1 : 0;
      }
      bad[m] = errors;
      total[m] = count;
    }
    return new double[][] {bad, total};
  }

  /** The source the engine reads: the scenario's events, by group, for any range asked for. */
  record ScenarioSource(Scenario scenario) implements SliSource {
    @Override
    public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute) {
      Map<Map<String, String>, MinuteSeries> result = new LinkedHashMap<>();
      scenario.events().forEach((group, events) -> {
        MinuteSeries series = slice(scenario.dataFrom(), events, fromMinute, toMinute);
        boolean any = false;
        for (long minute = fromMinute; minute < toMinute && !any; minute++) {
          any = series.hasData(minute);
        }
        // As LogQL does, a group without a line in the range is absent from the answer.
        if (any) {
          result.put(group, series);
        }
      });
      return result;
    }
  }

  static MinuteSeries slice(long dataFrom, double[][] events, long fromMinute, long toMinute) {
    MinuteSeries series = new MinuteSeries(fromMinute, (int) (toMinute - fromMinute));
    for (long minute = Math.max(fromMinute, dataFrom); minute < Math.min(toMinute, dataFrom + events[1].length); minute++) {
      int index = (int) (minute - dataFrom);
      if (!Double.isNaN(events[1][index])) {
        series.set(minute, events[0][index], events[1][index]);
      }
    }
    return series;
  }

  /** All groups added up minute by minute (a minute has data when any group has). */
  static MinuteSeries sum(Scenario scenario, long fromMinute, long toMinute) {
    MinuteSeries sum = new MinuteSeries(fromMinute, (int) (toMinute - fromMinute));
    for (double[][] events : scenario.events().values()) {
      MinuteSeries series = slice(scenario.dataFrom(), events, fromMinute, toMinute);
      for (long minute = fromMinute; minute < toMinute; minute++) {
        if (series.hasData(minute)) {
          sum.set(minute, sum.bad(minute) + series.bad(minute), (sum.hasData(minute) ? sum.total(minute) : 0) + series.total(minute));
        }
      }
    }
    return sum;
  }

  @Property(tries = 60)
  void theViewShowsTheBudgetMathsOfTheEventsItWasFed(@ForAll("scenarios") Scenario scenario) throws IOException {
    Path dataDir = Files.createTempDirectory("slo-property");
    MutableClock clock = new MutableClock(scenario.first());
    try (SloService service = new SloService(SloSettings.defaults(), dataDir, new ScenarioSource(scenario), new InMemoryRollupStore(),
        new SloDataSources(), clock)) {
      ApplyOutcome outcome = service.apply(TENANT, scenario.yaml(), "property.yaml");
      assertThat(outcome).as(scenario.yaml()).isInstanceOf(ApplyOutcome.Applied.class);
      service.evaluateAllNow();
      checkView(service, scenario, clock.instant());
      for (Instant next : scenario.later()) {
        clock.set(next);
        service.evaluateAllNow();
        checkView(service, scenario, next);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> {
          try {
            Files.delete(path);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  private static void checkView(SloService service, Scenario scenario, Instant now) {
    SloView view = service.get(TENANT, "svc-prop").orElseThrow();
    SloSpec spec = view.spec();
    long nowMinute = WindowBounds.minuteOf(now);
    long from = scenario.dataFrom();
    String at = "at " + now;
    assertFigures(view.overall(), spec, sum(scenario, from, nowMinute), nowMinute, at + ", overall");
    if (spec.groupBy().isEmpty()) {
      assertThat(view.groups()).isEmpty();
      return;
    }
    Set<Map<String, String>> withData = new HashSet<>();
    scenario.events().forEach((group, events) -> {
      MinuteSeries series = slice(from, events, from, nowMinute);
      for (long minute = from; minute < nowMinute; minute++) {
        if (series.hasData(minute)) {
          withData.add(group);
          break;
        }
      }
    });
    assertThat(view.groups()).extracting(SloView.GroupView::labels).as(at).containsExactlyInAnyOrderElementsOf(withData);
    for (SloView.GroupView group : view.groups()) {
      assertFigures(group.figures(), spec, slice(from, scenario.events().get(group.labels()), from, nowMinute), nowMinute,
          at + ", group " + group.labels());
    }
  }

  private static void assertFigures(SloView.Figures figures, SloSpec spec, MinuteSeries series, long nowMinute, String what) {
    BudgetStatus status = BudgetCalculator.status(spec, series, nowMinute);
    assertThat(figures.windowStart()).as(what + ": window start").isEqualTo(WindowBounds.instantOf(status.windowStartMinute()));
    assertThat(figures.windowEnd()).as(what + ": window end").isEqualTo(WindowBounds.instantOf(status.windowEndMinute()));
    assertThat(figures.totalEvents()).as(what + ": total").isEqualTo(status.total());
    assertThat(figures.badEvents()).as(what + ": bad").isEqualTo(status.bad());
    assertThat(figures.goodEvents()).as(what + ": good").isEqualTo(status.good());
    assertSame(figures.sli(), status.sli(), what + ": sli");
    assertSame(figures.consumed(), status.consumed(), what + ": consumed");
    assertSame(figures.remaining(), status.remaining(), what + ": remaining");
    assertSame(figures.periodBurnRate(), status.periodBurnRate(), what + ": period burn");
    assertThat(figures.timeToExhaustion()).as(what + ": time to exhaustion").isEqualTo(status.timeToExhaustion());
    for (BudgetStatus.WindowBurn burn : status.burns()) {
      String name = burn.period() ? "period" : SloDurations.format(burn.window());
      assertSame(figures.burnRateByWindow().get(name), burn.burnRate(), what + ": burn rate over " + name);
      assertSame(figures.errorRatioByWindow().get(name), burn.errorRatio(), what + ": error ratio over " + name);
    }
    // The policy walks a BudgetHistory of prefix sums. Over whole counts (occurrences, slices) they are exact, so
    // the full series must give the engine's answer; over the slice ratios of RatioTimeslices a longer series
    // rounds differently in the last bits, which can tip a point that lies exactly on a state boundary, so the
    // reference reads the minutes the engine reads (whose reach the other methods check).
    MinuteSeries policySeries = series;
    if (spec.budgeting() == BudgetingMethod.RATIO_TIMESLICES) {
      long from = nowMinute - SloFigures.minutesNeeded(spec, WindowBounds.instantOf(nowMinute));
      policySeries = new MinuteSeries(from, (int) (nowMinute - from));
      policySeries.overlay(series);
    }
    PolicyStatus policy = new BudgetPolicy(SloSettings.DEFAULT_AT_RISK_SHARE, SloFigures.POLICY_STEP_MINUTES).evaluate(spec, policySeries, nowMinute);
    assertThat(figures.policy().state()).as(what + ": policy").isEqualTo(policy.state().wireName());
    if (policy.state() != PolicyState.NO_DATA) {
      assertThat(figures.policy().since()).as(what + ": policy since").contains(policy.since());
    }
  }

  private static void assertSame(OptionalDouble actual, OptionalDouble expected, String what) {
    assertThat(actual).as(what).isNotNull();
    assertThat(actual.isPresent()).as(what + " present").isEqualTo(expected.isPresent());
    if (expected.isPresent()) {
      assertThat(actual.getAsDouble()).as(what).isEqualTo(expected.getAsDouble());
    }
  }
}

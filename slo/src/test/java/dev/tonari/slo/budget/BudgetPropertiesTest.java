package dev.tonari.slo.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.budget.ReferenceBudget.Event;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeSlices;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every figure of {@link BudgetCalculator}, {@link BudgetHistory} and {@link BudgetPolicy} equals the
 * brute-force {@link ReferenceBudget} over the raw events the minute series was rolled up from, on
 * random data: low traffic (0 to 3 events a minute), long gaps, incidents, events exactly on minute
 * and window edges, minutes with data but no event, and targets from 0.9 to 0.9999.
 */
class BudgetPropertiesTest {
  private static final double[] TARGETS = {0.9, 0.99, 0.999, 0.9999};
  private static final int[] SLICE_MINUTES = {1, 2, 5, 7, 15, 60};
  private static final double[] SLICE_TARGETS = {0.5, 0.9, 0.95, 1.0};
  private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"};
  /** 2024-03-09T00:00Z: the data runs across the US change to summer time (2024-03-10). */
  private static final long BASE_MINUTE = 19_791L * 1440;

  /** A random SLO and the events of its series. */
  record Scenario(SloSpec spec, List<Event> events, MinuteSeries series, Instant now, ZoneId zone, long seed) {
    @Override
    public String toString() {
      return "Scenario[seed=" + seed + ", " + spec.budgeting() + " target " + spec.target() + " " + spec.window() + " "
          + spec.timeSlices() + ", " + events.size() + " events over " + series + ", now " + now + "]";
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.longs().map(BudgetPropertiesTest::scenario);
  }

  static Scenario scenario(long seed) {
    Random random = new Random(seed);
    double target = random.nextInt(5) == 0 ? 0.5 + random.nextDouble() * 0.4999 : TARGETS[random.nextInt(TARGETS.length)];
    BudgetingMethod method = BudgetingMethod.values()[random.nextInt(3)];
    Optional<TimeSlices> slices = method == BudgetingMethod.OCCURRENCES ? Optional.empty()
        : Optional.of(new TimeSlices(SLICE_TARGETS[random.nextInt(SLICE_TARGETS.length)], Duration.ofMinutes(SLICE_MINUTES[random.nextInt(SLICE_MINUTES.length)])));
    ZoneId zone = ZoneId.of(ZONES[random.nextInt(ZONES.length)]);
    long start = BASE_MINUTE + random.nextInt(1440);
    TimeWindow window;
    long windowMinutes;
    if (random.nextBoolean()) {
      windowMinutes = 10 + random.nextInt(1500);
      window = new TimeWindow.Rolling(Duration.ofMinutes(windowMinutes));
    } else {
      int count = 1 + random.nextInt(2);
      Instant startTime = Instant.ofEpochSecond((BASE_MINUTE - 1440L * random.nextInt(5)) * 60 + random.nextInt(86_400));
      window = new TimeWindow.Calendar(TimeWindow.CalendarUnit.DAY, count, startTime, zone);
      windowMinutes = 1440L * count;
    }
    // Enough history for the policy's lookback plus one window before now.
    int span = (int) (2 * windowMinutes + 60 + random.nextInt(600));
    List<Event> events = new ArrayList<>();
    MinuteSeries series = new MinuteSeries(start, span + 3);
    double badShare = 0;
    int gap = 0;
    for (long minute = start; minute < start + span + 3; minute++) {
      if (random.nextInt(200) == 0) {
        // An incident or a calm phase begins.
        double[] shares = {0, 0, 0.0005, 0.01, 0.1, 0.5, 1};
        badShare = shares[random.nextInt(shares.length)];
      }
      if (gap > 0) {
        gap--;
        continue;
      }
      if (random.nextInt(150) == 0) {
        gap = 1 + random.nextInt(random.nextBoolean() ? 30 : 400);
        continue;
      }
      int count = random.nextInt(4);
      int bad = 0;
      for (int i = 0; i < count; i++) {
        boolean good = random.nextDouble() >= badShare;
        bad += good ? 0 : 1;
        int offset = random.nextInt(4) == 0 ? 0 : random.nextInt(60_000);
        events.add(new Event(minute * 60_000 + offset, good));
      }
      if (count > 0) {
        series.set(minute, bad, count);
      } else if (random.nextBoolean()) {
        series.set(minute, 0, 0); // evaluated: data, but no event
      }
    }
    long nowMinute = start + span;
    Instant now = Instant.ofEpochSecond(nowMinute * 60 + (random.nextInt(3) == 0 ? 0 : random.nextInt(60)));
    SloSpec spec = new SloSpec("api-availability", "api", "availability", "", Map.of(),
        new Indicator.Ratio(SliQuery.logql("sum(count_over_time({app=\"api\"} |= \"error\" [{{.window}}]))"),
            SliQuery.logql("sum(count_over_time({app=\"api\"} [{{.window}}]))"), false),
        target, window, method, slices, List.of(), new Alerting("", Map.of(), Map.of(), BurnRateTiers.sloth(Duration.ofDays(30))),
        SloSpec.Origin.api());
    return new Scenario(spec, events, series, now, zone, seed);
  }

  @Property(tries = 300)
  void statusEqualsTheReference(@ForAll("scenarios") Scenario scenario) {
    ReferenceBudget reference = new ReferenceBudget(scenario.spec(), scenario.events());
    long asOf = WindowBounds.minuteOf(scenario.now());
    BudgetStatus status = BudgetCalculator.status(scenario.spec(), scenario.series(), scenario.now());
    WindowBounds window = reference.window(asOf);
    assertThat(status.windowStartMinute()).isEqualTo(window.startMinute());
    assertThat(status.windowEndMinute()).isEqualTo(window.endMinute());
    assertThat(status.asOfMinute()).isEqualTo(asOf);
    ReferenceBudget.Counts counts = reference.windowCounts(asOf);
    assertClose("good", status.good(), counts.good());
    assertClose("bad", status.bad(), counts.bad());
    assertClose("total", status.total(), counts.total());
    assertThat(status.hasData()).isEqualTo(counts.total() > 0);
    assertSame("sli", status.sli(), reference.sli(asOf));
    assertSame("remaining", status.remaining(), reference.remaining(asOf));
    assertSame("consumed", status.consumed(), ReferenceBudget.consumed(counts, scenario.spec().target()));
    assertSame("period burn rate", status.periodBurnRate(), reference.periodBurnRate(asOf));
    assertThat(status.errorBudget()).isEqualTo(1 - scenario.spec().target());
    for (Duration length : BudgetCalculator.SLOTH_WINDOWS) {
      BudgetStatus.WindowBurn burn = status.burn(length).orElseThrow();
      assertSame("error ratio " + length, burn.errorRatio(), reference.errorRatio(asOf, length));
      assertSame("burn rate " + length, burn.burnRate(), reference.burnRate(asOf, length));
      assertSame("burnRate() " + length, BudgetCalculator.burnRate(scenario.spec(), scenario.series(), asOf, length), reference.burnRate(asOf, length));
    }
    assertSame("period entry", status.periodBurn().burnRate(), reference.periodBurnRate(asOf));
    Optional<Duration> expected = reference.timeToExhaustion(asOf);
    assertThat(status.timeToExhaustion().isPresent()).as("time to exhaustion present").isEqualTo(expected.isPresent());
    if (expected.isPresent()) {
      assertThat(Math.abs(status.timeToExhaustion().get().toSeconds() - expected.get().toSeconds()))
          .as("time to exhaustion %s vs %s", status.timeToExhaustion().get(), expected.get())
          .isLessThanOrEqualTo(Math.max(1, expected.get().toSeconds() / 1_000_000_000L));
    }
  }

  @Property(tries = 200)
  void historyAndWeeksEqualTheReference(@ForAll("scenarios") Scenario scenario) {
    ReferenceBudget reference = new ReferenceBudget(scenario.spec(), scenario.events());
    Random random = new Random(scenario.seed());
    long from = scenario.series().startMinute() - random.nextInt(30);
    long to = WindowBounds.minuteOf(scenario.now());
    int step = 1 + random.nextInt(37);
    BudgetHistory history = BudgetHistory.compute(scenario.spec(), scenario.series(), from, to, step);
    assertThat(history.size()).isEqualTo((int) ((to - from) / step) + 1);
    for (int i = 0; i < history.size(); i++) {
      long point = from + (long) i * step;
      assertThat(history.minuteAt(i)).isEqualTo(point);
      assertSame("history at " + point, history.remainingAt(i), reference.remaining(point));
      assertSame("remainingAt " + point, BudgetCalculator.remainingAt(scenario.spec(), scenario.series(), point), reference.remaining(point));
    }
    List<WindowBounds> weeks = new ArrayList<>();
    weeks.add(WindowBounds.isoWeek(scenario.now(), scenario.zone()));
    weeks.add(WindowBounds.isoWeek(WindowBounds.instantOf(scenario.series().startMinute()), scenario.zone()));
    long a = scenario.series().startMinute() + random.nextInt(scenario.series().length());
    long b = scenario.series().startMinute() + random.nextInt(scenario.series().length());
    weeks.add(new WindowBounds(Math.min(a, b), Math.max(a, b)));
    for (WindowBounds week : weeks) {
      WeekBudget budget = BudgetCalculator.weekBudget(scenario.spec(), scenario.series(), week);
      OptionalDouble[] expected = reference.weekBudget(week);
      assertSame("week start " + week, budget.remainingAtStart(), expected[0]);
      assertSame("week end " + week, budget.remainingAtEnd(), expected[1]);
    }
  }

  @Property(tries = 150)
  void policyEqualsTheReference(@ForAll("scenarios") Scenario scenario) {
    ReferenceBudget reference = new ReferenceBudget(scenario.spec(), scenario.events());
    Random random = new Random(scenario.seed() ^ 0x5DEECE66DL);
    double share = random.nextBoolean() ? BudgetPolicy.DEFAULT_AT_RISK_SHARE : 0.05 + random.nextDouble() * 0.9;
    long lookback = scenario.spec().window().nominalLength().toMinutes();
    int step = random.nextBoolean() ? 1 : (int) Math.max(1, lookback / (1 + random.nextInt(200)));
    BudgetPolicy policy = new BudgetPolicy(share, step);
    long asOf = WindowBounds.minuteOf(scenario.now());
    PolicyStatus status = policy.evaluate(scenario.spec(), scenario.series(), scenario.now());
    PolicyStatus expected = reference.policy(asOf, share, step);
    assertThat(status).as("policy with share %s step %d", share, step).isEqualTo(expected);
    assertThat(policy.stateOf(BudgetCalculator.status(scenario.spec(), scenario.series(), asOf).remaining())).isEqualTo(status.state());
  }

  private static void assertSame(String what, OptionalDouble actual, OptionalDouble expected) {
    assertThat(actual.isPresent()).as("%s present: %s vs %s", what, actual, expected).isEqualTo(expected.isPresent());
    if (expected.isPresent()) {
      assertClose(what, actual.getAsDouble(), expected.getAsDouble());
    }
  }

  private static void assertClose(String what, double actual, double expected) {
    assertThat(Double.isNaN(actual)).as("%s is NaN", what).isFalse();
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      assertThat(actual).as(what).isEqualTo(expected);
      return;
    }
    double tolerance = 1e-9 * Math.max(1, Math.max(Math.abs(actual), Math.abs(expected)));
    assertThat(Math.abs(actual - expected)).as("%s: %s vs %s", what, actual, expected).isLessThanOrEqualTo(tolerance);
  }
}

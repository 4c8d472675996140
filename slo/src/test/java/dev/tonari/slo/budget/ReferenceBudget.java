package dev.tonari.slo.budget;

import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A brute-force evaluator of the budget maths straight from raw events, written from
 * docs/slo-maths.md without minute arrays or prefix sums: every figure counts the events whose
 * timestamps fall in its range, slice by slice. Slow and obvious, so that the fast code can be
 * compared with it. Window placement comes from {@link WindowBounds}, which its own example tests
 * pin down.
 */
final class ReferenceBudget {
  /** One event: when (epoch milliseconds) and whether it was good. */
  record Event(long epochMillis, boolean good) {}

  /** good, bad, total in the method's unit (events, slices, sums of slice ratios). */
  record Counts(double good, double bad, double total) {}

  private final SloSpec spec;
  private final List<Event> events;
  private final long[] times;

  ReferenceBudget(SloSpec spec, List<Event> events) {
    this.spec = spec;
    this.events = new ArrayList<>(events);
    this.events.sort(Comparator.comparingLong(Event::epochMillis));
    this.times = this.events.stream().mapToLong(Event::epochMillis).toArray();
  }

  /** Events with {@code from <= t < to} (milliseconds), found by binary search over the sorted list. */
  private List<Event> eventsIn(long fromMillis, long toMillis) {
    int from = lowerBound(fromMillis);
    int to = lowerBound(toMillis);
    return from >= to ? List.of() : events.subList(from, to);
  }

  private int lowerBound(long millis) {
    int low = 0;
    int high = times.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (times[mid] < millis) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static long millis(long minute) {
    return minute * 60_000;
  }

  /** The range {@code [fromMinute, toMinute)} counted in the SLO's method, slices from {@code origin}. */
  Counts counts(long originMinute, long fromMinute, long toMinute) {
    if (toMinute <= fromMinute) {
      return new Counts(0, 0, 0);
    }
    if (spec.budgeting() == BudgetingMethod.OCCURRENCES) {
      long good = 0;
      long bad = 0;
      for (Event event : eventsIn(millis(fromMinute), millis(toMinute))) {
        if (event.good()) {
          good++;
        } else {
          bad++;
        }
      }
      return new Counts(good, bad, good + bad);
    }
    long length = spec.timeSlices().orElseThrow().window().toMinutes();
    double sliceTarget = spec.timeSlices().orElseThrow().target();
    double good = 0;
    double bad = 0;
    double slices = 0;
    long k = Math.floorDiv(fromMinute - originMinute, length);
    while (originMinute + k * length < toMinute) {
      long pieceStart = Math.max(fromMinute, originMinute + k * length);
      long pieceEnd = Math.min(toMinute, originMinute + (k + 1) * length);
      long pieceGood = 0;
      long pieceBad = 0;
      for (Event event : eventsIn(millis(pieceStart), millis(pieceEnd))) {
        if (event.good()) {
          pieceGood++;
        } else {
          pieceBad++;
        }
      }
      long pieceTotal = pieceGood + pieceBad;
      if (pieceTotal > 0) {
        slices++;
        double ratio = (double) pieceGood / (double) pieceTotal;
        if (spec.budgeting() == BudgetingMethod.RATIO_TIMESLICES) {
          good += ratio;
          bad += (double) pieceBad / (double) pieceTotal;
        } else if (ratio >= sliceTarget) {
          good++;
        } else {
          bad++;
        }
      }
      k++;
    }
    return new Counts(good, bad, slices);
  }

  static OptionalDouble consumed(Counts counts, double target) {
    if (counts.total() == 0) {
      return OptionalDouble.empty();
    }
    double budget = 1 - target;
    if (budget == 0) {
      return OptionalDouble.of(counts.bad() > 0 ? Double.POSITIVE_INFINITY : 0);
    }
    return OptionalDouble.of(counts.bad() / (counts.total() * budget));
  }

  static OptionalDouble burn(Counts counts, double target) {
    if (counts.total() == 0) {
      return OptionalDouble.empty();
    }
    double ratio = counts.bad() / counts.total();
    double budget = 1 - target;
    if (budget == 0) {
      return OptionalDouble.of(ratio > 0 ? Double.POSITIVE_INFINITY : 0);
    }
    return OptionalDouble.of(ratio / budget);
  }

  WindowBounds window(long asOfMinute) {
    return WindowBounds.endingAt(spec.window(), asOfMinute);
  }

  Counts windowCounts(long asOfMinute) {
    WindowBounds window = window(asOfMinute);
    return counts(window.startMinute(), window.startMinute(), Math.min(window.endMinute(), asOfMinute));
  }

  OptionalDouble sli(long asOfMinute) {
    Counts counts = windowCounts(asOfMinute);
    return counts.total() == 0 ? OptionalDouble.empty() : OptionalDouble.of(counts.good() / counts.total());
  }

  OptionalDouble remaining(long asOfMinute) {
    OptionalDouble consumed = consumed(windowCounts(asOfMinute), spec.target());
    return consumed.isEmpty() ? consumed : OptionalDouble.of(1 - consumed.getAsDouble());
  }

  /** Error ratio of {@code [asOf - length, asOf)} with slices aligned to the SLO window start. */
  OptionalDouble errorRatio(long asOfMinute, Duration length) {
    Counts counts = counts(window(asOfMinute).startMinute(), asOfMinute - length.toMinutes(), asOfMinute);
    return counts.total() == 0 ? OptionalDouble.empty() : OptionalDouble.of(counts.bad() / counts.total());
  }

  OptionalDouble burnRate(long asOfMinute, Duration length) {
    return burn(counts(window(asOfMinute).startMinute(), asOfMinute - length.toMinutes(), asOfMinute), spec.target());
  }

  OptionalDouble periodBurnRate(long asOfMinute) {
    return burn(windowCounts(asOfMinute), spec.target());
  }

  Optional<Duration> timeToExhaustion(long asOfMinute) {
    OptionalDouble remaining = remaining(asOfMinute);
    if (remaining.isEmpty()) {
      return Optional.empty();
    }
    if (remaining.getAsDouble() <= 0) {
      return Optional.of(Duration.ZERO);
    }
    OptionalDouble burn = burnRate(asOfMinute, Duration.ofHours(1));
    if (burn.isEmpty() || burn.getAsDouble() <= 0) {
      return Optional.empty();
    }
    double periodSeconds = window(asOfMinute).lengthMinutes() * 60.0;
    return Optional.of(Duration.ofSeconds(Math.round(remaining.getAsDouble() * periodSeconds / burn.getAsDouble())));
  }

  /** Start: the window ending at the week start; end: the window holding the week's last minute, counted to its end. */
  OptionalDouble[] weekBudget(WindowBounds week) {
    OptionalDouble atEnd;
    if (spec.window() instanceof TimeWindow.Calendar) {
      WindowBounds period = window(week.endMinute() - 1);
      OptionalDouble consumed = consumed(counts(period.startMinute(), period.startMinute(), Math.min(period.endMinute(), week.endMinute())),
          spec.target());
      atEnd = consumed.isEmpty() ? consumed : OptionalDouble.of(1 - consumed.getAsDouble());
    } else {
      atEnd = remaining(week.endMinute());
    }
    return new OptionalDouble[] {remaining(week.startMinute()), atEnd};
  }

  /** A remaining within a billionth of the budget of a threshold is on it (rounding, not a difference). */
  static PolicyState state(OptionalDouble remaining, double atRiskShare) {
    if (remaining.isEmpty()) {
      return PolicyState.NO_DATA;
    }
    double onThreshold = 1e-9;
    if (remaining.getAsDouble() <= onThreshold) {
      return PolicyState.EXHAUSTED;
    }
    return remaining.getAsDouble() < atRiskShare - onThreshold ? PolicyState.AT_RISK : PolicyState.HEALTHY;
  }

  /** Walks back from asOf one step at a time, at most the nominal period. */
  PolicyStatus policy(long asOfMinute, double atRiskShare, int step) {
    long lookback = spec.window().nominalLength().toMinutes();
    PolicyState state = state(remaining(asOfMinute), atRiskShare);
    long since = asOfMinute;
    boolean whole = true;
    for (long point = asOfMinute - step; point >= asOfMinute - lookback; point -= step) {
      if (state(remaining(point), atRiskShare) != state) {
        whole = false;
        break;
      }
      since = point;
    }
    return new PolicyStatus(state, WindowBounds.instantOf(since), whole);
  }
}

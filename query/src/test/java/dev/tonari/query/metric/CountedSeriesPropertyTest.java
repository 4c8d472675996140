package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.Grouping;
import dev.tonari.logql.VectorOperation;
import dev.tonari.query.QueryContext;
import dev.tonari.query.QueryLimits;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A counting series' per-step counts, held only over the steps counted so far and grown as samples
 * come before or after them, merged from parallel readers ({@link WindowedSeries#addCounts}), must
 * give the counts of a plain per-step tally; and a {@code topk}/{@code bottomk} run on the rows
 * {@link SelectionCandidates} chose must keep exactly what it keeps on the rows of every series.
 */
class CountedSeriesPropertyTest {
  private static final WindowedSeries.CountedValue SUM_PLUS_COUNT = (count, sum) -> count * 1000 + sum;

  /** One sample: it lies in the windows of steps first..last and weighs value. */
  private record Sample(int first, int last, long value) {}

  private static List<Sample> samples(Random random, int steps) {
    List<Sample> samples = new ArrayList<>();
    int count = random.nextInt(12);
    // Samples cluster (a path seen in a burst) or spread over the grid, in any order.
    int center = random.nextInt(steps);
    for (int i = 0; i < count; i++) {
      int first = random.nextBoolean() ? random.nextInt(steps) : Math.max(0, Math.min(steps - 1, center + random.nextInt(5) - 2));
      int last = Math.min(steps - 1, first + random.nextInt(4));
      samples.add(new Sample(first, last, random.nextInt(3) == 0 ? 0 : random.nextInt(500)));
    }
    return samples;
  }

  @Property(tries = 2000)
  void countsAreThoseOfAPlainTally(@ForAll long seed) {
    Random random = new Random(seed);
    int steps = 1 + random.nextInt(40);
    List<Sample> samples = samples(random, steps);
    SeriesMemory memory = new SeriesMemory(QueryContext.start(QueryLimits.defaults()));
    Labels labels = Labels.of("path", "/a");
    // Counted by up to three readers, then merged into the first.
    List<WindowedSeries> readers = new ArrayList<>();
    int readerCount = 1 + random.nextInt(3);
    for (int i = 0; i < readerCount; i++) {
      readers.add(new WindowedSeries(labels, memory));
    }
    long[] counts = new long[steps];
    long[] sums = new long[steps];
    for (Sample sample : samples) {
      readers.get(random.nextInt(readerCount)).count(sample.first(), sample.last(), steps, sample.value());
      for (int step = sample.first(); step <= sample.last(); step++) {
        counts[step]++;
        sums[step] += sample.value();
      }
    }
    WindowedSeries merged = readers.get(0);
    for (WindowedSeries other : readers.subList(1, readerCount)) {
      merged.addCounts(other, steps);
    }
    StepMatrix.Row expected = new StepMatrix.Row(labels, steps);
    for (int step = 0; step < steps; step++) {
      if (counts[step] > 0) {
        expected.set(step, SUM_PLUS_COUNT.of(counts[step], sums[step]));
      }
    }
    assertThat(merged.hasCounts()).isEqualTo(!samples.isEmpty());
    if (samples.isEmpty()) {
      return;
    }
    StepMatrix.Row row = merged.countedRow(steps, SUM_PLUS_COUNT);
    assertThat(row.present).containsExactly(expected.present);
    assertThat(row.values).containsExactly(expected.values);
    assertThat(merged.hasCounts()).isFalse();
  }

  @Property(tries = 1500)
  void aSelectionOfTheCandidatesKeepsWhatItKeepsOfAll(@ForAll long seed) {
    Random random = new Random(seed);
    int steps = 1 + random.nextInt(12);
    StepGrid grid = new StepGrid(0, (steps - 1) * 10L, 10);
    int seriesCount = random.nextInt(random.nextBoolean() ? 10 : 120);
    // Few distinct values, so that most comparisons are ties broken by labels.
    List<List<Sample>> samplesBySeries = new ArrayList<>();
    List<Labels> labels = new ArrayList<>();
    for (int s = 0; s < seriesCount; s++) {
      List<Sample> samples = samples(random, steps).stream().map(sample -> new Sample(sample.first(), sample.last(), sample.value() % 3)).toList();
      samplesBySeries.add(samples);
      labels.add(Labels.of("path", "/p" + random.nextInt(1_000_000) + "-" + s, "app", "a" + random.nextInt(3)));
    }
    boolean top = random.nextBoolean();
    int k = 1 + random.nextInt(random.nextInt(4) == 0 ? VectorAggregations.MAX_SELECTED_K : 6);
    Grouping grouping = switch (random.nextInt(3)) {
      case 0 -> null;
      case 1 -> new Grouping(false, List.of("app"));
      default -> new Grouping(true, List.of("path"));
    };
    WindowedSeries.CountedValue value = random.nextBoolean() ? (count, sum) -> count : SUM_PLUS_COUNT;
    Function<Boolean, StepMatrix> rows = viaCandidates -> {
      SeriesMemory memory = new SeriesMemory(QueryContext.start(QueryLimits.defaults()));
      List<WindowedSeries> series = new ArrayList<>();
      for (int s = 0; s < seriesCount; s++) {
        WindowedSeries one = new WindowedSeries(labels.get(s), memory);
        for (Sample sample : samplesBySeries.get(s)) {
          one.count(sample.first(), sample.last(), steps, sample.value());
        }
        if (one.hasCounts()) {
          series.add(one);
        }
      }
      if (viaCandidates) {
        SelectionCandidates candidates = new SelectionCandidates(top, k, grouping, steps);
        series.forEach(one -> candidates.offer(one, value));
        List<WindowedSeries> chosen = candidates.chosen();
        assertThat(chosen.size()).isLessThanOrEqualTo(series.size());
        series = chosen;
      }
      return StepMatrix.unordered(grid, series.stream().map(one -> one.countedRow(steps, value)).toList());
    };
    VectorOperation operation = top ? VectorOperation.TOPK : VectorOperation.BOTTOMK;
    StepMatrix ofAll = VectorAggregations.aggregate(operation, grouping, k, rows.apply(false));
    StepMatrix ofCandidates = VectorAggregations.aggregate(operation, grouping, k, rows.apply(true));
    assertThat(TopkSelectionPropertyTest.render(ofCandidates)).isEqualTo(TopkSelectionPropertyTest.render(ofAll));
  }
}

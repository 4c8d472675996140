package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@code quantile_over_time} selects two order statistics instead of sorting the window; it must
 * give bit for bit what interpolating in the sorted window gives (Prometheus' definition), also
 * with duplicates, signed zeros, infinities, NaN and sorted or reversed windows.
 */
class QuantileSelectionPropertyTest {
  private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, 1, 2.5};

  @Property(tries = 3000)
  void selectionGivesWhatSortingGives(@ForAll long seed) {
    Random random = new Random(seed);
    int size = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
    double[] values = new double[size];
    for (int i = 0; i < size; i++) {
      values[i] = random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextInt(20) - 5 + random.nextInt(3) * 0.25;
    }
    switch (random.nextInt(4)) {
      case 0 -> Arrays.sort(values);
      case 1 -> {
        Arrays.sort(values);
        for (int i = 0; i < size / 2; i++) {
          double swap = values[i];
          values[i] = values[size - 1 - i];
          values[size - 1 - i] = swap;
        }
      }
      default -> { }
    }
    double quantile = new double[] {0, 0.01, 0.25, 0.5, 0.9, 0.99, 1, random.nextDouble()}[random.nextInt(8)];

    double expected = bySorting(quantile, values.clone());
    double actual = RangeWindows.quantileOfFirst(quantile, values.clone(), size);

    assertThat(Double.doubleToRawLongBits(actual))
        .as("q=%s of %s: %s against %s", quantile, Arrays.toString(values), actual, expected)
        .isEqualTo(Double.doubleToRawLongBits(expected));
  }

  /** The definition: sort, then interpolate between the neighbours of rank q * (n - 1). */
  private static double bySorting(double quantile, double[] values) {
    Arrays.sort(values);
    double n = values.length;
    double rank = quantile * (n - 1);
    double lowerIndex = Math.max(0, Math.floor(rank));
    double upperIndex = Math.min(n - 1, lowerIndex + 1);
    double weight = rank - Math.floor(rank);
    return values[(int) lowerIndex] * (1 - weight) + values[(int) upperIndex] * weight;
  }
}

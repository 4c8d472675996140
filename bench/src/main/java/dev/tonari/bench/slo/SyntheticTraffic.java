package dev.tonari.bench.slo;

import dev.tonari.slo.rollup.MinuteSeries;
import java.util.SplittableRandom;

/**
 * Per-minute request and error counts of many services, as a pure function of (service, minute):
 * the same minute always has the same counts whichever order or chunk size a backfill asks in, so
 * the engine's figures can be checked against sums of the same function.
 *
 * <p>The shape follows real traffic: each service has its own volume (log-uniform from under one
 * request a minute, which leaves minutes without any, to a few thousand), a daily cycle with its
 * own phase, quieter weekends, Poisson-like noise, a base error share of 0.05-0.4 %, and on about
 * one day in three an incident of 5 to 90 minutes in which 5-60 % of requests fail.
 */
final class SyntheticTraffic {
  private static final double TWO_PI = 2 * Math.PI;
  private final long seed;
  private final double[] meanPerMinute;
  private final double[] baseErrorShare;
  private final double[] phase;

  /**
   * @param firstMeanPerMinute the volume of service 0, which the naive LogQL baseline writes out as
   *     log lines; the others draw theirs
   */
  SyntheticTraffic(long seed, int services, double firstMeanPerMinute) {
    this.seed = seed;
    this.meanPerMinute = new double[services];
    this.baseErrorShare = new double[services];
    this.phase = new double[services];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < services; i++) {
      meanPerMinute[i] = i == 0 ? firstMeanPerMinute : Math.exp(Math.log(0.5) + random.nextDouble() * (Math.log(3000) - Math.log(0.5)));
      baseErrorShare[i] = 0.0005 + random.nextDouble() * 0.0035;
      phase[i] = random.nextDouble() * TWO_PI;
    }
  }

  int services() {
    return meanPerMinute.length;
  }

  double meanPerMinute(int service) {
    return meanPerMinute[service];
  }

  /** Requests in the minute (0: the minute has no data). */
  long total(int service, long minute) {
    double minuteOfDay = Math.floorMod(minute, 1440L);
    double daily = 1 + 0.45 * Math.sin(TWO_PI * minuteOfDay / 1440 + phase[service]);
    // Epoch day 0 was a Thursday: days 2 and 3 after it (mod 7) are Saturday and Sunday.
    long dayOfWeek = Math.floorMod(Math.floorDiv(minute, 1440L), 7L);
    double weekly = dayOfWeek == 2 || dayOfWeek == 3 ? 0.65 : 1;
    double rate = meanPerMinute[service] * daily * weekly;
    double count = rate + Math.sqrt(rate) * gaussian(service, minute, 1);
    return Math.max(0, Math.round(count));
  }

  /** Failed requests of the minute's {@code total}. */
  long bad(int service, long minute, long total) {
    if (total == 0) {
      return 0;
    }
    double share = baseErrorShare[service] + incidentShare(service, minute);
    double expected = total * Math.min(1, share);
    double count = expected + Math.sqrt(expected * (1 - Math.min(1, share))) * gaussian(service, minute, 2);
    return Math.max(0, Math.min(total, Math.round(count)));
  }

  /** The extra failing share of an incident covering the minute; 0 outside incidents. */
  private double incidentShare(int service, long minute) {
    long day = Math.floorDiv(minute, 1440L);
    for (long d = day - 1; d <= day; d++) {
      if (uniform(service, d, 3) >= 1.0 / 3) {
        continue;
      }
      long start = d * 1440 + (long) (uniform(service, d, 4) * 1440);
      long length = 5 + (long) (uniform(service, d, 5) * 85);
      if (minute >= start && minute < start + length) {
        return 0.05 + uniform(service, d, 6) * 0.55;
      }
    }
    return 0;
  }

  /** The service's minutes {@code [from, to)}; minutes without requests have no data. */
  MinuteSeries series(int service, long fromMinute, long toMinute) {
    MinuteSeries series = new MinuteSeries(fromMinute, Math.toIntExact(toMinute - fromMinute));
    for (long minute = fromMinute; minute < toMinute; minute++) {
      long total = total(service, minute);
      if (total > 0) {
        series.set(minute, bad(service, minute, total), total);
      }
    }
    return series;
  }

  /** A standard normal variate (sum of four uniforms, scaled) for one (service, minute, purpose). */
  private double gaussian(int service, long minute, int purpose) {
    double sum = 0;
    for (int k = 0; k < 4; k++) {
      sum += uniform(service, minute, purpose * 8 + k);
    }
    return (sum - 2) * Math.sqrt(3);
  }

  /** A uniform double in [0, 1) that depends only on the seed and the three arguments. */
  private double uniform(int service, long position, int purpose) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L * (service + 1));
    h = mix(h ^ 0xC2B2AE3D27D4EB4FL * position);
    h = mix(h ^ 0x165667B19E3779F9L * (purpose + 1));
    return (h >>> 11) * 0x1.0p-53;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

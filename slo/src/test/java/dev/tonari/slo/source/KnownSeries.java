package dev.tonari.slo.source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Counters written into a test Prometheus: three phases of one hour, a constant rate in each, so
 * that the events of every minute are known by hand. Samples are every 15 s from {@link #START},
 * on the minute boundaries too, so a one-minute range holds the samples at both of its edges and
 * Prometheus's rate extrapolation adds nothing: {@code rate(x[1m]) * 60} is the exact increase of
 * the minute (up to floating point). The increase of the 15 s interval starting at sample j is the
 * series' increment of the phase holding that interval's start.
 */
final class KnownSeries {
  /** 2024-03-01T00:00:00Z: the first sample, the start of phase 0. */
  static final long START_SECONDS = Instant.parse("2024-03-01T00:00:00Z").getEpochSecond();
  static final long START_MINUTE = START_SECONDS / 60;
  static final int PHASES = 3;
  static final int MINUTES = PHASES * 60;
  static final int SAMPLE_SECONDS = 15;
  private static final int SAMPLES = MINUTES * 60 / SAMPLE_SECONDS + 1;

  /** One counter: its metric family, sample name, labels and increment per 15 s in each phase. */
  record Counter(String family, String type, String name, Map<String, String> labels, int[] incrementPerPhase) {
    boolean has(String label, String value) {
      return value.equals(labels.get(label));
    }
  }

  static final List<Counter> COUNTERS = List.of(
      // Requests: pod a answers 200 at 10/s, 10/s, 5/s and 500 at 1/s, 0, 2/s; pod b 200 at 4/s and 503 at 0, 0.2/s, 0.
      requests("200", "a", 150, 150, 75),
      requests("500", "a", 15, 0, 30),
      requests("200", "b", 60, 60, 60),
      requests("503", "b", 0, 3, 0),
      // Latency of 10 requests/s: 40 % under 0.1 s, 80 % under 0.3 s in phase 0; 20 % and 60 % later.
      bucket("0.1", 60, 30, 30),
      bucket("0.3", 120, 90, 90),
      bucket("1", 140, 140, 140),
      bucket("+Inf", 150, 150, 150),
      new Counter("http_request_duration_seconds", "histogram", "http_request_duration_seconds_count", Map.of(), new int[] {150, 150, 150}),
      new Counter("http_request_duration_seconds", "histogram", "http_request_duration_seconds_sum", Map.of(), new int[] {30, 45, 45}));

  private KnownSeries() {}

  private static Counter requests(String code, String pod, int... increments) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("code", code);
    labels.put("pod", pod);
    return new Counter("http_requests", "counter", "http_requests_total", labels, increments);
  }

  private static Counter bucket(String le, int... increments) {
    return new Counter("http_request_duration_seconds", "histogram", "http_request_duration_seconds_bucket", Map.of("le", le), increments);
  }

  /** The OpenMetrics text of every counter, family by family, timestamps in seconds, ending with {@code # EOF}. */
  static String openMetrics() {
    StringBuilder text = new StringBuilder();
    String family = null;
    for (Counter counter : COUNTERS) {
      if (!counter.family().equals(family)) {
        family = counter.family();
        text.append("# TYPE ").append(family).append(' ').append(counter.type()).append('\n');
      }
      StringBuilder labels = new StringBuilder();
      counter.labels().forEach((name, value) -> labels.append(labels.isEmpty() ? "{" : ",").append(name).append("=\"").append(value).append('"'));
      if (!labels.isEmpty()) {
        labels.append('}');
      }
      long value = 0;
      for (int sample = 0; sample < SAMPLES; sample++) {
        text.append(counter.name()).append(labels).append(' ').append(value).append(' ').append(START_SECONDS + (long) sample * SAMPLE_SECONDS)
            .append('\n');
        value += counter.incrementPerPhase()[Math.min(PHASES - 1, sample * SAMPLE_SECONDS / 3600)];
      }
    }
    return text.append("# EOF\n").toString();
  }

  /** The increase over minute {@code START_MINUTE + minute} of the counters that {@code which} picks, added up. */
  static double increase(Predicate<Counter> which, int minute) {
    double sum = 0;
    for (Counter counter : COUNTERS) {
      if (which.test(counter)) {
        // 60 / 15 = 4 intervals, all in the phase of the minute.
        sum += 4.0 * counter.incrementPerPhase()[minute / 60];
      }
    }
    return sum;
  }

  static Predicate<Counter> requests() {
    return counter -> counter.name().equals("http_requests_total");
  }

  static Predicate<Counter> serverErrors() {
    return requests().and(counter -> counter.labels().get("code").startsWith("5"));
  }

  static Predicate<Counter> named(String name, String label, String value) {
    return counter -> counter.name().equals(name) && (label == null || counter.has(label, value));
  }

  /** Minutes {@code [START_MINUTE, START_MINUTE + MINUTES)} as a list of offsets, for loops in tests. */
  static List<Integer> minutes() {
    List<Integer> minutes = new ArrayList<>();
    for (int minute = 0; minute < MINUTES; minute++) {
      minutes.add(minute);
    }
    return minutes;
  }
}

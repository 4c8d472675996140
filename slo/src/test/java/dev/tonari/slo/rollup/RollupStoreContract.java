package dev.tonari.slo.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RollupStore} must do; each implementation's test extends this. */
abstract class RollupStoreContract {
  /** 2024-03-10T00:00Z in epoch minutes: a day boundary, so tests cross days on purpose. */
  static final long DAY_START = 19_792L * 1440;
  static final SeriesKey API = SeriesKey.of("team-a", "api-availability");

  RollupStore store;

  abstract RollupStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static MinuteSeries series(long start, double... badTotalPairs) {
    MinuteSeries series = new MinuteSeries(start, badTotalPairs.length / 2);
    for (int i = 0; i < badTotalPairs.length / 2; i++) {
      series.set(start + i, badTotalPairs[2 * i], badTotalPairs[2 * i + 1]);
    }
    return series;
  }

  @Test
  void readsBackWhatWasWrittenAcrossADayBoundary() {
    long start = DAY_START - 2;
    store.write(API, series(start, 1, 10, 0, 5, 2, 2, 0, 7));
    MinuteSeries read = store.read(API, start - 1, start + 5);
    assertThat(read.startMinute()).isEqualTo(start - 1);
    assertThat(read.length()).isEqualTo(6);
    assertThat(read.hasData(start - 1)).isFalse();
    assertThat(read.bad(start)).isEqualTo(1);
    assertThat(read.total(start)).isEqualTo(10);
    assertThat(read.total(start + 1)).isEqualTo(5);
    assertThat(read.bad(start + 2)).isEqualTo(2);
    assertThat(read.total(start + 3)).isEqualTo(7);
    assertThat(read.hasData(start + 4)).isFalse();
  }

  @Test
  void aLaterWriteOverwritesMinutesWithDataAndClearsMinutesEvaluatedEmpty() {
    store.write(API, series(DAY_START, 1, 10, 2, 20, 3, 30));
    MinuteSeries second = new MinuteSeries(DAY_START + 1, 2);
    second.set(DAY_START + 1, 5, 50); // replaced
    // DAY_START + 2 evaluated, no data: cleared
    store.write(API, second);
    MinuteSeries read = store.read(API, DAY_START, DAY_START + 3);
    assertThat(read.total(DAY_START)).as("outside the second write: untouched").isEqualTo(10);
    assertThat(read.bad(DAY_START + 1)).isEqualTo(5);
    assertThat(read.total(DAY_START + 1)).isEqualTo(50);
    assertThat(read.hasData(DAY_START + 2)).isFalse();
  }

  @Test
  void anAllEmptyWriteClearsTheSeries() {
    store.write(API, series(DAY_START, 1, 10));
    store.write(API, new MinuteSeries(DAY_START - 10, 20));
    assertThat(store.read(API, DAY_START - 10, DAY_START + 10).hasData(DAY_START)).isFalse();
    assertThat(store.series(API.tenant(), API.sloId())).isEmpty();
  }

  @Test
  void zeroEventsIsDataNotNoData() {
    store.write(API, series(DAY_START, 0, 0));
    MinuteSeries read = store.read(API, DAY_START, DAY_START + 1);
    assertThat(read.hasData(DAY_START)).isTrue();
    assertThat(read.total(DAY_START)).isZero();
  }

  @Test
  void anUnknownSeriesAndAnEmptyRangeReadAsNoData() {
    MinuteSeries read = store.read(SeriesKey.of("nobody", "nothing"), DAY_START, DAY_START + 30 * 1440);
    assertThat(read.length()).isEqualTo(30 * 1440);
    assertThat(WindowSums.of(read, read.startMinute(), read.endMinute()).minutesWithData()).isZero();
    assertThat(store.read(API, DAY_START, DAY_START).length()).isZero();
  }

  @Test
  void aRangeReadReturnsOnlyItsMinutes() {
    MinuteSeries month = new MinuteSeries(DAY_START, 31 * 1440);
    for (long minute = month.startMinute(); minute < month.endMinute(); minute++) {
      month.set(minute, minute % 3, 3 + minute % 5);
    }
    store.write(API, month);
    long from = DAY_START + 3 * 1440 + 17;
    long to = DAY_START + 29 * 1440 + 5;
    MinuteSeries read = store.read(API, from, to);
    for (long minute = from; minute < to; minute++) {
      assertThat(read.bad(minute)).isEqualTo(month.bad(minute));
      assertThat(read.total(minute)).isEqualTo(month.total(minute));
    }
    assertThat(read.hasData(from - 1)).isFalse();
    assertThat(read.hasData(to)).isFalse();
  }

  @Test
  void groupKeysWithOddCharactersAreSeparateSeries() {
    Map<String, String> slash = Map.of("path", "/api/v1/../x", "pod", "a b");
    Map<String, String> unicode = new LinkedHashMap<>();
    unicode.put("customer", "Zürich \"quoted\" 東京");
    unicode.put("endpoint", "%2F..%00\n");
    Map<String, String> empty = Map.of("path", "");
    SeriesKey first = new SeriesKey("Team/A", "Api.Availability", slash);
    SeriesKey second = new SeriesKey("Team/A", "Api.Availability", unicode);
    SeriesKey third = new SeriesKey("Team/A", "Api.Availability", empty);
    SeriesKey otherCase = new SeriesKey("team/a", "api.availability", slash);
    store.write(first, series(DAY_START, 1, 1));
    store.write(second, series(DAY_START, 2, 2));
    store.write(third, series(DAY_START, 3, 3));
    store.write(otherCase, series(DAY_START, 4, 4));
    assertThat(store.read(first, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(1);
    assertThat(store.read(second, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(2);
    assertThat(store.read(third, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(3);
    assertThat(store.read(otherCase, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(4);
    assertThat(store.series("Team/A", "Api.Availability")).containsExactlyInAnyOrder(first, second, third);
    assertThat(store.series("team/a", "api.availability")).containsExactly(otherCase);
    assertThat(store.series("Team/A", "other")).isEmpty();
  }

  @Test
  void deletingAnSloDropsItsSeriesAndFingerprintOnly() {
    SeriesKey other = SeriesKey.of("team-a", "api-latency");
    SeriesKey grouped = new SeriesKey("team-a", "api-availability", Map.of("pod", "p1"));
    store.write(API, series(DAY_START, 1, 10));
    store.write(grouped, series(DAY_START, 1, 10));
    store.write(other, series(DAY_START, 2, 20));
    store.setFingerprint("team-a", "api-availability", "abc");
    store.setFingerprint("team-a", "api-latency", "def");
    store.deleteSlo("team-a", "api-availability");
    assertThat(store.series("team-a", "api-availability")).isEmpty();
    assertThat(store.read(API, DAY_START, DAY_START + 1).hasData(DAY_START)).isFalse();
    assertThat(store.read(grouped, DAY_START, DAY_START + 1).hasData(DAY_START)).isFalse();
    assertThat(store.fingerprint("team-a", "api-availability")).isEmpty();
    assertThat(store.read(other, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(20);
    assertThat(store.fingerprint("team-a", "api-latency")).contains("def");
    store.deleteSlo("team-a", "never-existed");
    // A deleted SLO can be written again.
    store.write(API, series(DAY_START, 0, 1));
    assertThat(store.read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(1);
  }

  @Test
  void fingerprintIsPerSloAndReplaced() {
    assertThat(store.fingerprint("team-a", "api-availability")).isEmpty();
    store.setFingerprint("team-a", "api-availability", "v1");
    store.setFingerprint("team-b", "api-availability", "other tenant");
    store.setFingerprint("team-a", "api-availability", "v2");
    assertThat(store.fingerprint("team-a", "api-availability")).contains("v2");
    assertThat(store.fingerprint("team-b", "api-availability")).contains("other tenant");
  }

  @Test
  void pruneDropsExactlyTheMinutesBeforeTheBoundary() {
    SeriesKey grouped = new SeriesKey("team-a", "api-availability", Map.of("pod", "p1"));
    MinuteSeries threeDays = new MinuteSeries(DAY_START, 3 * 1440);
    for (long minute = threeDays.startMinute(); minute < threeDays.endMinute(); minute++) {
      threeDays.set(minute, 1, 2);
    }
    store.write(API, threeDays);
    store.write(grouped, series(DAY_START, 1, 1));
    store.setFingerprint("team-a", "api-availability", "kept");
    long boundary = DAY_START + 1440 + 700;
    store.prune(boundary);
    MinuteSeries read = store.read(API, DAY_START, DAY_START + 3 * 1440);
    for (long minute = read.startMinute(); minute < read.endMinute(); minute++) {
      assertThat(read.hasData(minute)).as("minute %d", minute).isEqualTo(minute >= boundary);
    }
    assertThat(store.series("team-a", "api-availability")).as("a series pruned empty is gone").containsExactly(API);
    assertThat(store.fingerprint("team-a", "api-availability")).contains("kept");
  }
}

package dev.tonari.rules.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.remotewrite.WriteRequestDecoder.Sample;
import dev.tonari.rules.remotewrite.WriteRequestDecoder.Series;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class WriteRequestEncoderTest {
  /** Prometheus' stale marker: a NaN with its own payload, which must reach the receiver bit for bit. */
  private static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  @Test
  void samplesOfOneSeriesShareATimeSeriesInTimestampOrder() throws IOException {
    List<RecordedSample> samples = List.of(
        sample(Map.of("__name__", "job:errors:rate5m", "job", "api"), 2_000, 0.5),
        sample(Map.of("__name__", "job:errors:rate5m", "job", "web"), 1_000, 7),
        sample(Map.of("__name__", "job:errors:rate5m", "job", "api"), 1_000, 0.25));

    List<Series> series = WriteRequestDecoder.decode(WriteRequestEncoder.encode(samples));

    assertThat(series).hasSize(2);
    assertThat(series.get(0).labels()).containsExactly(Map.entry("__name__", "job:errors:rate5m"), Map.entry("job", "api"));
    assertThat(series.get(0).samples()).containsExactly(new Sample(Double.doubleToRawLongBits(0.25), 1_000),
        new Sample(Double.doubleToRawLongBits(0.5), 2_000));
    assertThat(series.get(1).labels()).containsExactly(Map.entry("__name__", "job:errors:rate5m"), Map.entry("job", "web"));
    assertThat(series.get(1).samples()).containsExactly(new Sample(Double.doubleToRawLongBits(7), 1_000));
  }

  @Test
  void theSmallestRequestHasTheExpectedBytes() throws IOException {
    byte[] bytes = WriteRequestEncoder.encode(List.of(sample(Map.of("__name__", "a"), 1, 0)));
    // timeseries(1, len 28) { labels(1, len 13) { name(1) "__name__", value(2) "a" }, samples(2, len 11) { value(1) 0.0, timestamp(2) 1 } }
    byte[] expected = {
        0x0a, 28,
        0x0a, 13, 0x0a, 8, '_', '_', 'n', 'a', 'm', 'e', '_', '_', 0x12, 1, 'a',
        0x12, 11, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 1};
    assertThat(bytes).containsExactly(expected);
    assertThat(Snappy.uncompress(WriteRequestEncoder.encodeCompressed(List.of(sample(Map.of("__name__", "a"), 1, 0))))).containsExactly(expected);
  }

  @Test
  void labelsWithAnEmptyValueAreLeftOutAsPrometheusHasNoSuchLabel() throws IOException {
    List<Series> series = WriteRequestDecoder.decode(WriteRequestEncoder.encode(
        List.of(sample(Map.of("__name__", "m", "empty", "", "zone", "eu"), 5, 1))));

    assertThat(series.get(0).labels()).containsExactly(Map.entry("__name__", "m"), Map.entry("zone", "eu"));
  }

  @Test
  void labelsAreInCodePointOrderWhichIsUtf8ByteOrder() throws IOException {
    // U+FFFF sorts before U+1F600 by code point (and UTF-8 bytes), after it by Java's UTF-16 units.
    String bmp = "\uFFFF";
    String emoji = "\uD83D\uDE00";
    List<Series> series = WriteRequestDecoder.decode(WriteRequestEncoder.encode(List.of(sample(Map.of("__name__", "m", emoji, "x", bmp, "y"), 5, 1))));

    assertThat(series.get(0).labels()).extracting(Map.Entry::getKey).containsExactly("__name__", bmp, emoji);
  }

  @Test
  void specialValuesKeepTheirBits() throws IOException {
    long[] bits = {STALE_NAN_BITS, Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
        Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Double.MIN_VALUE)};
    List<RecordedSample> samples = new ArrayList<>();
    for (int i = 0; i < bits.length; i++) {
      samples.add(sample(Map.of("__name__", "m"), i, Double.longBitsToDouble(bits[i])));
    }
    List<Series> series = WriteRequestDecoder.decodeCompressed(WriteRequestEncoder.encodeCompressed(samples));

    assertThat(series).hasSize(1);
    assertThat(series.get(0).samples()).extracting(Sample::valueBits).containsExactly(bits[0], bits[1], bits[2], bits[3], bits[4], bits[5]);
  }

  @Test
  void anEmptyBatchIsAnEmptyRequest() throws IOException {
    assertThat(WriteRequestEncoder.encode(List.of())).isEmpty();
    assertThat(WriteRequestDecoder.decodeCompressed(WriteRequestEncoder.encodeCompressed(List.of()))).isEmpty();
  }

  /** Random series, labels and values (special ones included) come back as they went, through snappy. */
  @Test
  void randomBatchesRoundTrip() throws IOException {
    Random random = new Random(20_261_206L);
    for (int round = 0; round < 300; round++) {
      int seriesCount = 1 + random.nextInt(6);
      List<Map<String, String>> labelSets = new ArrayList<>();
      for (int s = 0; s < seriesCount; s++) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("__name__", "rule:" + word(random) + ":" + s);
        int extra = random.nextInt(5);
        for (int l = 0; l < extra; l++) {
          labels.put(word(random), random.nextInt(8) == 0 ? "" : text(random));
        }
        labelSets.add(labels);
      }
      List<RecordedSample> samples = new ArrayList<>();
      int sampleCount = 1 + random.nextInt(40);
      for (int i = 0; i < sampleCount; i++) {
        samples.add(new RecordedSample(labelSets.get(random.nextInt(seriesCount)), timestamp(random), value(random)));
      }

      List<Series> decoded = WriteRequestDecoder.decodeCompressed(WriteRequestEncoder.encodeCompressed(samples));

      assertThat(decoded).as("round %d", round).isEqualTo(expected(samples));
    }
  }

  /** What the encoder's contract says the receiver sees: series in first-seen order, empty values gone, samples by timestamp. */
  private static List<Series> expected(List<RecordedSample> samples) {
    Map<Map<String, String>, List<RecordedSample>> bySeries = new LinkedHashMap<>();
    for (RecordedSample sample : samples) {
      bySeries.computeIfAbsent(sample.labels(), labels -> new ArrayList<>()).add(sample);
    }
    List<Series> series = new ArrayList<>();
    for (Map.Entry<Map<String, String>, List<RecordedSample>> entry : bySeries.entrySet()) {
      List<Map.Entry<String, String>> labels = entry.getKey().entrySet().stream().filter(label -> !label.getValue().isEmpty())
          .map(label -> Map.entry(label.getKey(), label.getValue()))
          .sorted(Map.Entry.comparingByKey(Comparator.comparing(WriteRequestEncoderTest::codePoints, java.util.Arrays::compare)))
          .toList();
      List<Sample> values = entry.getValue().stream().sorted(Comparator.comparingLong(RecordedSample::timestampMillis))
          .map(sample -> new Sample(Double.doubleToRawLongBits(sample.value()), sample.timestampMillis())).toList();
      series.add(new Series(labels, values));
    }
    return series;
  }

  private static int[] codePoints(String text) {
    return text.codePoints().toArray();
  }

  private static String word(Random random) {
    String letters = "abcdefghijklmnopqrstuvwxyz_ABCXYZ";
    StringBuilder word = new StringBuilder();
    int length = 1 + random.nextInt(10);
    for (int i = 0; i < length; i++) {
      word.append(letters.charAt(random.nextInt(letters.length())));
    }
    return word.toString();
  }

  /** Label values with multi-byte UTF-8, emoji (surrogate pairs) and control characters. */
  private static String text(Random random) {
    int[] pool = {'a', 'z', '0', ' ', '"', '\\', '\n', 0x7f, 0xe9, 0x4e2d, 0xfffd, 0x1f600, 0x10ffff};
    StringBuilder text = new StringBuilder();
    int length = 1 + random.nextInt(12);
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(pool[random.nextInt(pool.length)]);
    }
    return text.toString();
  }

  private static long timestamp(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> -random.nextInt(1_000_000);
      default -> 1_700_000_000_000L + random.nextInt(100_000);
    };
  }

  private static double value(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> Double.NaN;
      case 1 -> Double.longBitsToDouble(STALE_NAN_BITS);
      case 2 -> Double.POSITIVE_INFINITY;
      case 3 -> Double.NEGATIVE_INFINITY;
      case 4 -> -0.0;
      case 5 -> Double.longBitsToDouble(random.nextLong());
      default -> random.nextGaussian() * 1e6;
    };
  }

  private static RecordedSample sample(Map<String, String> labels, long timestampMillis, double value) {
    return new RecordedSample(labels, timestampMillis, value);
  }
}

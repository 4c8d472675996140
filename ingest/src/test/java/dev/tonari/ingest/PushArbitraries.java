package dev.tonari.ingest;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of push requests: valid label names, any Unicode in values, lines and metadata. */
final class PushArbitraries {
  private PushArbitraries() {}

  /** Any Unicode text except lone surrogates (which UTF-8 cannot carry), including emoji and controls. */
  static Arbitrary<String> unicodeText(int maxCodePoints) {
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)));
    return codePoint.list().ofMaxSize(maxCodePoints).map(points -> {
      StringBuilder sb = new StringBuilder(points.size() * 2);
      for (int p : points) {
        sb.appendCodePoint(p);
      }
      return sb.toString();
    });
  }

  static Arbitrary<String> labelNames() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').with('_');
    Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars('_').ofMaxLength(12);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  static Arbitrary<Labels> labels(int minSize, int maxSize) {
    return Arbitraries.maps(labelNames(), unicodeText(16)).ofMinSize(minSize).ofMaxSize(maxSize).map(Labels::of);
  }

  static Arbitrary<LogEntry> entries() {
    Arbitrary<Long> timestamps = Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.longs().between(1_600_000_000_000_000_000L, 1_800_000_000_000_000_000L),
        Arbitraries.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, -999_999_999L, 1_000_000_000L));
    return Combinators.combine(timestamps, unicodeText(120), labels(0, 3)).as(LogEntry::new);
  }

  static Arbitrary<StreamBatch> streams() {
    return Combinators.combine(labels(1, 5), entries().list().ofMaxSize(6)).as(StreamBatch::new);
  }

  static Arbitrary<PushRequest> requests() {
    return streams().list().ofMaxSize(4).map(PushRequest::new);
  }

  static PushRequest sample() {
    return new PushRequest(List.of(
        new StreamBatch(Labels.of(Map.of("app", "api", "env", "prod")), List.of(
            new LogEntry(1_700_000_000_000_000_000L, "level=info msg=\"started\""),
            new LogEntry(1_700_000_000_000_000_001L, "level=error msg=\"boom\" trace=abc", Labels.of("trace_id", "abc")))),
        new StreamBatch(Labels.of("app", "web"), List.of(new LogEntry(1_700_000_001_000_000_000L, "GET / 200 ☃ 😀")))));
  }
}

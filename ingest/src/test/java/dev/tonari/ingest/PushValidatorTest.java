package dev.tonari.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Each of Loki's distributor rules fires with Loki's message, and none fires on valid input. */
class PushValidatorTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;
  private static final PushValidator VALIDATOR = new PushValidator(Clock.fixed(NOW, ZoneOffset.UTC));
  private static final Limits LIMITS = Limits.defaults();
  private static final Labels APP = Labels.of("app", "api");

  private static ValidationResult validate(Limits limits, StreamBatch... streams) {
    return VALIDATOR.validate("team-a", new PushRequest(List.of(streams)), limits);
  }

  private static StreamBatch stream(Labels labels, LogEntry... entries) {
    return new StreamBatch(labels, List.of(entries));
  }

  private static LogEntry at(long nanos, String line) {
    return new LogEntry(nanos, line);
  }

  @Test
  void validPushIsAcceptedWith204() {
    ValidationResult result = validate(LIMITS, stream(APP, at(NOW_NANOS, "a"), at(NOW_NANOS - 1, "")));
    assertThat(result.status()).isEqualTo(204);
    assertThat(result.message()).isEmpty();
    assertThat(result.reasons()).isEmpty();
    assertThat(result.acceptedEntries()).isEqualTo(2);
    assertThat(result.accepted()).containsExactly(stream(APP, at(NOW_NANOS, "a"), at(NOW_NANOS - 1, "")));
  }

  @Test
  void emptyPushIsFine() {
    ValidationResult result = validate(LIMITS);
    assertThat(result.status()).isEqualTo(204);
    assertThat(result.accepted()).isEmpty();
  }

  @Test
  void streamWithoutLabelsIsRefused() {
    ValidationResult result = validate(LIMITS, stream(Labels.EMPTY, at(NOW_NANOS, "x")));
    assertThat(result.status()).isEqualTo(400);
    assertThat(result.reasons()).containsExactly("error at least one label pair is required per stream");
  }

  @Test
  void invalidLabelNameRefusesTheStream() {
    ValidationResult result = validate(LIMITS, stream(Labels.of("app-name", "x"), at(NOW_NANOS, "x")));
    assertThat(result.rejectedEntries()).isEqualTo(1);
    assertThat(result.reasons()).singleElement().asString()
        .startsWith("Error parsing labels '{app-name=\"x\"}' with error: invalid label name 'app-name'");
  }

  @Test
  void tooManyLabelNamesRefusesTheStreamButServiceNameIsNotCounted() {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      pairs.add("l" + i);
      pairs.add("v");
    }
    Labels fifteen = Labels.of(pairs.toArray(String[]::new));
    assertThat(validate(LIMITS, stream(fifteen, at(NOW_NANOS, "x"))).status()).isEqualTo(204);
    assertThat(validate(LIMITS, stream(fifteen.with("service_name", "svc"), at(NOW_NANOS, "x"))).status()).isEqualTo(204);
    Labels sixteen = fifteen.with("extra", "v");
    ValidationResult result = validate(LIMITS, stream(sixteen, at(NOW_NANOS, "x"), at(NOW_NANOS, "y")));
    assertThat(result.rejectedEntries()).isEqualTo(2);
    assertThat(result.reasons()).containsExactly("entry for stream '" + sixteen + "' has 16 label names; limit 15");
  }

  @Test
  void labelNameAndValueLengthsAreLimitedInBytes() {
    Limits limits = new Limits(true, Duration.ofHours(168), Duration.ofMinutes(10), 256 * 1024, false, 15, 4, 3, 1 << 20);
    assertThat(validate(limits, stream(Labels.of("abcd", "é"), at(NOW_NANOS, "x"))).status()).isEqualTo(204);
    Labels longName = Labels.of("abcde", "v");
    assertThat(validate(limits, stream(longName, at(NOW_NANOS, "x"))).reasons())
        .containsExactly("stream '{abcde=\"v\"}' has label name too long: 'abcde'");
    // "éé" is 2 characters but 4 UTF-8 bytes: Loki counts bytes.
    Labels longValue = Labels.of("app", "éé");
    assertThat(validate(limits, stream(longValue, at(NOW_NANOS, "x"))).reasons())
        .containsExactly("stream '{app=\"éé\"}' has label value too long: 'éé'");
  }

  @Test
  void tooOldEntriesAreRefusedUnlessSwitchedOff() {
    long old = NOW_NANOS - Duration.ofHours(169).toNanos();
    ValidationResult result = validate(LIMITS, stream(APP, at(old, "old"), at(NOW_NANOS, "new")));
    assertThat(result.status()).isEqualTo(400);
    assertThat(result.reasons()).containsExactly(
        "entry for stream '{app=\"api\"}' has timestamp too old: 2025-02-22T11:00:00Z, oldest acceptable timestamp is: 2025-02-22T12:00:00Z");
    assertThat(result.accepted()).containsExactly(stream(APP, at(NOW_NANOS, "new")));
    assertThat(result.message()).startsWith("1 of 2 entries refused, 1 accepted:\nentry for stream");

    ValidationResult imported = validate(LIMITS.withRejectOldSamples(false), stream(APP, at(old, "old")));
    assertThat(imported.status()).isEqualTo(204);
    assertThat(imported.acceptedEntries()).isEqualTo(1);
  }

  @Test
  void entriesBeyondTheCreationGracePeriodAreRefused() {
    long justInside = NOW_NANOS + Duration.ofMinutes(10).toNanos();
    long tooNew = justInside + 1_000_000_000L;
    ValidationResult result = validate(LIMITS, stream(APP, at(justInside, "ok"), at(tooNew, "future")));
    assertThat(result.acceptedEntries()).isEqualTo(1);
    assertThat(result.reasons()).containsExactly("entry for stream '{app=\"api\"}' has timestamp too new: 2025-03-01T12:10:01Z");
  }

  @Test
  void tooLongLinesAreRefusedOrTruncated() {
    Limits limits = LIMITS.withMaxLineSize(10, false);
    String exactly = "0123456789";
    String over = "é".repeat(6);
    ValidationResult result = validate(limits, stream(APP, at(NOW_NANOS, exactly), at(NOW_NANOS, over)));
    assertThat(result.reasons()).containsExactly(
        "Max entry size '10' bytes exceeded for stream '{app=\"api\"}' while adding an entry with length '12' bytes");
    assertThat(result.accepted()).containsExactly(stream(APP, at(NOW_NANOS, exactly)));

    ValidationResult truncated = validate(LIMITS.withMaxLineSize(10, true), stream(APP, at(NOW_NANOS, over), at(NOW_NANOS, "😀😀😀")));
    assertThat(truncated.status()).isEqualTo(204);
    // Cut at a character boundary: 5 × 2 bytes, and 2 × 4 bytes.
    assertThat(truncated.accepted()).containsExactly(stream(APP, at(NOW_NANOS, "é".repeat(5)), at(NOW_NANOS, "😀😀")));
  }

  @Test
  void rejectedStreamsFromTheDecoderCountAndGoodStreamsAreKept() throws Exception {
    String body = "{\"streams\":[{\"stream\":{\"a\":\"1\",\"a\":\"2\"},\"values\":[[\"" + NOW_NANOS + "\",\"x\"],[\"" + NOW_NANOS + "\",\"y\"]]},"
        + "{\"stream\":{\"app\":\"api\"},\"values\":[[\"" + NOW_NANOS + "\",\"kept\"]]}]}";
    PushRequest request = PushDecoder.decode("application/json", null, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1 << 20);
    ValidationResult result = VALIDATOR.validate("team-a", request, LIMITS);
    assertThat(result.status()).isEqualTo(400);
    assertThat(result.rejectedEntries()).isEqualTo(2);
    assertThat(result.reasons()).containsExactly("stream '{a=\"1\", a=\"2\"}' has duplicate label name: 'a'");
    assertThat(result.accepted()).containsExactly(stream(APP, at(NOW_NANOS, "kept")));
    assertThat(result.message()).isEqualTo("2 of 3 entries refused, 1 accepted:\nstream '{a=\"1\", a=\"2\"}' has duplicate label name: 'a'");
  }

  @Test
  void unparseableProtobufLabelsRefuseOnlyThatStream() throws Exception {
    byte[] good = PushEncoder.protobuf(new PushRequest(List.of(stream(APP, at(NOW_NANOS, "kept")))));
    // Hand-made StreamAdapter whose label text is broken: field 1 (labels) + field 2 (one entry with a line).
    byte[] labels = "{app=}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] entry = {0x0A, 0x00, 0x12, 0x01, 'x'};
    byte[] badStream = new byte[2 + labels.length + 2 + entry.length];
    badStream[0] = 0x0A;
    badStream[1] = (byte) labels.length;
    System.arraycopy(labels, 0, badStream, 2, labels.length);
    badStream[2 + labels.length] = 0x12;
    badStream[3 + labels.length] = (byte) entry.length;
    System.arraycopy(entry, 0, badStream, 4 + labels.length, entry.length);
    byte[] body = new byte[good.length + 2 + badStream.length];
    System.arraycopy(good, 0, body, 0, good.length);
    body[good.length] = 0x0A;
    body[good.length + 1] = (byte) badStream.length;
    System.arraycopy(badStream, 0, body, good.length + 2, badStream.length);

    PushRequest request = PushDecoder.decode("application/x-protobuf", null, PushEncoder.snappy(body), 1 << 20);
    ValidationResult result = VALIDATOR.validate("team-a", request, LIMITS);
    assertThat(result.accepted()).containsExactly(stream(APP, at(NOW_NANOS, "kept")));
    assertThat(result.rejectedEntries()).isEqualTo(1);
    assertThat(result.reasons()).singleElement().asString().startsWith("Error parsing labels '{app=}' with error: ");
  }

  @Test
  void sameStreamTwiceInOnePushIsOneBatch() {
    ValidationResult result = validate(LIMITS, stream(APP, at(NOW_NANOS, "1")), stream(Labels.of("app", "web"), at(NOW_NANOS, "2")),
        stream(APP, at(NOW_NANOS, "3")));
    assertThat(result.accepted()).containsExactly(
        stream(APP, at(NOW_NANOS, "1"), at(NOW_NANOS, "3")), stream(Labels.of("app", "web"), at(NOW_NANOS, "2")));
  }

  @Test
  void reasonsAreDistinctAndBounded() {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      entries.add(at(NOW_NANOS + Duration.ofHours(1 + i).toNanos(), "future " + i));
      entries.add(at(NOW_NANOS + Duration.ofHours(1).toNanos(), "same second"));
    }
    ValidationResult result = validate(LIMITS, new StreamBatch(APP, entries));
    assertThat(result.rejectedEntries()).isEqualTo(100);
    assertThat(result.reasons()).hasSize(ValidationResult.MAX_REASONS).doesNotHaveDuplicates();
  }

  @Provide
  Arbitrary<PushRequest> requests() {
    return PushArbitraries.requests();
  }

  /** Entries and streams are conserved: every entry is either accepted or counted as refused. */
  @Property(tries = 300)
  void everyEntryIsAcceptedOrRefused(@ForAll("requests") PushRequest request) {
    ValidationResult result = VALIDATOR.validate("team-a", request, LIMITS);
    int nonEmpty = request.streams().stream().mapToInt(s -> s.entries().size()).sum();
    assertThat(result.acceptedEntries() + result.rejectedEntries()).isEqualTo(nonEmpty);
    assertThat(result.accepted().stream().mapToInt(s -> s.entries().size()).sum()).isEqualTo(result.acceptedEntries());
    assertThat(result.status()).isEqualTo(result.rejectedEntries() == 0 ? 204 : 400);
    assertThat(result.reasons().isEmpty()).isEqualTo(result.rejectedEntries() == 0);
  }

  /** Generated streams all have valid labels; with entries inside the window, nothing may be refused. */
  @Property(tries = 300)
  void validInputIsNeverRefused(@ForAll("requests") PushRequest request) {
    List<StreamBatch> recentStreams = new ArrayList<>();
    for (StreamBatch s : request.streams()) {
      List<LogEntry> recent = new ArrayList<>();
      for (LogEntry e : s.entries()) {
        recent.add(new LogEntry(NOW_NANOS - Math.floorMod(e.timestampNanos(), Duration.ofHours(100).toNanos()), e.line(), e.metadata()));
      }
      recentStreams.add(new StreamBatch(s.labels(), recent));
    }
    ValidationResult result = VALIDATOR.validate("team-a", new PushRequest(recentStreams), LIMITS);
    assertThat(result.reasons()).isEmpty();
    assertThat(result.status()).isEqualTo(204);
  }
}

package dev.tonari.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bodies in the exact shapes real clients send, and the messages of malformed ones. */
class Loki4jBodyTest {
  private static final long LIMIT = 1 << 20;

  /**
   * The shape loki4j's logback appender (2.x, default JSON sender) writes: labels in "stream",
   * timestamps as strings, 3-element values when structured metadata is on (an empty object when
   * an event has none) and 2-element values when it is off; gzip is optional.
   */
  private static final String LOKI4J_BODY = """
      {"streams":[{"stream":{"agent":"loki4j","app":"my-app","host":"box-1"},"values":[\
      ["1735732800123000000","l=INFO c=com.example.Main t=main | Started in 1.2s",{"level":"INFO","thread":"main"}],\
      ["1735732800124000000","l=WARN c=com.example.Db t=pool-1 | slow query: \\"select 1\\"\\n\\tat Db.run",{}],\
      ["1735732800125000000","l=INFO c=com.example.Main t=main | plain two-element value"]]},\
      {"stream":{"agent":"loki4j","app":"my-app","level":"ERROR"},"values":[["1735732800126000000","boom ✗"]]}]}""";

  @Test
  void loki4jBodyDecodesWithTwoAndThreeElementValues() throws Exception {
    byte[] body = LOKI4J_BODY.getBytes(StandardCharsets.UTF_8);
    PushRequest expected = new PushRequest(List.of(
        new StreamBatch(Labels.of("agent", "loki4j", "app", "my-app", "host", "box-1"), List.of(
            new LogEntry(1735732800123000000L, "l=INFO c=com.example.Main t=main | Started in 1.2s", Labels.of("level", "INFO", "thread", "main")),
            new LogEntry(1735732800124000000L, "l=WARN c=com.example.Db t=pool-1 | slow query: \"select 1\"\n\tat Db.run"),
            new LogEntry(1735732800125000000L, "l=INFO c=com.example.Main t=main | plain two-element value"))),
        new StreamBatch(Labels.of("agent", "loki4j", "app", "my-app", "level", "ERROR"), List.of(
            new LogEntry(1735732800126000000L, "boom ✗")))));
    assertThat(PushDecoder.decode("application/json", null, body, LIMIT)).isEqualTo(expected);
    assertThat(PushDecoder.decode("application/json; charset=utf-8", "gzip", PushEncoder.gzip(body), LIMIT)).isEqualTo(expected);
  }

  @Test
  void numericTimestampsAndUnknownFieldsAreAccepted() throws Exception {
    String body = "{\"extra\":{\"nested\":[1,2,{}]},\"streams\":[{\"values\":[[1700000000000000000,\"n\",null]],\"stream\":{\"app\":\"x\"},\"hash\":7}]}";
    PushRequest decoded = PushDecoder.decode("application/json", null, body.getBytes(StandardCharsets.UTF_8), LIMIT);
    assertThat(decoded.streams()).containsExactly(new StreamBatch(Labels.of("app", "x"), List.of(new LogEntry(1700000000000000000L, "n"))));
  }

  @Test
  void malformedJsonNamesTheProblemAndTheOffset() {
    String body = "{\"streams\":[{\"stream\":{\"app\":\"x\"},\"values\":[[\"17x\",\"line\"]]}]}";
    PushException e = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/json", null, body.getBytes(StandardCharsets.UTF_8), LIMIT));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .startsWith("error parsing push request: json: timestamp \"17x\" is not a number of nanoseconds since the epoch at byte offset 45 of ")
        .contains("near '");

    PushException syntax = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/json", null, "{\"streams\":[{\"stream\":}]}".getBytes(StandardCharsets.UTF_8), LIMIT));
    assertThat(syntax.getMessage()).startsWith("error parsing push request: json: ").contains("at byte offset 22").contains(">>}");

    PushException fourElements = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/json", null, "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"l\",{},\"x\"]]}]}".getBytes(StandardCharsets.UTF_8), LIMIT));
    assertThat(fourElements.getMessage()).contains("a value has 2 or 3 elements");

    PushException trailing = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/json", null, "{\"streams\":[]} x".getBytes(StandardCharsets.UTF_8), LIMIT));
    assertThat(trailing.status()).isEqualTo(400);

    PushException empty = catchThrowableOfType(PushException.class, () -> PushDecoder.decode("application/json", null, new byte[0], LIMIT));
    assertThat(empty.getMessage()).contains("empty body");
  }

  @Test
  void timestampOverflowIsAParseError() {
    String body = "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"9223372036854775808\",\"l\"]]}]}";
    PushException e = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/json", null, body.getBytes(StandardCharsets.UTF_8), LIMIT));
    assertThat(e.getMessage()).contains("does not fit in 64 bits");
    String min = "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"-9223372036854775808\",\"l\"]]}]}";
    assertThat(catchThrowableOfType(PushException.class,
        () -> assertThat(PushDecoder.decode("application/json", null, min.getBytes(StandardCharsets.UTF_8), LIMIT).streams().get(0).entries().get(0).timestampNanos())
            .isEqualTo(Long.MIN_VALUE))).isNull();
  }

  @Test
  void corruptSnappyIsAParseError() {
    PushException e = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/x-protobuf", null, "not snappy at all".getBytes(StandardCharsets.UTF_8), LIMIT));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).startsWith("error parsing push request: snappy");
  }

  @Test
  void truncatedProtobufIsAParseErrorWithOffset() {
    byte[] protobuf = PushEncoder.protobuf(PushArbitraries.sample());
    byte[] truncated = java.util.Arrays.copyOf(protobuf, protobuf.length - 3);
    PushException e = catchThrowableOfType(PushException.class,
        () -> PushDecoder.decode("application/x-protobuf", null, PushEncoder.snappy(truncated), LIMIT));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).startsWith("error parsing push request: protobuf: ").contains("at byte offset");
  }
}

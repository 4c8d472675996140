package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Examples of what the byte-level scanners read and what they leave to the String parsers. */
class FieldScannerTest {
  private static final FieldKeys KEYS = new FieldKeys(new String[] {"status", "latency_ms"}, new int[] {0, 1}, 2);

  @Test
  void logfmtReadsTheWantedPairsAndTheLastOfDuplicates() {
    LogfmtFieldScanner scanner = new LogfmtFieldScanner(KEYS);
    byte[] line = bytes("level=info status=200 msg=\"a b\" junk=\"x\"y latency_ms=3.5 status=503 status=");
    assertThat(scanner.scan(line, 0, line.length)).isTrue();
    assertThat(value(line, scanner.valueStart[0], scanner.valueEnd[0])).isEqualTo("503");
    assertThat(value(line, scanner.valueStart[1], scanner.valueEnd[1])).isEqualTo("3.5");
  }

  @Test
  void logfmtStartsTheNextPairRightAfterAClosingQuote() {
    LogfmtFieldScanner scanner = new LogfmtFieldScanner(KEYS);
    byte[] line = bytes("msg=\"x\"status=500 latency_ms=\"7\"junk");
    assertThat(scanner.scan(line, 0, line.length)).isTrue();
    assertThat(value(line, scanner.valueStart[0], scanner.valueEnd[0])).isEqualTo("500");
    assertThat(value(line, scanner.valueStart[1], scanner.valueEnd[1])).isEqualTo("7");
  }

  @Test
  void logfmtLeavesEscapedOrNonAsciiWantedValuesToTheStringParser() {
    LogfmtFieldScanner scanner = new LogfmtFieldScanner(KEYS);
    byte[] escaped = bytes("status=\"5\\u0030\"");
    assertThat(scanner.scan(escaped, 0, escaped.length)).isFalse();
    byte[] unwantedEscape = bytes("msg=\"a\\\"b\" status=\"500\"");
    assertThat(scanner.scan(unwantedEscape, 0, unwantedEscape.length)).isTrue();
    assertThat(value(unwantedEscape, scanner.valueStart[0], scanner.valueEnd[0])).isEqualTo("500");
    byte[] nonAscii = bytes("status=5\u00fc");
    assertThat(scanner.scan(nonAscii, 0, nonAscii.length)).isFalse();
  }

  @Test
  void logfmtComparesSanitizedKeysInPlace() {
    FieldKeys keys = new FieldKeys(new String[] {"a_b", "_1x"}, new int[] {0, 1}, 2);
    LogfmtFieldScanner scanner = new LogfmtFieldScanner(keys);
    byte[] line = bytes("a.b=1 1x=2");
    assertThat(scanner.scan(line, 0, line.length)).isTrue();
    assertThat(value(line, scanner.valueStart[0], scanner.valueEnd[0])).isEqualTo("1");
    assertThat(value(line, scanner.valueStart[1], scanner.valueEnd[1])).isEqualTo("2");
  }

  @Test
  void jsonFlattensNestedObjectsAndSkipsArraysAndNulls() {
    JsonFieldScanner scanner = new JsonFieldScanner(KEYS);
    byte[] line = bytes("{\"latency\":{\"ms\":12.25},\"status\":[500],\"x\":null, \"status\" : \"\"}");
    assertThat(scanner.scan(line, 0, line.length)).isTrue();
    assertThat(value(line, scanner.valueStart[1], scanner.valueEnd[1])).isEqualTo("12.25");
    // The empty string is set (JSON sets empty values), replacing nothing earlier: the array was skipped.
    assertThat(scanner.valueStart[0]).isEqualTo(scanner.valueEnd[0]).isPositive();
  }

  @Test
  void jsonLeavesMalformedOrDoubtfulLinesToTheStringParser() {
    JsonFieldScanner scanner = new JsonFieldScanner(KEYS);
    for (String line : new String[] {
      "{\"status\":200", "{\"status\":200,}", "{\"status\":200} x", "[1]", "{\"status\":01}", "{\"status\":\"5\\u0030\"}",
      "{\"st\\u0061tus\":1}", "{\"\\ud800\":null}", "{\"\\ud800\":[1]}", "{\"status\":tru}", "not json"
    }) {
      byte[] bytes = bytes(line);
      assertThat(scanner.scan(bytes, 0, bytes.length)).as(line).isFalse();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String value(byte[] line, int start, int end) {
    return start < 0 ? null : new String(line, start, end - start, StandardCharsets.UTF_8);
  }
}

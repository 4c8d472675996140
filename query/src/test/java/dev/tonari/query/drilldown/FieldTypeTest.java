package dev.tonari.query.drilldown;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loki's type detection, value by value, with Go's parsers' edges (not Java's). */
class FieldTypeTest {
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "0|INT", "1|INT", "-42|INT", "+7|INT", "9223372036854775807|INT",
      "9223372036854775808|FLOAT", "1.5|FLOAT", "-0.25|FLOAT", ".5|FLOAT", "1.|FLOAT", "1e3|FLOAT", "2E-7|FLOAT",
      "NaN|FLOAT", "inf|FLOAT", "-Infinity|FLOAT", "0x1p-2|FLOAT",
      "true|BOOLEAN", "False|BOOLEAN", "t|BOOLEAN", "F|BOOLEAN", "TRUE|BOOLEAN",
      "10ms|DURATION", "1h30m|DURATION", "-5s|DURATION", "1.5h|DURATION", "300us|DURATION", "2\u00b5s|DURATION",
      "5KB|BYTES", "10 MiB|BYTES", "1.5gb|BYTES", "3k|BYTES", "1,024 B|BYTES",
      "abc|STRING", "1d|STRING", "0x10|STRING", "1_000|STRING", "1f|STRING", "yes|STRING", "tRUE|STRING", "10 apples|STRING",
      "ms|STRING", "1.2.3|STRING", "u-12|STRING"})
  void typesAreLokis(String value, FieldType expected) {
    assertThat(FieldType.of(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"'',STRING", "' ',STRING"})
  void emptyAndBlankAreStrings(String value, FieldType expected) {
    assertThat(FieldType.of(value)).isEqualTo(expected);
  }

  @Property(tries = 3000, seed = "20261207")
  void anyTextGetsATypeWithoutThrowing(@ForAll String value) {
    assertThat(FieldType.of(value)).isNotNull();
  }

  @Property(tries = 1000, seed = "7")
  void everyLongIsAnIntAndEveryFiniteDoubleAFloatOrInt(@ForAll long number, @ForAll double real) {
    assertThat(FieldType.of(Long.toString(number))).isEqualTo(FieldType.INT);
    if (Double.isFinite(real)) {
      assertThat(FieldType.of(Double.toString(real))).isIn(FieldType.FLOAT, FieldType.INT);
    }
  }
}

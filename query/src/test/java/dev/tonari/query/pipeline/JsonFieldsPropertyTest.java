package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link JsonFields} against the json parser it mirrors: on random JSON objects both give the same
 * names and values, and on garbage JsonFields answers empty exactly when the parser sets {@code
 * __error__}, never throwing.
 */
class JsonFieldsPropertyTest {
  private static final Labels STREAM = Labels.of("app", "api");

  @Provide
  Arbitrary<String> objects() {
    Arbitrary<String> keys = Arbitraries.of("a", "b", "app", "x.y", "1st", " sp ", "\u00e9", "", "k_2");
    Arbitrary<String> scalars = Arbitraries.of("1", "-2.5e3", "true", "false", "null", "\"s\"", "\"a\\\"b\"", "\"\\u00e9\"", "[1,{\"a\":2}]", "{}");
    Arbitrary<String> flat = Arbitraries.maps(keys, scalars).ofMaxSize(5).map(JsonFieldsPropertyTest::object);
    Arbitrary<String> nested = Arbitraries.maps(keys, Arbitraries.oneOf(scalars, flat)).ofMaxSize(5).map(JsonFieldsPropertyTest::object);
    return Arbitraries.maps(keys, Arbitraries.oneOf(scalars, flat, nested)).ofMaxSize(6).map(JsonFieldsPropertyTest::object);
  }

  private static String object(Map<String, String> members) {
    StringBuilder out = new StringBuilder("{");
    members.forEach((key, value) -> out.append(out.length() > 1 ? "," : "").append('"').append(key).append("\":").append(value));
    return out.append('}').toString();
  }

  @Provide
  Arbitrary<String> garbage() {
    Arbitrary<String> pieces = Arbitraries.of("{", "}", "[", "]", "\"", ":", ",", "a", "1", "-", ".", "e", "true", "nul", " ", "\\", "\\u12");
    return Arbitraries.oneOf(pieces.list().ofMaxSize(30).map(list -> String.join("", list)), Arbitraries.strings().ofMaxLength(40));
  }

  @Property(tries = 1500, seed = "1207")
  void objectsGiveTheJsonParsersLabels(@ForAll("objects") String line) throws Exception {
    assertSameAsParser(line);
  }

  @Property(tries = 3000, seed = "2026")
  void garbageNeverThrowsAndFailsWhenTheParserFails(@ForAll("garbage") String line) throws Exception {
    assertSameAsParser(line);
  }

  private static void assertSameAsParser(String line) throws Exception {
    LogPipeline json = LogPipeline.compile(LogqlParser.parseLogSelector("{app=\"api\"} | json").pipeline());
    StreamPipeline stream = json.forStream(STREAM);
    stream.process(0, line, Labels.EMPTY);
    Optional<List<JsonFields.JsonField>> fields = JsonFields.of(line, name -> STREAM.get(name) != null);
    LabelsBuilder parsed = stream.labelsBuilder();
    assertThat(fields.isEmpty()).as(line).isEqualTo(parsed.hasError());
    if (fields.isPresent()) {
      TreeMap<String, String> expected = parsed.toMap();
      expected.remove("app");
      TreeMap<String, String> actual = new TreeMap<>();
      for (JsonFields.JsonField field : fields.get()) {
        actual.put(field.name(), field.value());
        assertThat(field.path()).isNotEmpty();
      }
      assertThat(actual).as(line).isEqualTo(expected);
    }
  }
}

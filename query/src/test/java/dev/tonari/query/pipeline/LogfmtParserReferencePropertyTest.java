package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@code | logfmt} against a reference built from the pairs themselves: random pairs (plain and
 * quoted values, escapes, multi-byte text, empty values) are printed as a line, and the labels
 * must be exactly the pairs with a non-empty value (the last of a repeated key). Then one fault
 * is put between two pairs: without {@code --strict} the pairs around it still come out; with it
 * only the pairs before it do, and the line is marked with Loki's message at the fault's 1-based
 * byte position.
 */
class LogfmtParserReferencePropertyTest {
  private static final Labels STREAM = Labels.of("job", "varlogs");
  private static final String[] KEYS = {"a", "level", "msg", "status", "user_id", "trace"};
  private static final String[] VALUES = {"", "ok", "GET", "12ms", "é", "日本", "with space", "quo\"te", "back\\slash", "tab\tin", "😀"};
  /** Faults and the message Loki's decoder gives, at the offset of the fault's first byte plus the given shift. */
  private static final String[][] FAULTS = {{"=x", "unexpected '='", "0"}, {"k==v", "unexpected '='", "2"}, {"k=\"a\\qb\"", "invalid quoted value", "8"}};

  @Property(tries = 400)
  void labelsAreThePairsAndAFaultStopsOnlyTheStrictParser(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    int count = 1 + random.nextInt(6);
    String[] keys = new String[count];
    String[] values = new String[count];
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < count; i++) {
      keys[i] = KEYS[random.nextInt(KEYS.length)];
      values[i] = VALUES[random.nextInt(VALUES.length)];
      if (i > 0) {
        line.append(random.nextBoolean() ? " " : "  ");
      }
      line.append(keys[i]).append('=').append(print(values[i], random));
    }
    assertThat(labels("| logfmt", line.toString())).as("labels of %s", line).isEqualTo(expected(keys, values, 0, count));

    int at = random.nextInt(count + 1);
    String[] fault = FAULTS[random.nextInt(FAULTS.length)];
    String before = prefix(keys, values, at, random);
    String after = suffix(keys, values, at, random);
    String faulty = before + fault[0] + after;
    assertThat(labels("| logfmt", faulty)).as("labels of %s", faulty).isEqualTo(merged(expected(keys, values, 0, at), expected(keys, values, at, count)));
    Map<String, String> strict = expected(keys, values, 0, at);
    int position = before.getBytes(StandardCharsets.UTF_8).length + Integer.parseInt(fault[2]) + 1;
    strict.put(LabelsBuilder.ERROR_LABEL, "LogfmtParserErr");
    strict.put(LabelsBuilder.ERROR_DETAILS_LABEL, "logfmt syntax error at pos " + position + " : " + fault[1]);
    assertThat(labels("| logfmt --strict", faulty)).as("strict labels of %s", faulty).isEqualTo(strict);
  }

  private static String prefix(String[] keys, String[] values, int end, Random random) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < end; i++) {
      out.append(keys[i]).append('=').append(print(values[i], random)).append(' ');
    }
    return out.toString();
  }

  private static String suffix(String[] keys, String[] values, int start, Random random) {
    StringBuilder out = new StringBuilder();
    for (int i = start; i < keys.length; i++) {
      out.append(' ').append(keys[i]).append('=').append(print(values[i], random));
    }
    return out.toString();
  }

  /** A value as a logfmt writer prints it: bare when it can be, else quoted with escapes. */
  private static String print(String value, Random random) {
    boolean bare = !value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\');
    if (bare && random.nextBoolean()) {
      return value;
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static Map<String, String> expected(String[] keys, String[] values, int from, int to) {
    Map<String, String> labels = new TreeMap<>(STREAM.toMap());
    for (int i = from; i < to; i++) {
      // An empty value adds nothing, and leaves an earlier value of the key as it was.
      if (!values[i].isEmpty()) {
        labels.put(keys[i], values[i]);
      }
    }
    return labels;
  }

  private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
    Map<String, String> labels = new TreeMap<>(first);
    labels.putAll(second);
    return labels;
  }

  private static Map<String, String> labels(String stage, String line) throws Exception {
    StreamPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector("{job=\"varlogs\"} " + stage).pipeline()).forStream(STREAM);
    assertThat(pipeline.process(0, line, Labels.EMPTY)).isTrue();
    return new TreeMap<>(pipeline.labels().toMap());
  }
}

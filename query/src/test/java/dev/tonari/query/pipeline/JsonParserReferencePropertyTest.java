package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@code | json} against a reference built from the value tree itself: random JSON objects (nested
 * objects, arrays, escapes, numbers, booleans, nulls, keys that need sanitizing) are printed, and
 * the labels the stage extracts must be exactly the tree's leaves flattened as Loki flattens them.
 * Every prefix of such a line (a line cut short) must keep a subset of those labels with their
 * values, and be marked {@code JSONParserErr} with one of the parser library's messages, unless
 * the cut leaves a whole object.
 */
class JsonParserReferencePropertyTest {
  private static final Labels STREAM = Labels.of("job", "varlogs");
  private static final List<String> MESSAGES =
      List.of(
          JsonObjectWalker.MALFORMED_JSON,
          JsonObjectWalker.MALFORMED_STRING,
          JsonObjectWalker.MALFORMED_ARRAY,
          JsonObjectWalker.MALFORMED_OBJECT,
          JsonObjectWalker.UNKNOWN_VALUE_TYPE,
          JsonObjectWalker.MALFORMED_STRING_ESCAPE);
  private static final String[] KEYS = {"a", "level", "msg", "user-id", "9lives", "job", "x.y", "é", "status"};
  private static final String[] STRINGS = {"", "ok", "tab\there", "quote\"d", "back\\slash", "é", "😀", "line\nbreak", "/path"};

  /** A JSON value and the text it prints as. */
  private sealed interface Node permits Leaf, Obj, Arr {}

  private record Leaf(String json, String labelValue) implements Node {}

  private record Obj(List<Map.Entry<String, Node>> fields) implements Node {}

  private record Arr(List<Node> items) implements Node {}

  @Property(tries = 400)
  void wholeLinesGiveTheFlattenedLeavesAndCutLinesAPrefixOfThem(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    Obj tree = object(random, 0);
    String line = print(tree, random);
    TreeMap<String, String> expected = new TreeMap<>(STREAM.toMap());
    flatten(tree, "", expected);

    StreamPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector("{job=\"varlogs\"} | json").pipeline()).forStream(STREAM);
    assertThat(pipeline.process(0, line, Labels.EMPTY)).isTrue();
    assertThat(pipeline.labels().toMap()).as("labels of %s", line.replace("\n", "<NL>")).isEqualTo(expected);

    for (int cut = 0; cut < line.length(); cut += 1 + random.nextInt(3)) {
      String prefix = line.substring(0, cut);
      assertThat(pipeline.process(0, prefix, Labels.EMPTY)).isTrue();
      Map<String, String> labels = new TreeMap<>(pipeline.labels().toMap());
      String error = labels.remove(LabelsBuilder.ERROR_LABEL);
      String details = labels.remove(LabelsBuilder.ERROR_DETAILS_LABEL);
      assertThat(error).as("error of %s", prefix).isEqualTo("JSONParserErr");
      assertThat(details).as("details of %s", prefix).isIn(MESSAGES);
      // A value cut short may be kept cut (a number, or a string whose end is mistaken): only names must be known.
      assertThat(expected.keySet()).as("labels of %s: %s", prefix.replace("\n", "<NL>"), labels).containsAll(labels.keySet());
    }
  }

  private static Obj object(Random random, int depth) {
    List<Map.Entry<String, Node>> fields = new ArrayList<>();
    int count = random.nextInt(depth == 0 ? 6 : 4);
    List<String> used = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = KEYS[random.nextInt(KEYS.length)] + (depth > 0 ? "" : "");
      if (used.contains(key)) {
        continue; // duplicate keys: the last wins in both, but keep the reference simple
      }
      used.add(key);
      fields.add(Map.entry(key, value(random, depth)));
    }
    return new Obj(fields);
  }

  private static Node value(Random random, int depth) {
    switch (random.nextInt(depth < 3 ? 7 : 5)) {
      case 0 -> {
        String text = STRINGS[random.nextInt(STRINGS.length)];
        return new Leaf(quote(text, random), text);
      }
      case 1 -> {
        String number = random.nextBoolean() ? Integer.toString(random.nextInt(2000) - 1000) : random.nextInt(100) + "." + random.nextInt(100) + "e" + random.nextInt(5);
        return new Leaf(number, number);
      }
      case 2 -> {
        boolean value = random.nextBoolean();
        return new Leaf(Boolean.toString(value), Boolean.toString(value));
      }
      case 3 -> {
        return new Leaf("null", null);
      }
      case 4 -> {
        List<Node> items = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          items.add(value(random, depth + 1));
        }
        return new Arr(items);
      }
      default -> {
        return object(random, depth + 1);
      }
    }
  }

  /** A JSON string, escaping some characters in one of the ways JSON allows. */
  private static String quote(String text, Random random) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append(random.nextBoolean() ? "\\t" : "\\u0009");
        case '/' -> out.append(random.nextBoolean() ? "\\/" : "/");
        default -> {
          // A character beyond the BMP is escaped as a whole surrogate pair or not at all.
          boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length();
          if (c > 127 && random.nextBoolean()) {
            out.append(String.format("\\u%04x", (int) c));
            if (pair) {
              out.append(String.format("\\u%04x", (int) text.charAt(++i)));
            }
          } else {
            out.append(c);
            if (pair) {
              out.append(text.charAt(++i));
            }
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String print(Node node, Random random) {
    String space = random.nextInt(3) == 0 ? " " : "";
    return switch (node) {
      case Leaf leaf -> leaf.json();
      case Arr arr -> {
        List<String> items = new ArrayList<>();
        for (Node item : arr.items()) {
          items.add(print(item, random));
        }
        yield "[" + String.join("," + space, items) + "]";
      }
      case Obj obj -> {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, Node> field : obj.fields()) {
          fields.add(quote(field.getKey(), random) + ":" + space + print(field.getValue(), random));
        }
        yield "{" + space + String.join("," + space, fields) + space + "}";
      }
    };
  }

  /** Loki's flattening: nested keys joined with '_', sanitized; arrays and nulls skipped; a stream label's name gets _extracted. */
  private static void flatten(Obj obj, String prefix, Map<String, String> labels) {
    for (Map.Entry<String, Node> field : obj.fields()) {
      String sanitized = LabelNames.sanitize(field.getKey(), prefix.isEmpty());
      String name = prefix.isEmpty() ? sanitized : prefix + "_" + sanitized;
      switch (field.getValue()) {
        case Obj child -> flatten(child, name, labels);
        case Arr ignored -> {}
        case Leaf leaf -> {
          if (leaf.labelValue() != null) {
            labels.put(STREAM.get(name) != null ? name + "_extracted" : name, leaf.labelValue());
          }
        }
      }
    }
  }
}

package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * {@link JsonFieldScanner} taking lines by their {@link JsonLineShape} against the full walk and
 * the String parser: one scanner reads a run of lines of one random structure (nested objects,
 * arrays, nulls, duplicate keys, wanted and unwanted names), where most lines keep the structure
 * with new values and some change a value's kind, hold values that do not parse (escapes, lone
 * surrogates, control bytes, bad numbers), are cut, get bytes spliced in or a duplicate key
 * appended. Each line lies in a buffer followed by the rest of the line it came from, so a shape
 * compared past the line's end would see matching bytes. For every line the scanner must answer
 * what a fresh scanner (which walks the whole line) answers, with the same value ranges, and a
 * line it takes must give the String parser's labels and no error.
 */
class JsonLineShapePropertyTest {
  private static final Labels STREAM = Labels.of("app", "a", "status", "201");
  private static final String[] WANTED = {"latency_ms", "a_b", "_1x", "level", "path", "status_extracted", "__error__"};
  private static final int ERROR_SLOT = 6;
  private static final FieldKeys KEYS = new FieldKeys(
      new String[] {"latency_ms", "a_b", "_1x", "level", "path", "status_extracted", "status", "__error__"},
      new int[] {0, 1, 2, 3, 4, 5, 5, 6},
      WANTED.length);
  private static final String[] KEY_NAMES = {"level", "status", "latency_ms", "path", "a", "b", "1x", "msg", "", "ts"};
  private static final String[] STRINGS = {
    "\"x\"", "\"\"", "\"GET /api\"", "\"a\\\"b\"", "\"\\u00e9\"", "\"\\ud800\"", "\"\u00fc\"", "\"\u0001\"", "\"\\q\"", "\"\\n\"", "\"error\""
  };
  private static final String[] SCALARS = {"1", "-2.5e3", "0", "12.75", "01", "1.", "-", "true", "false", "tru", "12345678901234567890"};
  private static final String[] SKIPPED = {"null", "[]", "[1,\"]\",{\"a\":null}]", "nul", "[1,]", "[", "[{\"k\\ud800\":1}]"};
  private static final String[] PIECES = {"{", "}", "\"", "\\", ":", ",", " ", "\"level\":\"v\"", "\u00fc", "\u0001", "x", "1", "null"};

  private static final AtomicLong LINES = new AtomicLong();
  private static final AtomicLong TAKEN_BY_SHAPE = new AtomicLong();

  /** A field of the structure: a key and either a leaf kind (0 string, 1 scalar, 2 skipped) or a nested object. */
  private record Field(String key, int kind, List<Field> children) {}

  @Property(tries = 1500)
  void aShapedLineGetsWhatTheFullWalkAndTheParserGive(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<Field> structure = structure(random, 0);
    JsonFieldScanner shaped = new JsonFieldScanner(KEYS);
    StreamPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector("{app=\"a\"} | json").pipeline()).forStream(STREAM);
    String spaces = random.nextInt(4) == 0 ? " " : "";
    int lines = 10 + random.nextInt(30);
    for (int i = 0; i < lines; i++) {
      String full = render(random, structure, spaces);
      String text = mutate(random, full);
      byte[] line = text.getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(20) == 0 && line.length > 0) {
        // A byte that is not UTF-8: the String parser sees U+FFFD there.
        line[random.nextInt(line.length)] = (byte) (0x80 + random.nextInt(0x80));
      }
      byte[] after = full.getBytes(StandardCharsets.UTF_8);
      int offset = random.nextInt(8);
      byte[] buffer = new byte[offset + line.length + after.length];
      System.arraycopy(line, 0, buffer, offset, line.length);
      System.arraycopy(after, 0, buffer, offset + line.length, after.length);

      long hitsBefore = shaped.linesTakenByShape;
      boolean taken = shaped.scan(buffer, offset, line.length);
      JsonFieldScanner walked = new JsonFieldScanner(KEYS);
      boolean walkedTaken = walked.scan(buffer, offset, line.length);
      String shown = new String(line, StandardCharsets.UTF_8);
      LINES.incrementAndGet();
      TAKEN_BY_SHAPE.addAndGet(shaped.linesTakenByShape - hitsBefore);
      assertThat(taken).as("taken: %s", shown).isEqualTo(walkedTaken);
      if (!taken) {
        continue;
      }
      assertThat(shaped.valueStart).as("starts of %s", shown).containsExactly(walked.valueStart);
      assertThat(shaped.valueEnd).as("ends of %s", shown).containsExactly(walked.valueEnd);
      if (shaped.valueStart[ERROR_SLOT] >= 0) {
        // A key naming __error__: the metric fast path hands such lines to the String pipeline.
        continue;
      }
      pipeline.process(0, new String(buffer, offset, line.length, StandardCharsets.UTF_8), Labels.EMPTY);
      LabelsBuilder labels = pipeline.labelsBuilder();
      assertThat(labels.error()).as("error of %s", shown).isNull();
      for (int slot = 0; slot < WANTED.length; slot++) {
        int start = shaped.valueStart[slot];
        String scanned = start < 0 ? null : new String(buffer, start, shaped.valueEnd[slot] - start, StandardCharsets.UTF_8);
        assertThat(scanned).as("%s of %s", WANTED[slot], shown).isEqualTo(labels.get(WANTED[slot]));
      }
    }
  }

  /** The shape must take a good share of the lines, or the property tests only the full walk. */
  @AfterContainer
  static void theShapeTookManyLines() {
    assertThat(TAKEN_BY_SHAPE.get()).as("lines taken by a shape of %d", LINES.get()).isGreaterThan(LINES.get() / 4);
  }

  private static List<Field> structure(Random random, int depth) {
    List<Field> fields = new ArrayList<>();
    // Now and then a line wider than the shape's first arrays, or than its limit of values.
    int widest = depth > 0 ? 4 : random.nextInt(10) == 0 ? 90 : 12;
    int count = random.nextInt(widest);
    for (int i = 0; i < count; i++) {
      String key = KEY_NAMES[random.nextInt(KEY_NAMES.length)];
      if (depth < 3 && random.nextInt(6) == 0) {
        fields.add(new Field(key, -1, structure(random, depth + 1)));
      } else {
        int kind = random.nextInt(5);
        fields.add(new Field(key, kind < 3 ? 0 : kind < 4 ? 1 : 2, List.of()));
      }
    }
    return fields;
  }

  private static String render(Random random, List<Field> structure, String spaces) {
    StringBuilder line = new StringBuilder();
    renderObject(random, structure, spaces, line);
    return line.toString();
  }

  private static void renderObject(Random random, List<Field> fields, String spaces, StringBuilder line) {
    line.append('{');
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      if (i > 0) {
        line.append(',').append(spaces);
      }
      line.append('"').append(field.key()).append("\":").append(spaces);
      if (field.kind() < 0) {
        renderObject(random, field.children(), spaces, line);
        continue;
      }
      // Mostly a value of the field's kind (the shape holds), sometimes another kind.
      int kind = random.nextInt(40) == 0 ? random.nextInt(3) : field.kind();
      String[] values = kind == 0 ? STRINGS : kind == 1 ? SCALARS : SKIPPED;
      // The first, valid values most of the time, so that most lines are clean.
      line.append(random.nextInt(25) != 0 ? values[random.nextInt(3)] : values[random.nextInt(values.length)]);
    }
    line.append('}');
  }

  private static String mutate(Random random, String line) {
    return switch (random.nextInt(16)) {
      case 0 -> line.substring(0, random.nextInt(line.length() + 1));
      case 1 -> {
        int at = random.nextInt(line.length() + 1);
        yield line.substring(0, at) + PIECES[random.nextInt(PIECES.length)] + line.substring(at);
      }
      case 2 -> line.length() > 2 && line.endsWith("}")
          // A later duplicate of a wanted key replaces the earlier value.
          ? line.substring(0, line.length() - 1) + (line.length() > 2 ? "," : "") + "\"level\":\"late\"}"
          : line;
      case 3 -> random.nextBoolean() ? line + " " : line + "x";
      default -> line;
    };
  }
}

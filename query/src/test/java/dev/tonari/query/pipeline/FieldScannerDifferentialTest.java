package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The byte-level scanners against the String parsers they stand in for ({@code | logfmt} and
 * {@code | json} without parameters), line by line: whenever a scanner takes a line (does not ask
 * for the String parser), the parser must set no error and give every wanted label exactly the
 * value the scanner found, and leave absent every label the scanner did not find. Lines are
 * random pieces of logfmt and JSON (quotes glued to the next pair, escapes of every kind, lone
 * surrogates, trailing commas, data after the object, non-ASCII and invalid UTF-8 bytes) and
 * well-formed lines cut or spliced. The stream has {@code status}, so {@code status_extracted} is
 * read from the key {@code status}, as {@link dev.tonari.query.pipeline.FieldKeys} is used by the
 * metric fast path.
 */
class FieldScannerDifferentialTest {
  private static final Labels STREAM = Labels.of("app", "a", "status", "201");
  /** Final label names, one slot each; {@code status_extracted} is also found under the key {@code status}. */
  private static final String[] WANTED = {"latency_ms", "a_b", "_1x", "latency", "level", "status_extracted", "__error__"};
  private static final int ERROR_SLOT = 6;
  private static final FieldKeys KEYS = new FieldKeys(
      new String[] {"latency_ms", "a_b", "_1x", "latency", "level", "status_extracted", "status", "__error__"},
      new int[] {0, 1, 2, 3, 4, 5, 5, 6},
      WANTED.length);
  private static final String[] PIECES = {
    "{", "}", "[", "]", "\"", "\\", ":", ",", "=", " ", "  ", "\t", "level", "status", "latency_ms", "latency", "a.b", "1x", "__error__",
    " level ", "200", "-1.5e3", "01", "1.", "true", "tru", "null", "nul", "\\u00e9", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\uZZ",
    "\\x", "\\n", "\\'", "\u00fc", "\ufffd", "\n", "\u0001", "_", "0", "\"v\"", "\"v\"junk", "=\"", "\":", "\",\"", "{\"level\":",
    "level=", "\"status\":", ",}", "}{", "} x", "k\\u0065y", "\"a\":{\"b\":", "\"\":"
  };

  @Property(tries = 5000)
  void aLineTheScannerTakesHasTheStringParsersLabels(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    byte[] line = randomLine(random);
    String text = new String(line, StandardCharsets.UTF_8);
    TRIES.incrementAndGet();
    LogfmtFieldScanner logfmt = new LogfmtFieldScanner(KEYS);
    if (logfmt.scan(line, 0, line.length)) {
      assertSameAsParser("logfmt", logfmt.valueStart, logfmt.valueEnd, line, text);
    }
    JsonFieldScanner json = new JsonFieldScanner(KEYS);
    if (json.scan(line, 0, line.length)) {
      assertSameAsParser("json", json.valueStart, json.valueEnd, line, text);
    }
  }

  /** Lines a scanner took and the parser checked, over all tries: most must be, or the property tests little. */
  private static final AtomicLong TAKEN = new AtomicLong();
  private static final AtomicLong TRIES = new AtomicLong();

  @AfterContainer
  static void theScannersTookManyLines() {
    assertThat(TAKEN.get()).as("lines taken by a scanner in %d tries", TRIES.get()).isGreaterThan(TRIES.get() / 4);
  }

  private static void assertSameAsParser(String parser, int[] starts, int[] ends, byte[] line, String text) throws Exception {
    if (starts[ERROR_SLOT] >= 0) {
      // A key naming __error__: the metric fast path hands such lines to the String pipeline.
      return;
    }
    StreamPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector("{app=\"a\"} | " + parser).pipeline()).forStream(STREAM);
    pipeline.process(0, text, Labels.EMPTY);
    LabelsBuilder labels = pipeline.labelsBuilder();
    TAKEN.incrementAndGet();
    assertThat(labels.error()).as("%s error of %s", parser, text).isNull();
    for (int slot = 0; slot < WANTED.length; slot++) {
      String scanned = starts[slot] < 0 ? null : new String(line, starts[slot], ends[slot] - starts[slot], StandardCharsets.UTF_8);
      assertThat(scanned).as("%s %s of %s", parser, WANTED[slot], text).isEqualTo(labels.get(WANTED[slot]));
    }
  }

  private static byte[] randomLine(Random random) {
    String line = switch (random.nextInt(4)) {
      case 0 -> pieces(random);
      case 1 -> logfmtLine(random);
      case 2 -> jsonObject(random, 0);
      default -> splice(random, random.nextBoolean() ? logfmtLine(random) : jsonObject(random, 0), pieces(random));
    };
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(10) == 0 && bytes.length > 0) {
      // A byte that is not UTF-8: the String parser sees U+FFFD there.
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
    }
    return bytes;
  }

  private static String pieces(Random random) {
    StringBuilder line = new StringBuilder();
    int count = random.nextInt(30);
    for (int i = 0; i < count; i++) {
      line.append(pick(random, PIECES));
    }
    return line.toString();
  }

  private static String logfmtLine(Random random) {
    StringBuilder line = new StringBuilder();
    int pairs = random.nextInt(6);
    for (int i = 0; i < pairs; i++) {
      if (i > 0 && random.nextInt(4) != 0) {
        line.append(' ');
      }
      line.append(pick(random, new String[] {"level", "status", "latency", "latency_ms", "a.b", "1x", "msg", " level"}));
      line.append(pick(random, new String[] {"=", "=", "=", "", "=\"", "=\"\\\""}));
      line.append(pick(random, new String[] {"200", "x", "\"x\"", "\"a b\"", "\"\"", "", "\"\\u00e9\"", "a=b", "\"q", "5\u00fc", "\"\\ud800\""}));
    }
    return line.toString();
  }

  private static String jsonObject(Random random, int depth) {
    StringBuilder line = new StringBuilder(random.nextInt(5) == 0 ? " {" : "{");
    int fields = random.nextInt(5);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append('"').append(pick(random, new String[] {"level", "status", "latency", "latency_ms", "a", "b", "a.b", "1x", "", " level", "k\\u0065y", "k\\ud800", "\\udc00"}));
      line.append("\":");
      line.append(switch (random.nextInt(8)) {
        case 0 -> depth < 3 ? jsonObject(random, depth + 1) : "{}";
        case 1 -> "[1,\"]\",{\"a\":null}]";
        default -> pick(random, new String[] {"1", "-2.5e3", "01", "1.", "true", "null", "\"s\"", "\"\"", "\"\\u00e9\"", "\"\\ud800\"", "\"\\x\"", "\"\u00fc\""});
      });
    }
    line.append(pick(random, new String[] {"}", "}", "}", " } ", ",}", "}x", "}{"}));
    return line.toString();
  }

  private static String splice(Random random, String line, String insert) {
    int at = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
    return random.nextBoolean() ? line.substring(0, at) + insert + line.substring(at) : line.substring(0, at);
  }

  private static String pick(Random random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }
}

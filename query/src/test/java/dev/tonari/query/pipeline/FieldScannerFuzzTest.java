package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The byte-level field scanners take any bytes: garbage, truncated and mixed logfmt/JSON lines at
 * any offset in a larger buffer. They never throw, and a value they report lies inside the line.
 */
class FieldScannerFuzzTest {
  private static final String[] PIECES = {
    "{", "}", "[", "]", "\"", "\\", ":", ",", "=", " ", "\t", "status", "latency_ms", "a.b", "1x", "200", "-1.5e3", "true", "null",
    "\\u00e9", "\\uZZ", "\u00fc", "\n", "latency", "_", "0", "00"
  };

  @Property(tries = 3000)
  void scannersNeverThrowAndStayInsideTheLine(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] buffer = new byte[300];
    random.nextBytes(buffer);
    byte[] line = randomLine(random);
    int offset = random.nextInt(buffer.length - line.length + 1);
    System.arraycopy(line, 0, buffer, offset, line.length);
    FieldKeys keys = new FieldKeys(new String[] {"status", "latency_ms", "a_b", "_1x", "latency"}, new int[] {0, 1, 2, 3, 1}, 4);
    LogfmtFieldScanner logfmt = new LogfmtFieldScanner(keys);
    JsonFieldScanner json = new JsonFieldScanner(keys);
    if (logfmt.scan(buffer, offset, line.length)) {
      assertInside(logfmt.valueStart, logfmt.valueEnd, offset, line.length);
    }
    if (json.scan(buffer, offset, line.length)) {
      assertInside(json.valueStart, json.valueEnd, offset, line.length);
    }
  }

  private static void assertInside(int[] starts, int[] ends, int offset, int length) {
    for (int slot = 0; slot < starts.length; slot++) {
      if (starts[slot] < 0) {
        assertThat(ends[slot]).isEqualTo(-1);
        continue;
      }
      assertThat(starts[slot]).isBetween(offset, offset + length);
      assertThat(ends[slot]).isBetween(starts[slot], offset + length);
    }
  }

  private static byte[] randomLine(Random random) {
    if (random.nextInt(5) == 0) {
      byte[] raw = new byte[random.nextInt(200)];
      random.nextBytes(raw);
      return raw;
    }
    StringBuilder line = new StringBuilder();
    int pieces = random.nextInt(40);
    for (int i = 0; i < pieces; i++) {
      line.append(PIECES[random.nextInt(PIECES.length)]);
    }
    byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
    return bytes.length > 300 ? java.util.Arrays.copyOf(bytes, 300) : bytes;
  }
}

package dev.tonari.store.part;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Templated lines round-trip byte for byte: seeded random lines of every shape the encoder treats
 * specially (numbers, hex, UUIDs, IPv4, date-times) and their near misses (leading zeros, too many
 * digits, mixed case, invalid dates, escaped marker bytes, invalid UTF-8).
 */
class TemplatedLinesPropertyTest {
  @Property(tries = 400)
  void everyLineRoundTripsByteExactly(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int count = 1 + random.nextInt(60);
    List<byte[]> lines = new ArrayList<>();
    long[] timestamps = new long[count];
    for (int i = 0; i < count; i++) {
      lines.add(TemplatedLineShapes.randomLine(random));
      timestamps[i] = TemplatedLineShapes.randomTimestamp(random);
    }
    assertRoundTrip(lines, timestamps);
  }

  @Test
  void exampleLinesRoundTripAndShrink() {
    List<String> examples = List.of(
        "",
        "ts=2026-12-06T00:43:34.243Z level=info trace_id=93054be33f7db1c23bccb5990bb9c92c status=200 duration=6.8ms",
        "10.42.224.191 - - [06/Dec/2026:00:43:34 +0000] \"GET /api/v1/customers/122434/cards HTTP/1.1\" 200 445",
        "id=550e8400-e29b-41d4-a716-446655440000 upper=550E8400-E29B-41D4-A716-446655440000",
        "leading 007 and 0 and 00 and 0000000000000000000001 and 1234567890123456789012345",
        "hex DEADBEEF00 deadbeef00 DeadBeef00 abc 0123456789abcdef0 ip 256.1.1.1 01.2.3.4 1.2.3.4.5 1.2.3.4",
        "2024-02-29 23:59:59 2023-02-29 23:59:59 2026-13-01T00:00:00 0000-01-01T00:00:00.000000001 9999-12-31T23:59:59.999999999",
        "2026-12-06T00:43:34. 2026-12-06T00:43:34.1234567890 2026-12-06T00:43:345");
    List<byte[]> lines = new ArrayList<>();
    for (String example : examples) {
      lines.add(example.getBytes(StandardCharsets.UTF_8));
    }
    long[] timestamps = new long[lines.size()];
    Arrays.fill(timestamps, 1_796_517_814_243_000_000L);
    TemplatedLinesEncoder encoder = assertRoundTrip(lines, timestamps);
    // The trace id, the UUID and the IPv4 went to the value column as bytes.
    assertThat(encoder.values.size()).isGreaterThanOrEqualTo(16 + 16 + 4);
    int raw = lines.stream().mapToInt(line -> line.length).sum();
    assertThat(encoder.skeleton.size() + encoder.numbers.size() + encoder.values.size()).isLessThan(raw);
  }

  @Test
  void markerBytesInLinesAreEscaped() {
    byte[] line = {0, 1, 2, 3, 4, 5, 6, 7, 8, 'a', (byte) 0xff, (byte) 0x80};
    TemplatedLinesEncoder encoder = assertRoundTrip(List.of(line), new long[] {0});
    assertThat(encoder.skeleton.size()).isEqualTo(8 * 2 + 4 + 1);
  }

  @Test
  void aSkeletonThatDoesNotAddUpIsRejected() {
    TemplatedLinesEncoder encoder = new TemplatedLinesEncoder();
    byte[] line = "a 12 b".getBytes(StandardCharsets.UTF_8);
    encoder.addLine(line, 0, line.length, 0);
    byte[] structure = Arrays.copyOf(encoder.skeleton.array(), encoder.skeleton.size() + encoder.numbers.size());
    System.arraycopy(encoder.numbers.array(), 0, structure, encoder.skeleton.size(), encoder.numbers.size());
    byte[] out = new byte[line.length];
    // Claiming two lines where the skeleton holds one, or fewer line bytes than it makes.
    assertThatThrownBy(() -> TemplatedLinesDecoder.decode(structure, 0, encoder.skeleton.size(), structure.length, new byte[0], 0, 0,
        2, new long[2], new byte[100], 0, line.length, new int[2], new int[2])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TemplatedLinesDecoder.decode(structure, 0, encoder.skeleton.size(), structure.length, new byte[0], 0, 0,
        1, new long[1], out, 0, line.length - 1, new int[1], new int[1])).isInstanceOf(IllegalStateException.class);
  }

  /** Encodes the lines, decodes them back and compares every byte; returns the encoder. */
  static TemplatedLinesEncoder assertRoundTrip(List<byte[]> lines, long[] timestamps) {
    TemplatedLinesEncoder encoder = new TemplatedLinesEncoder();
    int total = 0;
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i);
      // An offset into a larger array: the encoder must honour offset and length.
      byte[] padded = new byte[line.length + 4];
      System.arraycopy(line, 0, padded, 3, line.length);
      encoder.addLine(padded, 3, line.length, timestamps[i]);
      total += line.length;
    }
    int skeleton = encoder.skeleton.size();
    int numbers = encoder.numbers.size();
    byte[] structure = new byte[skeleton + numbers];
    System.arraycopy(encoder.skeleton.array(), 0, structure, 0, skeleton);
    System.arraycopy(encoder.numbers.array(), 0, structure, skeleton, numbers);
    byte[] values = Arrays.copyOf(encoder.values.array(), encoder.values.size());
    byte[] out = new byte[total + 7];
    int[] offsets = new int[lines.size()];
    int[] lengths = new int[lines.size()];
    TemplatedLinesDecoder.decode(structure, 0, skeleton, skeleton + numbers, values, 0, values.length, lines.size(), timestamps,
        out, 7, total + 7, offsets, lengths);
    for (int i = 0; i < lines.size(); i++) {
      byte[] decoded = Arrays.copyOfRange(out, offsets[i], offsets[i] + lengths[i]);
      assertThat(decoded).as("line %d: %s", i, new String(lines.get(i), StandardCharsets.ISO_8859_1)).isEqualTo(lines.get(i));
    }
    return encoder;
  }
}

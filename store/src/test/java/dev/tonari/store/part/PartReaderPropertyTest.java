package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The reader against a list-based reference for random data, time ranges, directions and {@code
 * |=} literals: pruning by time or bloom filter must never drop a matching entry.
 */
class PartReaderPropertyTest {
  @Property(tries = 150)
  void readerAgreesWithTheReference(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int blockTarget, @ForAll PartTestData.BufferKind kind) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(random, 3, 150);
    Path file = Files.createTempFile("tonari-property", ".part");
    try {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget), streams);
      PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, kind));
      int s = 0;
      for (List<Entry> entries : streams.values()) {
        for (int query = 0; query < 8; query++) {
          long min = entries.get(0).timestamp();
          long max = entries.get(entries.size() - 1).timestamp();
          long span = Math.max(1, max - min);
          long from = min - span / 4 + random.nextLong(span + span / 2 + 1);
          long to = from + random.nextLong(span + 2);
          Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
          List<String> literals = new ArrayList<>();
          LinePredicate filter = LinePredicate.ALL;
          LinePredicate reference = LinePredicate.ALL;
          if (random.nextInt(4) != 0) {
            String literal = randomLiteral(random, entries);
            literals.add(literal);
            filter = PartTestData.contains(literal);
            reference = filter;
            // Half the time as a LiteralLinePredicate, searched block-wide; sometimes two literals.
            if (random.nextBoolean()) {
              if (random.nextBoolean()) {
                literals.add(randomLiteral(random, entries));
              }
              filter = LiteralLinePredicate.containingAll(literals);
              LinePredicate first = PartTestData.contains(literals.get(0));
              LinePredicate second = PartTestData.contains(literals.get(literals.size() - 1));
              reference = (buffer, offset, length) -> first.test(buffer, offset, length) && second.test(buffer, offset, length);
            }
          }
          List<Entry> actual = PartTestData.drain(reader.cursor(s, from, to, direction, filter, literals));
          assertThat(actual)
              .as("stream %d, [%d, %d) %s, literals %s, filter %s", s, from, to, direction, literals, filter)
              .isEqualTo(PartTestData.expected(entries, from, to, direction, reference));
        }
        s++;
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Mostly a substring of a real line (so matches exist and pruning is exercised), sometimes arbitrary text. */
  private static String randomLiteral(SplittableRandom random, List<Entry> entries) {
    if (random.nextInt(5) == 0) {
      return PartTestData.randomLine(random);
    }
    String line = entries.get(random.nextInt(entries.size())).line();
    if (line.isEmpty()) {
      return "";
    }
    int start = random.nextInt(line.length());
    int end = start + 1 + random.nextInt(Math.min(30, line.length() - start));
    if (Character.isLowSurrogate(line.charAt(start))) {
      start--;
    }
    if (end < line.length() && Character.isLowSurrogate(line.charAt(end))) {
      end++;
    }
    String literal = line.substring(start, end);
    assertThat(new String(literal.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(literal);
    return literal;
  }
}

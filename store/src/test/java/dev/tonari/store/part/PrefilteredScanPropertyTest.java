package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.PrefilteredLinePredicate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A {@link PrefilteredLinePredicate} read through both part cursors (the block-wide literal search,
 * then the confirmation on the hit lines) returns exactly the entries a per-line reference keeps
 * (every literal and the confirmation), and the confirmation never sees a line without the
 * literals: that is what makes a regex with known literals cheap.
 */
class PrefilteredScanPropertyTest {
  @Property(tries = 120)
  void prefilteredScanAgreesWithThePerLineReference(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int blockTarget, @ForAll boolean prefetching) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(random, 3, 150);
    Path file = Files.createTempFile("tonari-prefiltered", ".part");
    try (BlockScanPool pool = new BlockScanPool(2, 3)) {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget), streams);
      PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.MAPPED));
      int s = 0;
      for (List<Entry> entries : streams.values()) {
        for (int query = 0; query < 6; query++) {
          List<String> literals = new ArrayList<>();
          literals.add(randomLiteral(random, entries));
          if (random.nextBoolean()) {
            literals.add(randomLiteral(random, entries));
          }
          // The confirmation stands for a regex: here "the line has an even number of bytes" or "holds another word".
          String other = randomLiteral(random, entries);
          LinePredicate otherWord = PartTestData.contains(other);
          boolean byParity = random.nextBoolean();
          AtomicReference<String> confirmedWithoutLiterals = new AtomicReference<>();
          List<LinePredicate> literalTests = literals.stream().map(PartTestData::contains).toList();
          LinePredicate confirmation = (buffer, offset, length) -> {
            for (LinePredicate literal : literalTests) {
              if (!literal.test(buffer, offset, length)) {
                confirmedWithoutLiterals.compareAndSet(null, new String(buffer, offset, length, StandardCharsets.UTF_8));
              }
            }
            return byParity ? length % 2 == 0 : otherWord.test(buffer, offset, length);
          };
          LinePredicate reference = (buffer, offset, length) -> {
            for (LinePredicate literal : literalTests) {
              if (!literal.test(buffer, offset, length)) {
                return false;
              }
            }
            return byParity ? length % 2 == 0 : otherWord.test(buffer, offset, length);
          };
          LinePredicate filter = PrefilteredLinePredicate.of(literals, confirmation);
          long min = entries.get(0).timestamp();
          long max = entries.get(entries.size() - 1).timestamp();
          long from = min - 1 + random.nextLong(max - min + 3);
          long to = from + random.nextLong(max - min + 3);
          Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
          List<Entry> actual = PartTestData.drain(
              prefetching
                  ? reader.prefetchingCursor(s, from, to, direction, filter, literals, pool)
                  : reader.cursor(s, from, to, direction, filter, literals));
          assertThat(actual)
              .as("stream %d, [%d, %d) %s, literals %s, %s", s, from, to, direction, literals, byParity ? "even length" : "and " + other)
              .isEqualTo(PartTestData.expected(entries, from, to, direction, reference));
          assertThat(confirmedWithoutLiterals.get()).as("a line the confirmation saw without the literals %s", literals).isNull();
        }
        s++;
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Mostly a piece of a real line (so matches and pruning happen), sometimes a whole random line. */
  private static String randomLiteral(SplittableRandom random, List<Entry> entries) {
    String line = random.nextInt(5) == 0 ? PartTestData.randomLine(random) : entries.get(random.nextInt(entries.size())).line();
    if (line.isEmpty()) {
      return "";
    }
    int start = random.nextInt(line.length());
    int end = start + 1 + random.nextInt(Math.min(12, line.length() - start));
    if (Character.isLowSurrogate(line.charAt(start))) {
      start--;
    }
    if (end < line.length() && Character.isLowSurrogate(line.charAt(end))) {
      end++;
    }
    return line.substring(start, end);
  }
}

package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Both searches of {@link LiteralSearch} (the anchored word-at-a-time one for needles up to eight
 * bytes, Boyer-Moore-Horspool above) find a needle exactly when {@code String.contains} does, in a
 * line that is a slice of a larger buffer (the neighbours hold the needle's bytes, so a read past
 * the slice would be seen), with matches at the slice's edges and repeated anchor bytes.
 */
class LiteralSearchPropertyTest {
  private static final String ALPHABET = "sstatu=\"x ü-0";

  @Property(tries = 20000)
  void findsTheNeedleExactlyWhenContainsDoes(@ForAll long seed) {
    Random random = new Random(seed);
    String needle = randomText(random, 1 + random.nextInt(random.nextBoolean() ? 8 : 14));
    String line = switch (random.nextInt(4)) {
      case 0 -> needle + randomText(random, random.nextInt(30));
      case 1 -> randomText(random, random.nextInt(30)) + needle;
      default -> randomText(random, random.nextInt(random.nextBoolean() ? 12 : 60));
    };
    byte[] lineBytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] needleBytes = needle.getBytes(StandardCharsets.UTF_8);
    // The slice sits between copies of the needle: a search reading outside it would find them.
    int before = random.nextInt(10);
    byte[] buffer = new byte[before + needleBytes.length + lineBytes.length + needleBytes.length + random.nextInt(10)];
    System.arraycopy(needleBytes, 0, buffer, before, needleBytes.length);
    int offset = before + needleBytes.length;
    System.arraycopy(lineBytes, 0, buffer, offset, lineBytes.length);
    System.arraycopy(needleBytes, 0, buffer, offset + lineBytes.length, needleBytes.length);

    boolean found = new LiteralSearch(needle).foundIn(buffer, offset, lineBytes.length);

    assertThat(found).as("'%s' in '%s'", needle, line).isEqualTo(line.contains(needle));
  }

  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }
}

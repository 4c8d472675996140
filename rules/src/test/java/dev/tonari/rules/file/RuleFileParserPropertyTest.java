package dev.tonari.rules.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded garbage never makes the parser throw anything but {@link RuleFileException}: mutations of
 * valid rule files (characters dropped, swapped, duplicated, replaced by YAML's indicators) and
 * random text, through both entry points.
 */
class RuleFileParserPropertyTest {
  private static final String ALPHABET = "{}[]()|>-:?#&*!%@`'\"\\\n\t ,.=~$aZ09_";
  private final RuleFileParser parser = new RuleFileParser();

  @Test
  void garbageYieldsOnlyTheParsersOwnException() {
    Random random = new Random(0x52554c45L);
    String[] seeds = {LokiExamples.ALERTING_FILE, LokiExamples.RECORDING_GROUP, RuleFileWriter.file(java.util.Optional.of("n"), java.util.List.of())};
    int refused = 0;
    for (int round = 0; round < 3000; round++) {
      String text = round % 5 == 4 ? randomText(random) : mutate(seeds[random.nextInt(seeds.length)], random);
      refused += attempt(() -> parser.parseFile("garbage.yaml", text), text);
      refused += attempt(() -> parser.parseGroup("body", text), text);
    }
    assertThat(refused).as("most garbage is refused").isGreaterThan(3000);
  }

  private interface Parse {
    Object run() throws RuleFileException;
  }

  /** @return 1 when refused with problems, 0 when parsed */
  private static int attempt(Parse parse, String text) {
    try {
      parse.run();
      return 0;
    } catch (RuleFileException e) {
      assertThat(e.problems()).as("problems of %s", text).isNotEmpty();
      return 1;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("the parser threw " + e + " on:\n" + text, e);
    }
  }

  private static String mutate(String seed, Random random) {
    StringBuilder text = new StringBuilder(seed);
    int edits = 1 + random.nextInt(6);
    for (int i = 0; i < edits && !text.isEmpty(); i++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(4)) {
        case 0 -> text.deleteCharAt(at);
        case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 2 -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        default -> {
          int end = Math.min(text.length(), at + random.nextInt(20));
          text.insert(at, text.substring(at, end));
        }
      }
    }
    return text.toString();
  }

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(200);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(10) == 0 ? (char) random.nextInt(0x3000) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }
}

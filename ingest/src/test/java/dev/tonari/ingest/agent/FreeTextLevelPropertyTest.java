package dev.tonari.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The level of a free-text line, against the plain definition: the first word that equals a level
 * word ignoring case ({@link String#regionMatches(boolean, int, String, int, int)}) and is set off
 * (upper case first letter, or a tag's bracket or colon beside it). The first-letter test in front
 * of the comparison must not change any answer, with non-ASCII letters that match ASCII ones
 * ignoring case among the words.
 */
class FreeTextLevelPropertyTest {
  private static final String[] WORDS = {"error", "ERROR", "Error", "eRRor", "err", "warn", "WARNING", "info", "Info", "debug", "TRACE", "crit",
      "critical", "fatal", "PANIC", "\u0131nfo", "\u0130NFO", "\u017Fevere", "\u212Aelvin", "caf\u00e9", "user", "Connection", "request", "timeout",
      "e", "in", "x"};
  private static final String[] GAPS = {" ", "  ", "[", "]", ":", "<", ">", "(", ")", "|", "=", "-", "1", "42", "\u00e9", "\t"};
  private static final String[][] LEVELS = {
      {"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"warning", "warn"}, {"error", "error"},
      {"err", "error"}, {"critical", "critical"}, {"crit", "critical"}, {"fatal", "fatal"}, {"panic", "fatal"}};

  @Property(tries = 3000)
  void theLevelOfAFreeTextLineIsThatOfThePlainDefinition(@ForAll long seed) {
    Random random = new Random(seed);
    StringBuilder line = new StringBuilder();
    int words = random.nextInt(12);
    for (int i = 0; i < words; i++) {
      line.append(GAPS[random.nextInt(GAPS.length)]);
      line.append(WORDS[random.nextInt(WORDS.length)]);
    }
    if (random.nextBoolean()) {
      line.append(GAPS[random.nextInt(GAPS.length)]);
    }
    String text = line.toString();
    // No word is "level", so no line has a level field: the free text decides.
    assertThat(LogDiscovery.fromLine(text)).as(text).isEqualTo(plainDefinition(text));
  }

  private static String plainDefinition(String line) {
    int length = Math.min(line.length(), 1024);
    int i = 0;
    while (i < length) {
      while (i < length && !Character.isLetter(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < length && Character.isLetter(line.charAt(i))) {
        i++;
      }
      int wordLength = i - start;
      if (wordLength < 3 || wordLength > 8) {
        continue;
      }
      for (String[] word : LEVELS) {
        if (word[0].length() == wordLength && line.regionMatches(true, start, word[0], 0, wordLength)) {
          boolean setOff = Character.isUpperCase(line.charAt(start)) || (start > 0 && "[<(|".indexOf(line.charAt(start - 1)) >= 0)
              || (i < line.length() && ":]>)|".indexOf(line.charAt(i)) >= 0);
          if (setOff) {
            return word[1];
          }
          break;
        }
      }
    }
    return "unknown";
  }
}

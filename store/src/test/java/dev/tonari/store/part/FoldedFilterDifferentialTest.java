package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.ScanListener;
import dev.tonari.store.bloom.NeedleProbes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Version 4 (one case-folded filter per block) against version 3 (token and substring filters) on
 * the same seeded corpus: for random needles, exact and case-insensitive, in random case, both
 * parts answer exactly what the scan without pruning answers. Case-insensitive needles are matched
 * with RE2's {@code (?i)} (LogQL's semantics, Kelvin sign and long s included) and pruned only
 * through the folded filter.
 */
class FoldedFilterDifferentialTest {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String[] WORDS = {
    "ERROR", "Error", "error", "WARN", "warn", "info", "Timeout", "connection refused", "KEY", "kelvin", "\u212Aelvin", "\u017Ftatus",
    "Status", "naïve", "NAÏVE", "日本語", "GET", "post", "/api/V1/Users", "deadlock", "DeadLock", "user=Alice", "ſ", "K"
  };

  @Property(tries = 40)
  void versionsThreeAndFourAnswerAlikeForExactAndCaseInsensitiveNeedles(
      @ForAll long seed, @ForAll @IntRange(min = 300, max = 6000) int blockTarget) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<Entry>> streams = mixedCaseStreams(random);
    Path v3 = Files.createTempFile("tonari-v3", ".part");
    Path v4 = Files.createTempFile("tonari-v4", ".part");
    try {
      PartTestData.write(v3, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget).withFormatVersion(PartFormat.VERSION_3), streams);
      PartTestData.write(v4, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget), streams);
      PartReader three = PartReader.open(v3.toString(), PartTestData.load(v3, PartTestData.BufferKind.HEAP));
      PartReader four = PartReader.open(v4.toString(), PartTestData.load(v4, PartTestData.BufferKind.MAPPED));
      assertThat(three.version).isEqualTo(PartFormat.VERSION_3);
      assertThat(four.version).isEqualTo(PartFormat.VERSION);
      assertThat(four.blockBloom[0].isFolded()).isTrue();
      int s = 0;
      for (List<Entry> entries : streams.values()) {
        for (int query = 0; query < 10; query++) {
          String needle = randomNeedle(random, entries);
          boolean caseInsensitive = random.nextBoolean();
          Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
          LinePredicate filter = caseInsensitive ? ignoringCase(needle) : LiteralLinePredicate.containingAll(List.of(needle));
          NeedleProbes[] probes = caseInsensitive ? NeedleProbes.ofCaseInsensitive(List.of(needle)) : NeedleProbes.of(List.of(needle));
          List<Entry> reference = PartTestData.expected(entries, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter);
          List<Entry> unpruned = PartTestData.drain(four.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, new NeedleProbes[0], ScanListener.NONE));
          List<Entry> fromThree = PartTestData.drain(three.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, probes, ScanListener.NONE));
          List<Entry> fromFour = PartTestData.drain(four.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, probes, ScanListener.NONE));
          String what = (caseInsensitive ? "(?i)" : "") + needle + " in stream " + s;
          assertThat(unpruned).as("unpruned scan of %s", what).isEqualTo(reference);
          assertThat(fromThree).as("version 3, %s", what).isEqualTo(reference);
          assertThat(fromFour).as("version 4, %s", what).isEqualTo(reference);
        }
        s++;
      }
    } finally {
      Files.deleteIfExists(v3);
      Files.deleteIfExists(v4);
    }
  }

  /**
   * A case-insensitive needle prunes in version 4 (blocks read well below the blocks probed) and
   * not in version 3, with the same lines as the scan without pruning.
   */
  @Test
  void aCaseInsensitiveNeedleSkipsBlocksOfVersionFourOnly() throws Exception {
    SplittableRandom random = new SplittableRandom(12);
    List<Entry> entries = new ArrayList<>();
    String rareId = null;
    for (int i = 0; i < 3000; i++) {
      String id = hex(random, 32);
      if (i == 1700) {
        rareId = id;
      }
      String level = i % 97 == 0 ? "ERROR" : "info";
      entries.add(new Entry(1_700_000_000_000_000_000L + i * 1000L, "level=" + level + " msg=\"request done\" trace_id=" + id, Labels.EMPTY));
    }
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>(Map.of(Labels.of("app", "a"), entries));
    Path v3 = Files.createTempFile("tonari-v3", ".part");
    Path v4 = Files.createTempFile("tonari-v4", ".part");
    try {
      PartTestData.write(v3, PartWriterOptions.defaults("t").withBlockTargetBytes(4096).withFormatVersion(PartFormat.VERSION_3), streams);
      PartTestData.write(v4, PartWriterOptions.defaults("t").withBlockTargetBytes(4096), streams);
      for (String needle : List.of(rareId.toUpperCase(Locale.ROOT), "Trace_ID=" + rareId.substring(0, 20).toUpperCase(Locale.ROOT))) {
        LinePredicate filter = ignoringCase(needle);
        NeedleProbes[] probes = NeedleProbes.ofCaseInsensitive(List.of(needle));
        PartReader three = PartReader.open(v3.toString(), PartTestData.load(v3, PartTestData.BufferKind.HEAP));
        PartReader four = PartReader.open(v4.toString(), PartTestData.load(v4, PartTestData.BufferKind.HEAP));
        int blocks = four.firstBlockOf(1);
        List<Entry> reference = PartTestData.drain(four.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, new NeedleProbes[0], ScanListener.NONE));
        long readUnpruned = four.blocksRead();
        List<Entry> pruned = PartTestData.drain(four.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, probes, ScanListener.NONE));
        List<Entry> fromThree = PartTestData.drain(three.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, probes, ScanListener.NONE));
        assertThat(reference).as(needle).hasSize(1);
        assertThat(pruned).as(needle).isEqualTo(reference);
        assertThat(fromThree).as(needle).isEqualTo(reference);
        assertThat(blocks).isGreaterThanOrEqualTo(50);
        assertThat(readUnpruned).isEqualTo(blocks);
        assertThat(four.blocksRead() - readUnpruned).as("version 4 blocks read for (?i)%s", needle).isBetween(1L, 4L);
        assertThat(three.blocksRead()).as("version 3 cannot prune a case-insensitive needle").isEqualTo(blocks);
      }
    } finally {
      Files.deleteIfExists(v3);
      Files.deleteIfExists(v4);
    }
  }

  /** As LogQL's {@code |~ "(?i)<quoted needle>"}: RE2/J over the line decoded as UTF-8. */
  static LinePredicate ignoringCase(String needle) {
    Pattern pattern = Pattern.compile("(?i)" + Pattern.quote(needle));
    return (buffer, offset, length) -> pattern.matcher(new String(buffer, offset, length, StandardCharsets.UTF_8)).find();
  }

  /** Lines of words in every case, with ids, addresses, the Kelvin sign and the long s. */
  static TreeMap<Labels, List<Entry>> mixedCaseStreams(SplittableRandom random) {
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    int count = 1 + random.nextInt(3);
    for (int s = 0; s < count; s++) {
      Map<String, Entry> unique = new LinkedHashMap<>();
      int entries = 1 + random.nextInt(250);
      for (int i = 0; i < entries; i++) {
        long timestamp = 1_700_000_000_000_000_000L + random.nextInt(entries) * 1000L;
        StringBuilder line = new StringBuilder();
        for (int w = 1 + random.nextInt(8); w > 0; w--) {
          switch (random.nextInt(6)) {
            case 0 -> line.append("trace_id=").append(randomCase(random, hex(random, 8 + random.nextInt(32))));
            case 1 -> line.append(random.nextInt(256)).append('.').append(random.nextInt(256)).append('.').append(random.nextInt(256)).append('.')
                .append(random.nextInt(256));
            case 2 -> line.append(randomCase(random, WORDS[random.nextInt(WORDS.length)]));
            default -> line.append(WORDS[random.nextInt(WORDS.length)]);
          }
          line.append(random.nextInt(4) == 0 ? ":" : " ");
        }
        unique.putIfAbsent(timestamp + "\u0000" + line, new Entry(timestamp, line.toString(), Labels.EMPTY));
      }
      List<Entry> list = new ArrayList<>(unique.values());
      list.sort(PartTestData.ORDER);
      streams.put(Labels.of("app", "a" + s), list);
    }
    return streams;
  }

  /** A piece of a line in random case (the Kelvin sign for some k), or a fresh id that is nowhere. */
  static String randomNeedle(SplittableRandom random, List<Entry> entries) {
    String line = entries.get(random.nextInt(entries.size())).line();
    if (random.nextInt(6) == 0 || line.isEmpty()) {
      return hex(random, 8 + random.nextInt(32));
    }
    int start = random.nextInt(line.length());
    int end = Math.min(line.length(), start + 1 + random.nextInt(40));
    if (Character.isLowSurrogate(line.charAt(start))) {
      start--;
    }
    if (end < line.length() && Character.isLowSurrogate(line.charAt(end))) {
      end++;
    }
    String piece = line.substring(start, end);
    return switch (random.nextInt(4)) {
      case 0 -> piece;
      case 1 -> piece.toUpperCase(Locale.ROOT);
      case 2 -> randomCase(random, piece).replace('k', '\u212A');
      default -> randomCase(random, piece);
    };
  }

  static String randomCase(SplittableRandom random, String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
    }
    return out.toString();
  }

  static String hex(SplittableRandom random, int digits) {
    char[] chars = new char[digits];
    for (int i = 0; i < digits; i++) {
      chars[i] = HEX[random.nextInt(16)];
    }
    return new String(chars);
  }
}

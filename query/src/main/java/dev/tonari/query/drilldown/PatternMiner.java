package dev.tonari.query.drilldown;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Drain-style log template miner, as Loki's pattern ingester runs one (He et al., "Drain: An
 * Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017), here over the stored lines of a
 * query range rather than at ingest:
 *
 * <ul>
 *   <li>a line is split into words (maximal runs of letters, digits, {@code _}, {@code .} and
 *       {@code -}) and the single characters between them (spaces, {@code =}, quotes, braces...),
 *       so that logfmt and JSON lines have their keys and values as words and concatenating the
 *       tokens gives the line back;
 *   <li>lines are grouped by level, then by token count and their first {@link #PREFIX_DEPTH}
 *       tokens, a token with a digit standing for any token there (it is likely a variable);
 *   <li>in its group a line joins the template with the same separators that shares the largest
 *       fraction of words with it, if that fraction is at least {@link #SIMILARITY_THRESHOLD}
 *       (Loki's 0.3); words where they differ become {@code <_>};
 *   <li>otherwise it starts a template of its own, while the level has fewer than {@link
 *       #MAX_TEMPLATES_PER_LEVEL}; lines past that or longer than {@link #MAX_LINE_LENGTH} are
 *       not mined (Loki drops them too).
 * </ul>
 *
 * <p>A pattern is the template's tokens concatenated, so it is a LogQL pattern that {@code |> "..."}
 * matches every line of the template with (separators are literals between the {@code <_>}
 * captures). Each template counts its lines per step, aligned to multiples of the step. Not
 * thread-safe.
 */
public final class PatternMiner {
  public static final String VARIABLE = "<_>";
  public static final double SIMILARITY_THRESHOLD = 0.3;
  public static final int PREFIX_DEPTH = 2;
  public static final int MAX_TEMPLATES_PER_LEVEL = 500;
  public static final int MAX_LINE_LENGTH = 3000;

  /** One mined pattern: its text, the level of its lines, and (step start in seconds, lines) samples. */
  public record Pattern(String pattern, String level, List<long[]> samples, long total) {}

  private final long stepNanos;
  private final Map<String, Level> levels = new TreeMap<>();

  /** @param stepNanos the width of a sample bucket, positive */
  public PatternMiner(long stepNanos) {
    if (stepNanos <= 0) {
      throw new IllegalArgumentException("pattern step must be positive, got " + stepNanos + " ns");
    }
    this.stepNanos = stepNanos;
  }

  private static final class Template {
    final String[] tokens;
    final TreeMap<Long, long[]> countsByBucket = new TreeMap<>();
    long total;

    Template(String[] tokens) {
      this.tokens = tokens;
    }
  }

  private static final class Level {
    final Map<String, List<Template>> groups = new HashMap<>();
    int templates;
  }

  /** Mines one line of a level at a time (nanoseconds). */
  public void add(long timestampNanos, String line, String level) {
    if (line.length() > MAX_LINE_LENGTH) {
      return;
    }
    String[] tokens = tokenize(line);
    Level byLevel = levels.computeIfAbsent(level, name -> new Level());
    List<Template> group = byLevel.groups.computeIfAbsent(groupKey(tokens), key -> new ArrayList<>());
    Template best = null;
    double bestSimilarity = -1;
    for (Template template : group) {
      double similarity = similarity(template.tokens, tokens);
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = template;
      }
    }
    if (best != null && bestSimilarity >= SIMILARITY_THRESHOLD) {
      merge(best.tokens, tokens);
    } else if (byLevel.templates < MAX_TEMPLATES_PER_LEVEL) {
      best = new Template(tokens.clone());
      group.add(best);
      byLevel.templates++;
    } else {
      return;
    }
    long bucket = Math.floorDiv(timestampNanos, stepNanos) * stepNanos;
    best.countsByBucket.computeIfAbsent(bucket, start -> new long[1])[0]++;
    best.total++;
  }

  private static String groupKey(String[] tokens) {
    StringBuilder key = new StringBuilder().append(tokens.length);
    for (int i = 0; i < Math.min(PREFIX_DEPTH, tokens.length); i++) {
      key.append('\u0000').append(hasDigit(tokens[i]) ? VARIABLE : tokens[i]);
    }
    return key.toString();
  }

  private static boolean hasDigit(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  /**
   * Drain's simSeq over words: equal words over all words; a variable matches nothing, and
   * templates whose separators differ have a different shape (similarity -1).
   */
  private static double similarity(String[] template, String[] tokens) {
    int equal = 0;
    int words = 0;
    for (int i = 0; i < template.length; i++) {
      boolean separator = isSeparator(tokens[i]);
      if (separator != isSeparator(template[i]) && !template[i].equals(VARIABLE)) {
        return -1;
      }
      if (separator) {
        if (!template[i].equals(tokens[i])) {
          return -1;
        }
        continue;
      }
      words++;
      if (!template[i].equals(VARIABLE) && template[i].equals(tokens[i])) {
        equal++;
      }
    }
    return words == 0 ? 1 : (double) equal / words;
  }

  private static void merge(String[] template, String[] tokens) {
    for (int i = 0; i < template.length; i++) {
      if (!template[i].equals(tokens[i])) {
        template[i] = VARIABLE;
      }
    }
  }

  /** Words and the single characters between them, in order; concatenated they are the line. */
  static String[] tokenize(String line) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      int start = i;
      if (isWordCharacter(line.charAt(i))) {
        while (i < line.length() && isWordCharacter(line.charAt(i))) {
          i++;
        }
      } else {
        i += Character.charCount(line.codePointAt(i));
      }
      tokens.add(line.substring(start, i));
    }
    return tokens.toArray(new String[0]);
  }

  private static boolean isWordCharacter(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
  }

  private static boolean isSeparator(String token) {
    return !token.isEmpty() && !isWordCharacter(token.charAt(0));
  }

  /**
   * The patterns with at least {@code minimumLines} lines, most lines first (ties by text), each with
   * its samples in time order.
   */
  public List<Pattern> patterns(int minimumLines) {
    List<Pattern> patterns = new ArrayList<>();
    for (Map.Entry<String, Level> level : levels.entrySet()) {
      Map<String, Pattern> byText = new HashMap<>();
      for (List<Template> group : level.getValue().groups.values()) {
        for (Template template : group) {
          String text = render(template.tokens);
          Pattern previous = byText.get(text);
          byText.put(text, previous == null ? pattern(text, level.getKey(), template) : combine(previous, template));
        }
      }
      for (Pattern pattern : byText.values()) {
        if (pattern.total() >= minimumLines) {
          patterns.add(pattern);
        }
      }
    }
    patterns.sort(Comparator.comparingLong(Pattern::total).reversed().thenComparing(Pattern::pattern).thenComparing(Pattern::level));
    return patterns;
  }

  private Pattern pattern(String text, String level, Template template) {
    List<long[]> samples = new ArrayList<>(template.countsByBucket.size());
    for (Map.Entry<Long, long[]> bucket : template.countsByBucket.entrySet()) {
      samples.add(new long[] {bucket.getKey() / 1_000_000_000L, bucket.getValue()[0]});
    }
    return new Pattern(text, level, samples, template.total);
  }

  /** Two templates of a level that came to render alike (each merged its own lines apart) are one pattern. */
  private Pattern combine(Pattern previous, Template template) {
    TreeMap<Long, Long> counts = new TreeMap<>();
    for (long[] sample : previous.samples()) {
      counts.merge(sample[0], sample[1], Long::sum);
    }
    for (Map.Entry<Long, long[]> bucket : template.countsByBucket.entrySet()) {
      counts.merge(bucket.getKey() / 1_000_000_000L, bucket.getValue()[0], Long::sum);
    }
    List<long[]> samples = new ArrayList<>(counts.size());
    counts.forEach((second, count) -> samples.add(new long[] {second, count}));
    return new Pattern(previous.pattern(), previous.level(), samples, previous.total() + template.total);
  }

  /** Tokens concatenated; adjacent variables (never made by merging words) written once. */
  static String render(String[] tokens) {
    StringBuilder out = new StringBuilder();
    boolean previousVariable = false;
    for (String token : tokens) {
      boolean variable = token.equals(VARIABLE);
      if (!(variable && previousVariable)) {
        out.append(token);
      }
      previousVariable = variable;
    }
    return out.toString();
  }
}

package dev.tonari.query;

import com.google.re2j.Pattern;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlRegex;
import dev.tonari.logql.Matcher;
import dev.tonari.store.Labels;
import java.util.List;
import java.util.function.Predicate;

/**
 * A stream selector compiled to a test of a stream's labels: every matcher must hold, and a missing
 * label counts as the empty value (Prometheus semantics). Regexes are compiled once, anchored.
 */
public final class LabelSelector implements Predicate<Labels> {
  private final String[] names;
  private final boolean[] negated;
  /** For each matcher, either the exact value or the compiled pattern (the other is null). */
  private final String[] values;
  private final Pattern[] patterns;
  private final List<Matcher> matchers;

  private LabelSelector(List<Matcher> matchers) {
    int size = matchers.size();
    this.matchers = List.copyOf(matchers);
    names = new String[size];
    negated = new boolean[size];
    values = new String[size];
    patterns = new Pattern[size];
  }

  public static LabelSelector compile(List<Matcher> matchers) throws LogqlParseException {
    LabelSelector selector = new LabelSelector(matchers);
    for (int i = 0; i < matchers.size(); i++) {
      Matcher matcher = matchers.get(i);
      selector.names[i] = matcher.name();
      switch (matcher.type()) {
        case EQUAL -> selector.values[i] = matcher.value();
        case NOT_EQUAL -> {
          selector.values[i] = matcher.value();
          selector.negated[i] = true;
        }
        case REGEX -> selector.patterns[i] = LogqlRegex.labelMatcherPattern(matcher.value());
        case NOT_REGEX -> {
          selector.patterns[i] = LogqlRegex.labelMatcherPattern(matcher.value());
          selector.negated[i] = true;
        }
      }
    }
    return selector;
  }

  /**
   * The matchers it was compiled from: what a store view needs to recognise two requests for the
   * same streams (the ruler's shared scans), since compiled selectors do not compare equal.
   */
  public List<Matcher> matchers() {
    return matchers;
  }

  @Override
  public boolean test(Labels labels) {
    for (int i = 0; i < names.length; i++) {
      String value = labels.get(names[i]);
      if (value == null) {
        value = "";
      }
      boolean matches = values[i] != null ? values[i].equals(value) : patterns[i].matches(value);
      if (matches == negated[i]) {
        return false;
      }
    }
    return true;
  }
}

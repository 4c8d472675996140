package dev.tonari.query.pipeline;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.logql.LabelMatcherOrName;
import dev.tonari.logql.Matcher;
import java.util.List;

/**
 * {@code | drop a, b="x"} and {@code | keep a, b="x"}. Drop removes named labels, and labels whose
 * value matches; dropping {@code __error__} clears the error. Keep removes every other label, and
 * labels whose value does not match; it never removes {@code __error__} or
 * {@code __error_details__}, as in Loki.
 */
final class DropKeepStage implements Stage {
  /** A name, with the test of its value (null for a bare name). */
  private record Rule(String name, java.util.function.Predicate<String> valueTest) {}

  private final Rule[] rules;
  private final boolean keep;

  DropKeepStage(List<LabelMatcherOrName> labels, boolean keep) throws PipelineCompileException {
    this.keep = keep;
    this.rules = new Rule[labels.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] =
          switch (labels.get(i)) {
            case LabelMatcherOrName.Name name -> new Rule(name.name(), null);
            case LabelMatcherOrName.Match match -> new Rule(match.name(), valueTest(match.matcher()));
          };
    }
  }

  private static java.util.function.Predicate<String> valueTest(Matcher matcher) throws PipelineCompileException {
    String expected = matcher.value();
    return switch (matcher.type()) {
      case EQUAL -> expected::equals;
      case NOT_EQUAL -> value -> !expected.equals(value);
      case REGEX, NOT_REGEX -> {
        Pattern pattern;
        try {
          pattern = Pattern.compile("^(?s:" + expected + ")$");
        } catch (PatternSyntaxException e) {
          throw new PipelineCompileException(e.getMessage(), e);
        }
        boolean negated = matcher.type() == dev.tonari.logql.MatcherType.NOT_REGEX;
        yield value -> pattern.matches(value) != negated;
      }
    };
  }

  @Override
  public boolean process(LineState state) {
    LabelsBuilder labels = state.labels;
    if (!keep) {
      for (Rule rule : rules) {
        String value = labels.get(rule.name());
        if (value != null && (rule.valueTest() == null || rule.valueTest().test(value))) {
          labels.delete(rule.name());
        }
      }
      return true;
    }
    for (String name : labels.names()) {
      if (name.equals(LabelsBuilder.ERROR_LABEL) || name.equals(LabelsBuilder.ERROR_DETAILS_LABEL)) {
        continue;
      }
      if (!shouldKeep(name, labels.get(name))) {
        labels.delete(name);
      }
    }
    return true;
  }

  private boolean shouldKeep(String name, String value) {
    for (Rule rule : rules) {
      if (rule.name().equals(name) && (rule.valueTest() == null || rule.valueTest().test(value))) {
        return true;
      }
    }
    return false;
  }
}

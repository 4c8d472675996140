package dev.tonari.query.pipeline;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterTerm;
import java.util.function.Predicate;

/**
 * A line filter inside the pipeline ({@code |=}, {@code !=}, {@code |~}, {@code !~}, {@code |>},
 * {@code !>}, {@code ip(...)}, with {@code or} alternatives), applied to the current line, which
 * earlier stages may have rewritten.
 */
final class LineFilterStage implements Stage {
  private final Predicate<String>[] terms;
  private final boolean negated;

  private LineFilterStage(Predicate<String>[] terms, boolean negated) {
    this.terms = terms;
    this.negated = negated;
  }

  @SuppressWarnings("unchecked")
  static LineFilterStage compile(LineFilter filter) throws PipelineCompileException {
    Predicate<String>[] terms = new Predicate[filter.alternatives().size()];
    for (int i = 0; i < terms.length; i++) {
      terms[i] = compileTerm(filter, filter.alternatives().get(i));
    }
    return new LineFilterStage(terms, filter.operator().negated());
  }

  private static Predicate<String> compileTerm(LineFilter filter, LineFilterTerm term) throws PipelineCompileException {
    return switch (term) {
      case LineFilterTerm.Ip ip -> IpRange.parse(ip.range())::foundIn;
      case LineFilterTerm.Text text ->
          switch (filter.operator()) {
            case CONTAINS, NOT_CONTAINS -> {
              String value = text.value();
              yield line -> line.contains(value);
            }
            case MATCHES_REGEX, NOT_MATCHES_REGEX -> {
              try {
                Pattern pattern = Pattern.compile(text.value());
                yield line -> pattern.matcher(line).find();
              } catch (PatternSyntaxException e) {
                throw new PipelineCompileException(e.getMessage(), e);
              }
            }
            case MATCHES_PATTERN, NOT_MATCHES_PATTERN -> LinePattern.parse(text.value(), false)::test;
          };
    };
  }

  @Override
  public boolean process(LineState state) {
    String line = state.line;
    for (Predicate<String> term : terms) {
      if (term.test(line)) {
        return !negated;
      }
    }
    return negated;
  }
}

package dev.tonari.logql;

import java.util.List;

/**
 * A log query: a stream selector ({@code {app="api", env!="dev"}}) followed by pipeline stages
 * applied to each line in order. The selector may be empty only before validation; the parser
 * refuses a selector without a matcher that excludes the empty value, as Loki does.
 */
public record LogSelectorExpr(List<Matcher> matchers, List<PipelineStage> pipeline) implements LogExpr {
  public LogSelectorExpr {
    matchers = List.copyOf(matchers);
    pipeline = List.copyOf(pipeline);
  }

  public LogSelectorExpr(List<Matcher> matchers) {
    this(matchers, List.of());
  }

  /** The line filters of the pipeline, in order. */
  public List<LineFilter> lineFilters() {
    return pipeline.stream().filter(LineFilter.class::isInstance).map(LineFilter.class::cast).toList();
  }
}

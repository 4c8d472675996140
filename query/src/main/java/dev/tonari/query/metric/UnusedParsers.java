package dev.tonari.query.metric;

import dev.tonari.logql.Decolorize;
import dev.tonari.logql.DropLabels;
import dev.tonari.logql.Grouping;
import dev.tonari.logql.JsonParser;
import dev.tonari.logql.KeepLabels;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LogfmtParser;
import dev.tonari.logql.PatternParser;
import dev.tonari.logql.PipelineStage;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.RangeOperation;
import dev.tonari.logql.RegexpParser;
import dev.tonari.logql.UnpackParser;
import dev.tonari.logql.VectorAggregation;
import java.util.List;

/**
 * Loki's "no labels" parser hint: a range aggregation whose samples keep no label ({@code
 * sum(rate({app="api"} | json [5m]))}, {@code absent_over_time}) and whose pipeline reads none runs
 * no parser at all. Loki's sample extractor is built with {@code noLabels} when the grouping a
 * {@code sum} hands down to it ({@code canInjectVectorGrouping}) or its own grouping names no label,
 * and always for {@code absent_over_time}; {@code NewParserHint} then holds no required label, and
 * the {@code json}, {@code logfmt}, {@code pattern} and {@code unpack} parsers return the line
 * untouched before parsing it ({@code ParserHint.NoLabels()}). So a line that is not JSON sets no
 * {@code __error__} there and the query answers, where parsing it would refuse the query with a
 * pipeline error; and {@code unpack} does not replace the line, which {@code bytes_over_time}
 * counts.
 *
 * <p>Applied only where Loki's hint holds no label for certain: the pipeline is line filters,
 * parsers, {@code decolorize}, {@code drop} and {@code keep} (whose {@code RequiredLabelNames} are
 * empty in Loki; with no parsed label they only drop stream labels that the grouping drops anyway,
 * and they filter no line), and nothing is unwrapped. A label filter, {@code line_format} or {@code
 * label_format} may read parsed labels (Loki then hints their names and stops parsing once they
 * are found, which Tonari does not: see query/RATIONALE.md), so there every parser runs as
 * before. The regexp parser, which Loki runs even then, only adds labels no one reads and sets no
 * error, so it goes too.
 */
final class UnusedParsers {
  private UnusedParsers() {}

  /**
   * Whether the series of this range aggregation keep no label: its own grouping names none, or
   * the {@code sum} above it hands down a grouping that names none, or it is {@code
   * absent_over_time}. {@code sumAbove} is the vector aggregation directly above, or null.
   */
  static boolean keepNoLabel(RangeAggregation range, VectorAggregation sumAbove) {
    if (range.operation() == RangeOperation.ABSENT_OVER_TIME) {
      return true;
    }
    if (sumAbove != null && MetricQueryEngine.canPushGrouping(sumAbove, range)) {
      return namesNoLabel(sumAbove.grouping());
    }
    return range.grouping() != null && range.grouping().labels().isEmpty();
  }

  private static boolean namesNoLabel(Grouping grouping) {
    return grouping == null || grouping.labels().isEmpty();
  }

  /** The pipeline without its parsers when the samples keep no label and no stage reads one; else the pipeline as it is. */
  static List<PipelineStage> apply(List<PipelineStage> pipeline, boolean keepNoLabel, boolean unwrapped) {
    if (!keepNoLabel || unwrapped) {
      return pipeline;
    }
    boolean anyParser = false;
    for (PipelineStage stage : pipeline) {
      if (isParser(stage)) {
        anyParser = true;
      } else if (!(stage instanceof LineFilter || stage instanceof Decolorize || stage instanceof DropLabels || stage instanceof KeepLabels)) {
        return pipeline;
      }
    }
    if (!anyParser) {
      return pipeline;
    }
    return pipeline.stream().filter(stage -> !isParser(stage)).toList();
  }

  private static boolean isParser(PipelineStage stage) {
    return stage instanceof JsonParser || stage instanceof LogfmtParser || stage instanceof PatternParser || stage instanceof UnpackParser
        || stage instanceof RegexpParser;
  }
}

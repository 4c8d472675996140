package dev.tonari.query.pipeline;

import dev.tonari.logql.Decolorize;
import dev.tonari.logql.DropLabels;
import dev.tonari.logql.JsonParser;
import dev.tonari.logql.KeepLabels;
import dev.tonari.logql.LabelFilterStage;
import dev.tonari.logql.LabelFormat;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFormat;
import dev.tonari.logql.LogfmtParser;
import dev.tonari.logql.PatternParser;
import dev.tonari.logql.PipelineStage;
import dev.tonari.logql.RegexpParser;
import dev.tonari.logql.UnpackParser;
import dev.tonari.store.Labels;
import java.util.List;
import java.util.Set;

/**
 * The runtime of a LogQL log pipeline: stages compiled once per query (regexes, templates,
 * patterns), then bound to each stream with {@link #forStream}. Stages run in query order: line
 * filters, parsers ({@code json}, {@code logfmt}, {@code regexp}, {@code pattern},
 * {@code unpack}), {@code decolorize}, label filters, {@code line_format}, {@code label_format},
 * {@code drop} and {@code keep}, with Loki's semantics for {@code __error__}: a parser or
 * conversion that fails marks the line rather than dropping it, and only a string label filter
 * (such as {@code __error__=""}) removes marked lines.
 *
 * <p>Immutable and thread-safe; the per-stream state lives in {@link StreamPipeline}.
 */
public final class LogPipeline {
  private static final LogPipeline NOOP = new LogPipeline(new Stage[0]);

  private final Stage[] stages;

  private LogPipeline(Stage[] stages) {
    this.stages = stages;
  }

  /** Compiles stages; an empty list gives a pipeline that keeps every line with its labels. */
  public static LogPipeline compile(List<PipelineStage> stages) throws PipelineCompileException {
    return compile(stages, null);
  }

  /**
   * Compiles stages with parser hints, as Loki's: the {@code json} and {@code logfmt} parsers
   * (without extraction parameters) add only the labels named in {@code neededLabels} (final names,
   * after {@code _extracted}), still reading the whole line, so that {@code __error__} is set
   * exactly as without hints. Only for callers that read no other parsed label: the caller must
   * name every label its grouping, filters and unwrap read, and must not use hints with stages that
   * read all labels ({@code line_format}, {@code label_format}, {@code drop}, {@code keep}).
   *
   * @param neededLabels the parsed labels to add, or null for all
   */
  public static LogPipeline compile(List<PipelineStage> stages, Set<String> neededLabels) throws PipelineCompileException {
    if (stages.isEmpty()) {
      return NOOP;
    }
    Stage[] compiled = new Stage[stages.size()];
    for (int i = 0; i < compiled.length; i++) {
      compiled[i] = compileStage(stages.get(i), neededLabels);
    }
    return new LogPipeline(compiled);
  }

  private static Stage compileStage(PipelineStage stage, Set<String> neededLabels) throws PipelineCompileException {
    return switch (stage) {
      case LineFilter filter -> LineFilterStage.compile(filter);
      case JsonParser json -> json.extractions().isEmpty() ? new JsonParserStage(neededLabels) : JsonExtractionStage.compile(json.extractions());
      case LogfmtParser logfmt -> new LogfmtParserStage(logfmt.strict(), logfmt.keepEmpty(), logfmt.extractions(), neededLabels);
      case RegexpParser regexp -> RegexpParserStage.compile(regexp.pattern());
      case PatternParser pattern -> PatternParserStage.compile(pattern.pattern());
      case UnpackParser unpack -> new UnpackParserStage();
      case Decolorize decolorize -> new DecolorizeStage();
      case LabelFilterStage filter -> new LabelFilterRunner(LabelPredicate.compile(filter.filter()));
      case LineFormat format -> LineFormatStage.compile(format.template());
      case LabelFormat format -> LabelFormatStage.compile(format.formattings());
      case DropLabels drop -> new DropKeepStage(drop.labels(), false);
      case KeepLabels keep -> new DropKeepStage(keep.labels(), true);
    };
  }

  /** True when the pipeline has no stages: lines and labels pass unchanged (structured metadata still joins the labels). */
  public boolean isNoop() {
    return stages.length == 0;
  }

  public StreamPipeline forStream(Labels streamLabels) {
    return new StreamPipeline(stages, streamLabels);
  }

  /** A label filter stage: drops the line when the filter says so. */
  private record LabelFilterRunner(LabelPredicate predicate) implements Stage {
    @Override
    public boolean process(LineState state) {
      return predicate.test(state.labels);
    }
  }
}

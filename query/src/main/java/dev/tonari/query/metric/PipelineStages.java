package dev.tonari.query.metric;

import dev.tonari.logql.PipelineStage;
import dev.tonari.query.QueryException;
import dev.tonari.query.pipeline.LogPipeline;
import dev.tonari.query.pipeline.PipelineCompileException;
import dev.tonari.query.pipeline.StreamPipeline;
import dev.tonari.store.Labels;
import java.util.List;
import java.util.Set;

/** Runs the pipeline stages that the store cannot (everything after the leading line filters) with the log pipeline runtime. */
final class PipelineStages implements StreamStages {
  private final StreamPipeline pipeline;

  private PipelineStages(StreamPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * @param neededLabels the only parsed labels the query reads (parser hints), or null for all of
   *     them; see {@link LogPipeline#compile(List, Set)}
   */
  static StreamStages.Factory compile(List<PipelineStage> stages, Set<String> neededLabels) throws QueryException {
    LogPipeline pipeline;
    try {
      pipeline = LogPipeline.compile(stages, neededLabels);
    } catch (PipelineCompileException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
    return streamLabels -> new PipelineStages(pipeline.forStream(streamLabels));
  }

  @Override
  public boolean process(long timestampNanos, String line, Labels metadata) {
    return pipeline.process(timestampNanos, line, metadata);
  }

  @Override
  public String line() {
    return pipeline.line();
  }

  @Override
  public Labels labels() {
    return pipeline.labels();
  }

  @Override
  public String labelValue(String name) {
    return pipeline.labelValue(name);
  }

  @Override
  public boolean hasError() {
    return pipeline.labelsBuilder().hasError();
  }
}

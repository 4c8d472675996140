package dev.tonari.query.metric;

import dev.tonari.logql.PipelineStage;
import dev.tonari.query.QueryException;
import java.util.List;

/** Compiles the pipeline stages of a log range that the store cannot run (everything after the leading line filters). */
final class PipelineStages {
  private PipelineStages() {}

  static StreamStages.Factory compile(List<PipelineStage> stages) throws QueryException {
    throw new QueryException(400, "pipeline stage " + stages.get(0).getClass().getSimpleName() + " is not supported in metric queries yet");
  }
}

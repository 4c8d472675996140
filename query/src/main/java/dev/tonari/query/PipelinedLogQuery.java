package dev.tonari.query;

import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterOperator;
import dev.tonari.logql.LineFilterTerm;
import dev.tonari.logql.PipelineStage;
import dev.tonari.query.pipeline.LogPipeline;
import dev.tonari.query.pipeline.PipelineCompileException;
import dev.tonari.query.pipeline.StreamPipeline;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The part of a log query that runs after the store: the pipeline stages that follow the leading
 * line filters. The leading text filters ({@code |=}, {@code !=}, {@code |~}, {@code !~} before
 * any parser) stay on the store's byte-level fast path and feed its bloom filters; everything from
 * the first other stage on runs in the {@link LogPipeline} on each line the store returns.
 *
 * <p>Lines are taken across streams in timestamp order until {@code limit} lines have passed the
 * pipeline. Results are grouped by the labels each line ends with, so parsed labels split a stream
 * into several, as in Loki; lines marked with {@code __error__} are kept unless a filter drops them.
 */
final class PipelinedLogQuery {
  private PipelinedLogQuery() {}

  /** The line filters at the head of the pipeline that the store can run on bytes. */
  static List<LineFilter> leadingStoreFilters(List<PipelineStage> pipeline) {
    List<LineFilter> filters = new ArrayList<>();
    for (PipelineStage stage : pipeline) {
      if (!(stage instanceof LineFilter filter) || !storeCanRun(filter)) {
        break;
      }
      filters.add(filter);
    }
    return filters;
  }

  private static boolean storeCanRun(LineFilter filter) {
    if (filter.operator() == LineFilterOperator.MATCHES_PATTERN || filter.operator() == LineFilterOperator.NOT_MATCHES_PATTERN) {
      return false;
    }
    return filter.alternatives().stream().allMatch(LineFilterTerm.Text.class::isInstance);
  }

  /** Compiles the stages after the first {@code skipped}; a bad regex or template is a 400. */
  static LogPipeline compileRemaining(List<PipelineStage> pipeline, int skipped) throws QueryException {
    try {
      return LogPipeline.compile(pipeline.subList(skipped, pipeline.size()));
    } catch (PipelineCompileException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }

  /**
   * Merges the stream cursors newest- or oldest-first, runs each line through its stream's
   * pipeline and groups kept lines by their result labels, until {@code limit} lines are kept.
   */
  static List<StreamResult> merge(List<EntryCursor> cursors, LogPipeline pipeline, int limit, Direction direction, QueryContext context)
      throws IOException {
    List<EntryCursor> byLabels = new ArrayList<>(cursors);
    byLabels.sort(Comparator.comparing(EntryCursor::labels));
    IdentityHashMap<EntryCursor, Integer> indexOf = new IdentityHashMap<>();
    List<StreamPipeline> pipelines = new ArrayList<>(byLabels.size());
    for (int i = 0; i < byLabels.size(); i++) {
      indexOf.put(byLabels.get(i), i);
      pipelines.add(pipeline.forStream(byLabels.get(i).labels()));
    }
    Comparator<EntryCursor> byTime = Comparator.comparingLong(EntryCursor::timestamp);
    if (direction == Direction.BACKWARD) {
      byTime = byTime.reversed();
    }
    PriorityQueue<EntryCursor> heap = new PriorityQueue<>(Math.max(1, byLabels.size()), byTime.thenComparing(indexOf::get));
    for (EntryCursor cursor : byLabels) {
      if (cursor.next()) {
        heap.add(cursor);
      }
    }
    Map<Labels, List<LogEntry>> groups = new HashMap<>();
    int count = 0;
    while (count < limit && !heap.isEmpty()) {
      EntryCursor cursor = heap.poll();
      context.entryTaken();
      StreamPipeline streamPipeline = pipelines.get(indexOf.get(cursor));
      Labels metadata = cursor.metadata();
      if (streamPipeline.process(cursor.timestamp(), cursor.line(), metadata)) {
        String line = streamPipeline.line();
        context.entryHeld(line, metadata);
        groups.computeIfAbsent(streamPipeline.labels(), labels -> new ArrayList<>()).add(new LogEntry(cursor.timestamp(), line, metadata));
        count++;
      }
      if (count < limit && cursor.next()) {
        heap.add(cursor);
      }
    }
    List<StreamResult> result = new ArrayList<>(groups.size());
    groups.forEach((labels, entries) -> result.add(new StreamResult(labels, entries)));
    result.sort(Comparator.comparing(StreamResult::labels));
    return result;
  }
}

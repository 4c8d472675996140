package dev.tonari.ingest.jsonlines;

import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.agent.FieldMapping;
import dev.tonari.ingest.agent.JsonDocument;
import dev.tonari.ingest.agent.JsonLines;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a JSON lines body ({@code POST /tonari/api/v1/push/jsonl}, VictoriaLogs' {@code
 * /insert/jsonline}): one JSON object per line, blank lines skipped, a missing final newline
 * accepted (curl's {@code --data-binary @file} of a file without one). Each object is mapped with
 * the {@link FieldMapping}. A line that is not a JSON object, or whose time is not a time, is
 * refused alone and reported with its line number; the others are kept, as Loki keeps the good
 * entries of a push.
 *
 * <p>Contract: returns a result for any bytes; nothing is thrown.
 */
public final class JsonLinesDecoder {
  /** Problems reported in one answer, at most; the count says how many there were. */
  public static final int MAX_REPORTED_PROBLEMS = 10;

  private JsonLinesDecoder() {}

  /**
   * @param refusedLines lines that could not be stored
   * @param problems the first {@link #MAX_REPORTED_PROBLEMS} reasons, each naming its line
   */
  public record Result(PushRequest request, int refusedLines, List<String> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  public static Result decode(Body body, FieldMapping mapping, long nowNanos) {
    Map<Labels, List<LogEntry>> streams = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    int refused = 0;
    JsonLines lines = new JsonLines(body.bytes(), body.length());
    while (lines.next()) {
      String problem;
      try {
        Map<String, String> fields = JsonDocument.flatten(body.bytes(), lines.start(), lines.end());
        int start = lines.start();
        int end = lines.end();
        java.util.function.Supplier<String> raw = () -> new String(body.bytes(), start, end - start, StandardCharsets.UTF_8);
        FieldMapping.MappedDocument document = mapping.map(fields, raw, nowNanos);
        streams.computeIfAbsent(document.stream(), key -> new ArrayList<>()).add(document.entry());
        continue;
      } catch (JsonDocument.DocumentException | IllegalArgumentException e) {
        problem = "line " + lines.lineNumber() + ": " + e.getMessage();
      }
      refused++;
      if (problems.size() < MAX_REPORTED_PROBLEMS) {
        problems.add(problem);
      }
    }
    List<StreamBatch> batches = new ArrayList<>(streams.size());
    streams.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
    return new Result(new PushRequest(batches), refused, problems);
  }
}

package dev.tonari.query.drilldown;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.query.pipeline.JsonFields;
import dev.tonari.query.pipeline.LabelsBuilder;
import dev.tonari.query.pipeline.LogPipeline;
import dev.tonari.query.pipeline.PipelineCompileException;
import dev.tonari.query.pipeline.StreamPipeline;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loki's field detection over sample lines (its {@code detected_fields}): each line is tried with
 * the json parser and, when it is not a JSON object, with logfmt; every extracted key is a field
 * with the parsers that found it, and every structured-metadata name a field with no parser
 * ({@code parsers: null} in Loki's answer). A field's type is Loki's: detected from the first value
 * of each stream (Loki assumes a stream keeps its types), the last stream seen deciding. The
 * cardinality is the exact number of distinct values, where Loki estimates it with a HyperLogLog
 * sketch; values are kept up to {@link #MAX_VALUES_PER_FIELD} per field, past which the count is
 * a lower bound.
 *
 * <p>Not thread-safe: one instance per request.
 */
public final class DetectedFields {
  /** Distinct values remembered per field; beyond this, values are neither counted nor listed. */
  public static final int MAX_VALUES_PER_FIELD = 10_000;

  /** One detected field as Loki reports it; {@code parsers} is null for structured metadata. */
  public record Field(String label, FieldType type, int cardinality, List<String> parsers, List<String> jsonPath) {}

  private static final LogPipeline LOGFMT = logfmtPipeline();

  private final int limit;
  private final Map<String, Accumulator> fields = new LinkedHashMap<>();
  private Labels pipelineStream;
  private StreamPipeline logfmt;

  /** @param limit the most fields reported (Loki's {@code limit}, default 1000); later names are ignored */
  public DetectedFields(int limit) {
    this.limit = limit;
  }

  private static final class Accumulator {
    FieldType type = FieldType.STRING;
    final Set<String> parsers = new LinkedHashSet<>();
    boolean structuredMetadata;
    List<String> jsonPath = List.of();
    final Set<String> values = new LinkedHashSet<>();
    Labels typedFor;

    void add(String value, Labels stream) {
      // Loki types a field once per stream, from its first value there.
      if (typedFor == null || !typedFor.equals(stream)) {
        type = FieldType.of(value);
        typedFor = stream;
      }
      if (values.size() < MAX_VALUES_PER_FIELD) {
        values.add(value);
      }
    }
  }

  /**
   * Adds one entry.
   *
   * @param stream the entry's stream labels (extracted names that clash get {@code _extracted})
   */
  public void add(Labels stream, String line, Labels structuredMetadata) {
    for (int i = 0; i < structuredMetadata.size(); i++) {
      Accumulator field = field(structuredMetadata.name(i));
      if (field != null) {
        field.structuredMetadata = true;
        field.add(structuredMetadata.value(i), stream);
      }
    }
    Optional<List<JsonFields.JsonField>> json = JsonFields.of(line, name -> stream.get(name) != null);
    if (json.isPresent()) {
      for (JsonFields.JsonField extracted : json.get()) {
        Accumulator field = field(extracted.name());
        if (field != null) {
          field.parsers.add("json");
          field.jsonPath = extracted.path();
          field.add(extracted.value(), stream);
        }
      }
      return;
    }
    StreamPipeline pipeline = logfmtFor(stream);
    pipeline.process(0, line, Labels.EMPTY);
    LabelsBuilder labels = pipeline.labelsBuilder();
    if (labels.hasError()) {
      return;
    }
    for (Map.Entry<String, String> label : labels.toMap().entrySet()) {
      String name = label.getKey();
      if (stream.get(name) != null || name.equals(LabelsBuilder.ERROR_LABEL) || name.equals(LabelsBuilder.ERROR_DETAILS_LABEL)) {
        continue;
      }
      Accumulator field = field(name);
      if (field != null) {
        field.parsers.add("logfmt");
        field.add(label.getValue(), stream);
      }
    }
  }

  private StreamPipeline logfmtFor(Labels stream) {
    if (logfmt == null || !stream.equals(pipelineStream)) {
      logfmt = LOGFMT.forStream(stream);
      pipelineStream = stream;
    }
    return logfmt;
  }

  private Accumulator field(String name) {
    Accumulator field = fields.get(name);
    if (field == null && fields.size() < limit) {
      field = new Accumulator();
      fields.put(name, field);
    }
    return field;
  }

  /** The fields found, by name. */
  public List<Field> fields() {
    List<Field> result = new ArrayList<>(fields.size());
    for (Map.Entry<String, Accumulator> entry : new TreeMap<>(fields).entrySet()) {
      Accumulator field = entry.getValue();
      // Loki reports parsers null when only structured metadata carried the name.
      List<String> parsers = field.parsers.isEmpty() ? null : List.copyOf(field.parsers);
      result.add(new Field(entry.getKey(), field.type, field.values.size(), parsers, field.jsonPath));
    }
    return result;
  }

  /** The distinct values seen of one field, in the order first seen; empty when the field was not found. */
  public List<String> values(String name) {
    Accumulator field = fields.get(name);
    return field == null ? List.of() : List.copyOf(field.values);
  }

  private static LogPipeline logfmtPipeline() {
    try {
      return LogPipeline.compile(LogqlParser.parseLogSelector("{detected=\"fields\"} | logfmt").pipeline());
    } catch (LogqlParseException | PipelineCompileException e) {
      throw new IllegalStateException("the constant logfmt pipeline does not compile", e);
    }
  }
}

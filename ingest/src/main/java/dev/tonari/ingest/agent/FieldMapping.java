package dev.tonari.ingest.agent;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a flattened JSON document becomes an entry of a stream, as VictoriaLogs' {@code _msg_field},
 * {@code _time_field}, {@code _stream_fields} and {@code ignore_fields} choose it: the first
 * message field present is the line (the whole document when none is); the first time field
 * present is the time (now when none is); the stream fields are the stream's labels; the ignored
 * fields are dropped; every other field is structured metadata. Names are turned into label
 * names at the end ({@code host.name} is {@code host_name}), and stream fields may be given in
 * either spelling.
 *
 * @param extraLabels labels every stream of the request gets (the bulk API's {@code _index})
 */
public record FieldMapping(List<String> messageFields, List<String> timeFields, List<String> streamFields, List<String> ignoreFields,
    Map<String, String> extraLabels) {

  /** Defaults that fit Filebeat, Logstash, Fluent Bit and Vector as they come: ECS's and VictoriaLogs' names. */
  public static final List<String> DEFAULT_MESSAGE_FIELDS = List.of("_msg", "message", "msg", "log");
  public static final List<String> DEFAULT_TIME_FIELDS = List.of("_time", "@timestamp", "timestamp", "time");

  public FieldMapping {
    messageFields = List.copyOf(messageFields);
    timeFields = List.copyOf(timeFields);
    streamFields = List.copyOf(streamFields);
    ignoreFields = List.copyOf(ignoreFields);
    extraLabels = Map.copyOf(extraLabels);
  }

  public static FieldMapping defaults() {
    return new FieldMapping(DEFAULT_MESSAGE_FIELDS, DEFAULT_TIME_FIELDS, List.of(), List.of(), Map.of());
  }

  /** Splits a comma-separated field list, as VictoriaLogs' query arguments and headers carry it. */
  public static List<String> splitList(String text) {
    List<String> names = new ArrayList<>();
    if (text == null) {
      return names;
    }
    for (String part : text.split(",")) {
      String name = part.trim();
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  public FieldMapping withExtraLabels(Map<String, String> labels) {
    return new FieldMapping(messageFields, timeFields, streamFields, ignoreFields, labels);
  }

  /** A document's stream and entry. */
  public record MappedDocument(Labels stream, LogEntry entry) {}

  /**
   * @param rawDocument the document's JSON text, the line when it has no message field (made only then)
   * @throws IllegalArgumentException for a time field that is not a time
   */
  public MappedDocument map(Map<String, String> fields, java.util.function.Supplier<String> rawDocument, long nowNanos) {
    String line = null;
    for (String name : messageFields) {
      String value = fields.remove(name);
      if (value != null) {
        line = value;
        break;
      }
    }
    long time = nowNanos;
    for (String name : timeFields) {
      String value = fields.remove(name);
      if (value != null) {
        time = DocumentTime.parseNanos(value);
        break;
      }
    }
    for (String name : ignoreFields) {
      fields.remove(name);
    }
    TreeMap<String, String> labels = new TreeMap<>(extraLabels);
    for (String name : streamFields) {
      String value = fields.remove(name);
      if (value == null) {
        value = removeByLabelName(fields, name);
      }
      if (value != null) {
        labels.put(LabelNames.of(name), value);
      }
    }
    TreeMap<String, String> metadata = new TreeMap<>();
    fields.forEach((name, value) -> metadata.put(LabelNames.of(name), value));
    return new MappedDocument(Labels.of(labels), new LogEntry(time, line != null ? line : rawDocument.get(), Labels.of(metadata)));
  }

  private static String removeByLabelName(Map<String, String> fields, String labelName) {
    for (var iterator = fields.entrySet().iterator(); iterator.hasNext(); ) {
      var field = iterator.next();
      if (LabelNames.of(field.getKey()).equals(labelName)) {
        iterator.remove();
        return field.getValue();
      }
    }
    return null;
  }
}

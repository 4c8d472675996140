package dev.tonari.ingest.otlp;

import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.JsonText;
import dev.tonari.ingest.agent.LabelNames;
import dev.tonari.ingest.agent.LogDiscovery;
import dev.tonari.ingest.otlp.OtlpLogs.AnyValue;
import dev.tonari.ingest.otlp.OtlpLogs.Attribute;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps OTLP logs to Loki streams as Loki 3's OTLP endpoint does: resource attributes picked by the
 * {@link OtlpMapping} become index labels, every other attribute (resource, scope, log) becomes
 * structured metadata, unless a rule drops it; names have their dots (and every other character a
 * label name cannot hold) turned to underscores; map values are flattened with {@code _}-joined
 * names, arrays written as JSON. Each record's structured metadata also carries {@code scope_name},
 * {@code scope_version}, {@code severity_text}, {@code severity_number}, {@code trace_id}, {@code
 * span_id}, {@code flags}, {@code observed_timestamp}, {@code dropped_attributes_count} and {@code
 * event_name} when set. The line is the body (maps and arrays as JSON); the time is {@code
 * time_unix_nano}, else {@code observed_time_unix_nano}, else now. Without {@code service.name}
 * the stream's {@code service_name} is discovered ({@link LogDiscovery#withServiceName}).
 */
public final class OtlpMapper {
  private OtlpMapper() {}

  public static PushRequest map(OtlpLogs logs, OtlpMapping mapping, long nowNanos) {
    Map<Labels, List<LogEntry>> streams = new LinkedHashMap<>();
    for (OtlpLogs.ResourceLogs resource : logs.resourceLogs()) {
      TreeMap<String, String> resourceLabels = new TreeMap<>();
      TreeMap<String, String> resourceMetadata = new TreeMap<>();
      for (Attribute attribute : resource.resourceAttributes()) {
        switch (mapping.forResource(attribute.key())) {
          case INDEX_LABEL -> put(resourceLabels, attribute.key(), attribute.value());
          case STRUCTURED_METADATA -> put(resourceMetadata, attribute.key(), attribute.value());
          case DROP -> { }
        }
      }
      for (OtlpLogs.ScopeLogs scope : resource.scopeLogs()) {
        TreeMap<String, String> scopeMetadata = new TreeMap<>(resourceMetadata);
        putText(scopeMetadata, "scope_name", scope.name());
        putText(scopeMetadata, "scope_version", scope.version());
        for (Attribute attribute : scope.attributes()) {
          if (mapping.forScope(attribute.key()) != OtlpMapping.Action.DROP) {
            put(scopeMetadata, attribute.key(), attribute.value());
          }
        }
        for (OtlpLogs.LogRecord record : scope.logRecords()) {
          TreeMap<String, String> labels = resourceLabels;
          TreeMap<String, String> metadata = new TreeMap<>(scopeMetadata);
          for (Attribute attribute : record.attributes()) {
            switch (mapping.forLog(attribute.key())) {
              case INDEX_LABEL -> {
                if (labels == resourceLabels) {
                  labels = new TreeMap<>(resourceLabels);
                }
                put(labels, attribute.key(), attribute.value());
              }
              case STRUCTURED_METADATA -> put(metadata, attribute.key(), attribute.value());
              case DROP -> { }
            }
          }
          putText(metadata, "severity_text", record.severityText());
          if (record.severityNumber() != 0) {
            metadata.put("severity_number", Integer.toString(record.severityNumber()));
          }
          putText(metadata, "trace_id", record.traceId());
          putText(metadata, "span_id", record.spanId());
          if (record.flags() != 0) {
            metadata.put("flags", Integer.toUnsignedString(record.flags()));
          }
          if (record.observedTimeUnixNano() != 0) {
            metadata.put("observed_timestamp", Long.toUnsignedString(record.observedTimeUnixNano()));
          }
          if (record.droppedAttributesCount() != 0) {
            metadata.put("dropped_attributes_count", Long.toString(record.droppedAttributesCount()));
          }
          putText(metadata, "event_name", record.eventName());
          long time = record.timeUnixNano() != 0 ? record.timeUnixNano()
              : record.observedTimeUnixNano() != 0 ? record.observedTimeUnixNano() : nowNanos;
          String line = record.body() == null ? "" : asString(record.body());
          Labels streamLabels = LogDiscovery.withServiceName(Labels.of(labels), mapping.serviceNameSources());
          streams.computeIfAbsent(streamLabels, key -> new ArrayList<>()).add(new LogEntry(time, line, Labels.of(metadata)));
        }
      }
    }
    List<StreamBatch> batches = new ArrayList<>(streams.size());
    streams.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
    return new PushRequest(batches);
  }

  private static void putText(Map<String, String> into, String name, String value) {
    if (value != null && !value.isEmpty()) {
      into.put(name, value);
    }
  }

  /** Puts an attribute under its label name; maps are flattened to {@code name_key} entries, as Loki does. */
  private static void put(Map<String, String> into, String key, AnyValue value) {
    if (value instanceof AnyValue.KeyValues map) {
      for (Attribute inner : map.values()) {
        put(into, key + "_" + inner.key(), inner.value());
      }
      return;
    }
    putText(into, LabelNames.of(key), asString(value));
  }

  /** pdata's {@code Value.AsString}: strings as they are, maps and arrays as JSON, bytes as base64. */
  public static String asString(AnyValue value) {
    return switch (value) {
      case AnyValue.Text text -> text.value();
      case AnyValue.Empty empty -> "";
      default -> {
        StringBuilder sb = new StringBuilder();
        appendJson(sb, value, false);
        yield sb.toString();
      }
    };
  }

  private static void appendJson(StringBuilder sb, AnyValue value, boolean quoteText) {
    switch (value) {
      case AnyValue.Text text -> {
        if (quoteText) {
          JsonText.appendQuoted(sb, text.value());
        } else {
          sb.append(text.value());
        }
      }
      case AnyValue.Bool bool -> sb.append(bool.value());
      case AnyValue.Int number -> sb.append(number.value());
      case AnyValue.Real real -> sb.append(formatDouble(real.value(), quoteText));
      case AnyValue.Bytes bytes -> {
        String encoded = Base64.getEncoder().encodeToString(bytes.value());
        if (quoteText) {
          sb.append('"').append(encoded).append('"');
        } else {
          sb.append(encoded);
        }
      }
      case AnyValue.Empty empty -> sb.append(quoteText ? "null" : "");
      case AnyValue.Array array -> {
        sb.append('[');
        for (int i = 0; i < array.values().size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          appendJson(sb, array.values().get(i), true);
        }
        sb.append(']');
      }
      case AnyValue.KeyValues map -> {
        sb.append('{');
        for (int i = 0; i < map.values().size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          JsonText.appendQuoted(sb, map.values().get(i).key());
          sb.append(':');
          appendJson(sb, map.values().get(i).value(), true);
        }
        sb.append('}');
      }
    }
  }

  private static String formatDouble(double value, boolean inJson) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      String text = Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
      return inJson ? "\"" + text + "\"" : text;
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}

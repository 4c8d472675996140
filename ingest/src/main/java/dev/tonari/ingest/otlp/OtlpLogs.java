package dev.tonari.ingest.otlp;

import java.util.List;

/**
 * An OTLP {@code ExportLogsServiceRequest} as read from protobuf or OTLP/JSON, before it is mapped
 * to streams: only the fields the mapping uses, in the order they arrived.
 */
public record OtlpLogs(List<ResourceLogs> resourceLogs) {
  public OtlpLogs {
    resourceLogs = List.copyOf(resourceLogs);
  }

  /** {@code ResourceLogs}: the resource's attributes and its scopes. */
  public record ResourceLogs(List<Attribute> resourceAttributes, List<ScopeLogs> scopeLogs) {
    public ResourceLogs {
      resourceAttributes = List.copyOf(resourceAttributes);
      scopeLogs = List.copyOf(scopeLogs);
    }
  }

  /** {@code ScopeLogs}: the instrumentation scope (empty name and version when absent) and its records. */
  public record ScopeLogs(String name, String version, List<Attribute> attributes, List<LogRecord> logRecords) {
    public ScopeLogs {
      attributes = List.copyOf(attributes);
      logRecords = List.copyOf(logRecords);
    }
  }

  /**
   * {@code LogRecord}. Times are nanoseconds since the epoch, 0 when absent; {@code traceId} and
   * {@code spanId} are lowercase hex, empty when absent; {@code body} is null when absent.
   */
  public record LogRecord(long timeUnixNano, long observedTimeUnixNano, int severityNumber, String severityText, AnyValue body,
      List<Attribute> attributes, long droppedAttributesCount, int flags, String traceId, String spanId, String eventName) {
    public LogRecord {
      attributes = List.copyOf(attributes);
    }
  }

  /** {@code KeyValue}. */
  public record Attribute(String key, AnyValue value) {}

  /** {@code AnyValue}: one of its seven kinds; an empty {@code AnyValue} is {@link Empty}. */
  public sealed interface AnyValue {
    record Text(String value) implements AnyValue {}

    record Bool(boolean value) implements AnyValue {}

    record Int(long value) implements AnyValue {}

    record Real(double value) implements AnyValue {}

    /** Compared by content, unlike a record's array component. */
    record Bytes(byte[] value) implements AnyValue {
      @Override
      public boolean equals(Object other) {
        return other instanceof Bytes bytes && java.util.Arrays.equals(value, bytes.value);
      }

      @Override
      public int hashCode() {
        return java.util.Arrays.hashCode(value);
      }

      @Override
      public String toString() {
        return "Bytes" + java.util.Arrays.toString(value);
      }
    }

    record Array(List<AnyValue> values) implements AnyValue {
      public Array {
        values = List.copyOf(values);
      }
    }

    record KeyValues(List<Attribute> values) implements AnyValue {
      public KeyValues {
        values = List.copyOf(values);
      }
    }

    record Empty() implements AnyValue {}
  }
}

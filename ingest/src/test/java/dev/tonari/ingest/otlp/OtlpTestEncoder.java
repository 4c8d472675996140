package dev.tonari.ingest.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.tonari.ingest.agent.JsonText;
import dev.tonari.ingest.otlp.OtlpLogs.AnyValue;
import dev.tonari.ingest.otlp.OtlpLogs.Attribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Writes {@link OtlpLogs} as OTLP protobuf and OTLP/JSON, to test the readers against each other and against themselves. */
final class OtlpTestEncoder {
  private OtlpTestEncoder() {}

  interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] message(Writer writer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      writer.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] protobuf(OtlpLogs logs) {
    return message(out -> {
      for (OtlpLogs.ResourceLogs resource : logs.resourceLogs()) {
        out.writeByteArray(1, message(r -> {
          r.writeByteArray(1, message(res -> {
            for (Attribute attribute : resource.resourceAttributes()) {
              res.writeByteArray(1, keyValue(attribute));
            }
          }));
          for (OtlpLogs.ScopeLogs scope : resource.scopeLogs()) {
            r.writeByteArray(2, message(s -> {
              s.writeByteArray(1, message(sc -> {
                sc.writeString(1, scope.name());
                sc.writeString(2, scope.version());
                for (Attribute attribute : scope.attributes()) {
                  sc.writeByteArray(3, keyValue(attribute));
                }
              }));
              for (OtlpLogs.LogRecord record : scope.logRecords()) {
                s.writeByteArray(2, logRecord(record));
              }
            }));
          }
        }));
      }
    });
  }

  private static byte[] logRecord(OtlpLogs.LogRecord record) {
    return message(out -> {
      if (record.timeUnixNano() != 0) {
        out.writeFixed64(1, record.timeUnixNano());
      }
      if (record.severityNumber() != 0) {
        out.writeEnum(2, record.severityNumber());
      }
      if (!record.severityText().isEmpty()) {
        out.writeString(3, record.severityText());
      }
      if (record.body() != null) {
        out.writeByteArray(5, anyValue(record.body()));
      }
      for (Attribute attribute : record.attributes()) {
        out.writeByteArray(6, keyValue(attribute));
      }
      if (record.droppedAttributesCount() != 0) {
        out.writeUInt32(7, (int) record.droppedAttributesCount());
      }
      if (record.flags() != 0) {
        out.writeFixed32(8, record.flags());
      }
      if (!record.traceId().isEmpty()) {
        out.writeBytes(9, ByteString.copyFrom(HexFormat.of().parseHex(record.traceId())));
      }
      if (!record.spanId().isEmpty()) {
        out.writeBytes(10, ByteString.copyFrom(HexFormat.of().parseHex(record.spanId())));
      }
      if (record.observedTimeUnixNano() != 0) {
        out.writeFixed64(11, record.observedTimeUnixNano());
      }
      if (!record.eventName().isEmpty()) {
        out.writeString(12, record.eventName());
      }
    });
  }

  private static byte[] keyValue(Attribute attribute) {
    return message(out -> {
      out.writeString(1, attribute.key());
      out.writeByteArray(2, anyValue(attribute.value()));
    });
  }

  private static byte[] anyValue(AnyValue value) {
    return message(out -> {
      switch (value) {
        case AnyValue.Text text -> out.writeString(1, text.value());
        case AnyValue.Bool bool -> out.writeBool(2, bool.value());
        case AnyValue.Int number -> out.writeInt64(3, number.value());
        case AnyValue.Real real -> out.writeDouble(4, real.value());
        case AnyValue.Array array -> out.writeByteArray(5, message(a -> {
          for (AnyValue element : array.values()) {
            a.writeByteArray(1, anyValue(element));
          }
        }));
        case AnyValue.KeyValues map -> out.writeByteArray(6, message(m -> {
          for (Attribute attribute : map.values()) {
            m.writeByteArray(1, keyValue(attribute));
          }
        }));
        case AnyValue.Bytes bytes -> out.writeBytes(7, ByteString.copyFrom(bytes.value()));
        case AnyValue.Empty empty -> { }
      }
    });
  }

  static String json(OtlpLogs logs) {
    StringBuilder sb = new StringBuilder("{\"resourceLogs\":[");
    for (int i = 0; i < logs.resourceLogs().size(); i++) {
      OtlpLogs.ResourceLogs resource = logs.resourceLogs().get(i);
      sb.append(i > 0 ? "," : "").append("{\"resource\":{\"attributes\":");
      attributes(sb, resource.resourceAttributes());
      sb.append("},\"scopeLogs\":[");
      for (int j = 0; j < resource.scopeLogs().size(); j++) {
        OtlpLogs.ScopeLogs scope = resource.scopeLogs().get(j);
        sb.append(j > 0 ? "," : "").append("{\"scope\":{\"name\":");
        JsonText.appendQuoted(sb, scope.name());
        sb.append(",\"version\":");
        JsonText.appendQuoted(sb, scope.version());
        sb.append(",\"attributes\":");
        attributes(sb, scope.attributes());
        sb.append("},\"logRecords\":[");
        for (int k = 0; k < scope.logRecords().size(); k++) {
          OtlpLogs.LogRecord record = scope.logRecords().get(k);
          sb.append(k > 0 ? "," : "").append('{');
          sb.append("\"timeUnixNano\":\"").append(Long.toUnsignedString(record.timeUnixNano())).append('"');
          sb.append(",\"observedTimeUnixNano\":\"").append(Long.toUnsignedString(record.observedTimeUnixNano())).append('"');
          sb.append(",\"severityNumber\":").append(record.severityNumber());
          sb.append(",\"severityText\":");
          JsonText.appendQuoted(sb, record.severityText());
          if (record.body() != null) {
            sb.append(",\"body\":");
            anyValue(sb, record.body());
          }
          sb.append(",\"attributes\":");
          attributes(sb, record.attributes());
          sb.append(",\"droppedAttributesCount\":").append(record.droppedAttributesCount());
          sb.append(",\"flags\":").append(Integer.toUnsignedLong(record.flags()));
          sb.append(",\"traceId\":\"").append(record.traceId()).append('"');
          sb.append(",\"spanId\":\"").append(record.spanId()).append('"');
          sb.append(",\"eventName\":");
          JsonText.appendQuoted(sb, record.eventName());
          sb.append('}');
        }
        sb.append("]}");
      }
      sb.append("]}");
    }
    return sb.append("]}").toString();
  }

  private static void attributes(StringBuilder sb, List<Attribute> attributes) {
    sb.append('[');
    for (int i = 0; i < attributes.size(); i++) {
      sb.append(i > 0 ? "," : "").append("{\"key\":");
      JsonText.appendQuoted(sb, attributes.get(i).key());
      sb.append(",\"value\":");
      anyValue(sb, attributes.get(i).value());
      sb.append('}');
    }
    sb.append(']');
  }

  private static void anyValue(StringBuilder sb, AnyValue value) {
    switch (value) {
      case AnyValue.Text text -> {
        sb.append("{\"stringValue\":");
        JsonText.appendQuoted(sb, text.value());
        sb.append('}');
      }
      case AnyValue.Bool bool -> sb.append("{\"boolValue\":").append(bool.value()).append('}');
      case AnyValue.Int number -> sb.append("{\"intValue\":\"").append(number.value()).append("\"}");
      case AnyValue.Real real -> sb.append("{\"doubleValue\":").append(real.value()).append('}');
      case AnyValue.Bytes bytes -> sb.append("{\"bytesValue\":\"").append(Base64.getEncoder().encodeToString(bytes.value())).append("\"}");
      case AnyValue.Array array -> {
        sb.append("{\"arrayValue\":{\"values\":[");
        for (int i = 0; i < array.values().size(); i++) {
          sb.append(i > 0 ? "," : "");
          anyValue(sb, array.values().get(i));
        }
        sb.append("]}}");
      }
      case AnyValue.KeyValues map -> {
        sb.append("{\"kvlistValue\":{\"values\":");
        attributes(sb, map.values());
        sb.append("}}");
      }
      case AnyValue.Empty empty -> sb.append("{}");
    }
  }
}

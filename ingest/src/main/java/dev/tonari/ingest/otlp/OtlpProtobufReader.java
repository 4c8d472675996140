package dev.tonari.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.otlp.OtlpLogs.AnyValue;
import dev.tonari.ingest.otlp.OtlpLogs.Attribute;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hand-written reader of {@code opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest}
 * (the same bytes as {@code LogsData}), so the build needs neither protoc nor the generated
 * {@code opentelemetry-proto} classes:
 *
 * <pre>
 * ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
 * ResourceLogs  { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
 * Resource      { repeated KeyValue attributes = 1; }
 * ScopeLogs     { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
 * InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
 * LogRecord     { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11;
 *                 SeverityNumber severity_number = 2; string severity_text = 3; AnyValue body = 5;
 *                 repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7;
 *                 fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10; string event_name = 12; }
 * KeyValue      { string key = 1; AnyValue value = 2; }
 * AnyValue      { oneof: string 1; bool 2; int64 3; double 4; ArrayValue 5; KeyValueList 6; bytes 7 }
 * ArrayValue    { repeated AnyValue values = 1; }   KeyValueList { repeated KeyValue values = 1; }
 * </pre>
 *
 * Unknown fields, and known fields of another wire type, are skipped as generated parsers do.
 * Nested values deeper than {@link #MAX_DEPTH} are refused (a 400, not a stack overflow).
 */
final class OtlpProtobufReader {
  static final int MAX_DEPTH = 64;
  private static final HexFormat HEX = HexFormat.of();

  private final Body body;
  private final CodedInputStream in;

  private OtlpProtobufReader(Body body) {
    this.body = body;
    this.in = CodedInputStream.newInstance(body.bytes(), 0, body.length());
    // Our own depth bound applies; protobuf-java's only guards its own recursive parsers.
  }

  static OtlpLogs read(Body body) throws PushException {
    OtlpProtobufReader reader = new OtlpProtobufReader(body);
    try {
      return reader.readRequest();
    } catch (IOException e) {
      throw reader.malformed(String.valueOf(e.getMessage()), e);
    }
  }

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  private static final int F1_LEN = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F2_LEN = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F3_LEN = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F5_LEN = tag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F6_LEN = tag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F7_LEN = tag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F9_LEN = tag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F10_LEN = tag(10, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F12_LEN = tag(12, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int F1_FIXED64 = tag(1, WireFormat.WIRETYPE_FIXED64);
  private static final int F4_FIXED64 = tag(4, WireFormat.WIRETYPE_FIXED64);
  private static final int F11_FIXED64 = tag(11, WireFormat.WIRETYPE_FIXED64);
  private static final int F8_FIXED32 = tag(8, WireFormat.WIRETYPE_FIXED32);
  private static final int F2_VARINT = tag(2, WireFormat.WIRETYPE_VARINT);
  private static final int F3_VARINT = tag(3, WireFormat.WIRETYPE_VARINT);
  private static final int F7_VARINT = tag(7, WireFormat.WIRETYPE_VARINT);

  private OtlpLogs readRequest() throws IOException, PushException {
    List<OtlpLogs.ResourceLogs> resources = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == F1_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        resources.add(readResourceLogs());
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    return new OtlpLogs(resources);
  }

  private OtlpLogs.ResourceLogs readResourceLogs() throws IOException, PushException {
    List<Attribute> attributes = new ArrayList<>();
    List<OtlpLogs.ScopeLogs> scopes = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == F1_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        int inner;
        while ((inner = in.readTag()) != 0) {
          if (inner == F1_LEN) {
            attributes.add(readKeyValueMessage(0));
          } else {
            skip(inner);
          }
        }
        in.popLimit(limit);
      } else if (tag == F2_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        scopes.add(readScopeLogs());
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    return new OtlpLogs.ResourceLogs(attributes, scopes);
  }

  private OtlpLogs.ScopeLogs readScopeLogs() throws IOException, PushException {
    String name = "";
    String version = "";
    List<Attribute> attributes = new ArrayList<>();
    List<OtlpLogs.LogRecord> records = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == F1_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        int inner;
        while ((inner = in.readTag()) != 0) {
          if (inner == F1_LEN) {
            name = in.readString();
          } else if (inner == F2_LEN) {
            version = in.readString();
          } else if (inner == F3_LEN) {
            attributes.add(readKeyValueMessage(0));
          } else {
            skip(inner);
          }
        }
        in.popLimit(limit);
      } else if (tag == F2_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        records.add(readLogRecord());
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    return new OtlpLogs.ScopeLogs(name, version, attributes, records);
  }

  private OtlpLogs.LogRecord readLogRecord() throws IOException, PushException {
    long time = 0;
    long observed = 0;
    int severityNumber = 0;
    String severityText = "";
    AnyValue bodyValue = null;
    List<Attribute> attributes = new ArrayList<>();
    long dropped = 0;
    int flags = 0;
    String traceId = "";
    String spanId = "";
    String eventName = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == F1_FIXED64) {
        time = in.readFixed64();
      } else if (tag == F11_FIXED64) {
        observed = in.readFixed64();
      } else if (tag == F2_VARINT) {
        severityNumber = in.readEnum();
      } else if (tag == F3_LEN) {
        severityText = in.readString();
      } else if (tag == F5_LEN) {
        bodyValue = readAnyValueMessage(0);
      } else if (tag == F6_LEN) {
        attributes.add(readKeyValueMessage(0));
      } else if (tag == F7_VARINT) {
        dropped = Integer.toUnsignedLong(in.readUInt32());
      } else if (tag == F8_FIXED32) {
        flags = in.readFixed32();
      } else if (tag == F9_LEN) {
        traceId = HEX.formatHex(in.readByteArray());
      } else if (tag == F10_LEN) {
        spanId = HEX.formatHex(in.readByteArray());
      } else if (tag == F12_LEN) {
        eventName = in.readString();
      } else {
        skip(tag);
      }
    }
    return new OtlpLogs.LogRecord(time, observed, severityNumber, severityText, bodyValue, attributes, dropped, flags, traceId, spanId, eventName);
  }

  /** Reads a length-delimited KeyValue whose tag was just read. */
  private Attribute readKeyValueMessage(int depth) throws IOException, PushException {
    checkDepth(depth);
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    AnyValue value = new AnyValue.Empty();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == F1_LEN) {
        key = in.readString();
      } else if (tag == F2_LEN) {
        value = readAnyValueMessage(depth + 1);
      } else {
        skip(tag);
      }
    }
    in.popLimit(limit);
    return new Attribute(key, value);
  }

  /** Reads a length-delimited AnyValue whose tag was just read; the last oneof field wins, as in generated code. */
  private AnyValue readAnyValueMessage(int depth) throws IOException, PushException {
    checkDepth(depth);
    int limit = in.pushLimit(in.readRawVarint32());
    AnyValue value = new AnyValue.Empty();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == F1_LEN) {
        value = new AnyValue.Text(in.readString());
      } else if (tag == F2_VARINT) {
        value = new AnyValue.Bool(in.readBool());
      } else if (tag == F3_VARINT) {
        value = new AnyValue.Int(in.readInt64());
      } else if (tag == F4_FIXED64) {
        value = new AnyValue.Real(in.readDouble());
      } else if (tag == F5_LEN) {
        int inner = in.pushLimit(in.readRawVarint32());
        List<AnyValue> values = new ArrayList<>();
        int element;
        while ((element = in.readTag()) != 0) {
          if (element == F1_LEN) {
            values.add(readAnyValueMessage(depth + 1));
          } else {
            skip(element);
          }
        }
        in.popLimit(inner);
        value = new AnyValue.Array(values);
      } else if (tag == F6_LEN) {
        int inner = in.pushLimit(in.readRawVarint32());
        List<Attribute> values = new ArrayList<>();
        int element;
        while ((element = in.readTag()) != 0) {
          if (element == F1_LEN) {
            values.add(readKeyValueMessage(depth + 1));
          } else {
            skip(element);
          }
        }
        in.popLimit(inner);
        value = new AnyValue.KeyValues(values);
      } else if (tag == F7_LEN) {
        value = new AnyValue.Bytes(in.readByteArray());
      } else {
        skip(tag);
      }
    }
    in.popLimit(limit);
    return value;
  }

  private void checkDepth(int depth) throws PushException {
    if (depth > MAX_DEPTH) {
      throw malformed("values nested deeper than " + MAX_DEPTH + " levels", null);
    }
  }

  private void skip(int tag) throws IOException, PushException {
    if (!in.skipField(tag)) {
      throw malformed("unexpected end-group tag (field " + WireFormat.getTagFieldNumber(tag) + ")", null);
    }
  }

  private PushException malformed(String what, Throwable cause) {
    String message = "error parsing OTLP protobuf body: " + what + " at byte offset " + in.getTotalBytesRead() + " of " + body.length();
    return cause == null ? new PushException(400, message) : new PushException(400, message, cause);
  }
}

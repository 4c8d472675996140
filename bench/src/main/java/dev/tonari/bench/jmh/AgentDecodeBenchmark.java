package dev.tonari.bench.jmh;

import com.google.protobuf.CodedOutputStream;
import dev.tonari.ingest.PushDecoder;
import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.BodyDecompression;
import dev.tonari.ingest.agent.FieldMapping;
import dev.tonari.ingest.agent.JsonText;
import dev.tonari.ingest.agent.LogDiscovery;
import dev.tonari.ingest.elastic.BulkDecoder;
import dev.tonari.ingest.elastic.BulkRequest;
import dev.tonari.ingest.jsonlines.JsonLinesDecoder;
import dev.tonari.ingest.otlp.OtlpDecoder;
import dev.tonari.ingest.otlp.OtlpMapping;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same 1 MB of generated lines (about 5,000, a few hundred streams) pushed in each agent's
 * format: OTLP protobuf and OTLP/JSON (stream labels as resource attributes, metadata as log
 * attributes), Elasticsearch bulk and JSON lines (labels and metadata as document fields), decoded
 * and mapped to streams; and the service_name/detected_level discovery every push now passes.
 * Baseline: the Loki JSON push of the same lines through {@link PushDecoder}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class AgentDecodeBenchmark {
  private static final long MAX_BYTES = 64L << 20;
  private static final OtlpMapping MAPPING = OtlpMapping.defaults(LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES);
  private byte[] lokiJson;
  private PushRequest lokiRequest;
  private byte[] otlpProtobuf;
  private byte[] otlpJson;
  private byte[] bulk;
  private FieldMapping fieldMapping;

  @Setup
  public void setUp() throws IOException {
    lokiRequest = BenchmarkData.pushRequest(BenchmarkData.lines(1 << 20));
    lokiJson = PushEncoder.json(lokiRequest);
    otlpProtobuf = otlpProtobuf(lokiRequest);
    otlpJson = otlpJson(lokiRequest).getBytes(StandardCharsets.UTF_8);
    bulk = bulk(lokiRequest).getBytes(StandardCharsets.UTF_8);
    fieldMapping = new FieldMapping(FieldMapping.DEFAULT_MESSAGE_FIELDS, FieldMapping.DEFAULT_TIME_FIELDS,
        lokiRequest.streams().get(0).labels().names(), List.of(), java.util.Map.of());
  }

  /** Baseline: Loki's JSON push of the same lines. */
  @Benchmark
  public PushRequest baselineLokiJson() throws PushException {
    return PushDecoder.decode("application/json", null, lokiJson, MAX_BYTES);
  }

  @Benchmark
  public PushRequest otlpProtobuf() throws PushException {
    return OtlpDecoder.decode("application/x-protobuf", null, otlpProtobuf, MAX_BYTES, "limit", MAPPING, 0);
  }

  @Benchmark
  public PushRequest otlpJson() throws PushException {
    return OtlpDecoder.decode("application/json", null, otlpJson, MAX_BYTES, "limit", MAPPING, 0);
  }

  @Benchmark
  public BulkRequest elasticBulk() throws PushException {
    return BulkDecoder.decode(BodyDecompression.Body.of(bulk), null, fieldMapping, 0);
  }

  @Benchmark
  public JsonLinesDecoder.Result jsonLines() {
    // The bulk body's source lines are JSON objects too; its action lines count as documents here.
    return JsonLinesDecoder.decode(BodyDecompression.Body.of(bulk), fieldMapping, 0);
  }

  /** What discover_service_name and discover_log_levels add to every push (on the decoded Loki request). */
  @Benchmark
  public PushRequest discovery() {
    return LogDiscovery.apply(lokiRequest, LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES, true);
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] keyValue(String key, String value) throws IOException {
    return message(out -> {
      out.writeString(1, key);
      out.writeByteArray(2, message(v -> v.writeString(1, value)));
    });
  }

  private static byte[] otlpProtobuf(PushRequest request) throws IOException {
    return message(out -> {
      for (StreamBatch stream : request.streams()) {
        out.writeByteArray(1, message(resourceLogs -> {
          resourceLogs.writeByteArray(1, message(resource -> {
            for (String name : stream.labels().names()) {
              resource.writeByteArray(1, keyValue(name, stream.labels().get(name)));
            }
          }));
          resourceLogs.writeByteArray(2, message(scopeLogs -> {
            scopeLogs.writeByteArray(1, message(scope -> scope.writeString(1, "bench")));
            for (LogEntry entry : stream.entries()) {
              scopeLogs.writeByteArray(2, message(record -> {
                record.writeFixed64(1, entry.timestampNanos());
                record.writeEnum(2, 9);
                record.writeByteArray(5, message(body -> body.writeString(1, entry.line())));
                for (String name : entry.metadata().names()) {
                  record.writeByteArray(6, keyValue(name, entry.metadata().get(name)));
                }
              }));
            }
          }));
        }));
      }
    });
  }

  private static String otlpJson(PushRequest request) {
    StringBuilder sb = new StringBuilder("{\"resourceLogs\":[");
    boolean firstStream = true;
    for (StreamBatch stream : request.streams()) {
      sb.append(firstStream ? "" : ",").append("{\"resource\":{\"attributes\":[");
      firstStream = false;
      appendAttributes(sb, stream.labels());
      sb.append("]},\"scopeLogs\":[{\"scope\":{\"name\":\"bench\"},\"logRecords\":[");
      boolean firstEntry = true;
      for (LogEntry entry : stream.entries()) {
        sb.append(firstEntry ? "" : ",").append("{\"timeUnixNano\":\"").append(entry.timestampNanos()).append("\",\"severityNumber\":9,\"body\":{\"stringValue\":");
        firstEntry = false;
        JsonText.appendQuoted(sb, entry.line());
        sb.append("},\"attributes\":[");
        appendAttributes(sb, entry.metadata());
        sb.append("]}");
      }
      sb.append("]}]}");
    }
    return sb.append("]}").toString();
  }

  private static void appendAttributes(StringBuilder sb, dev.tonari.store.Labels labels) {
    for (int i = 0; i < labels.size(); i++) {
      sb.append(i > 0 ? "," : "").append("{\"key\":");
      JsonText.appendQuoted(sb, labels.name(i));
      sb.append(",\"value\":{\"stringValue\":");
      JsonText.appendQuoted(sb, labels.value(i));
      sb.append("}}");
    }
  }

  private static String bulk(PushRequest request) {
    StringBuilder sb = new StringBuilder();
    for (StreamBatch stream : request.streams()) {
      for (LogEntry entry : stream.entries()) {
        sb.append("{\"create\":{\"_index\":\"bench\"}}\n{\"@timestamp\":\"").append(entry.timestampNanos()).append("\",\"message\":");
        JsonText.appendQuoted(sb, entry.line());
        for (dev.tonari.store.Labels labels : List.of(stream.labels(), entry.metadata())) {
          for (int i = 0; i < labels.size(); i++) {
            sb.append(',');
            JsonText.appendQuoted(sb, labels.name(i));
            sb.append(':');
            JsonText.appendQuoted(sb, labels.value(i));
          }
        }
        sb.append("}\n");
      }
    }
    return sb.toString();
  }
}

package dev.tonari.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.query.metric.Series;
import dev.tonari.query.metric.VectorSample;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes responses in the exact JSON shapes of Loki's HTTP API with Jackson's streaming generator
 * (no intermediate tree, so a large result costs no second copy). Timestamps are nanosecond
 * strings and label sets are objects in name order, as Loki sends them.
 */
public final class LokiJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private LokiJson() {}

  /** One stream of a {@code resultType: streams} answer. */
  public record Stream(Labels labels, List<LogEntry> entries) {}

  /** Execution figures reported in {@code data.stats.summary}. */
  public record Summary(long linesScanned, long bytesScanned, long entriesReturned, long execNanos) {}

  /**
   * {@code {"status":"success","data":{"resultType":"streams","result":[...],"stats":{...}}}}.
   *
   * @param categorizeLabels when true (the client sent Loki's {@code categorize-labels} encoding
   *     flag), structured metadata goes in a third element of each value and {@code encodingFlags}
   *     is echoed; otherwise the caller has already folded metadata into the stream labels
   */
  public static void writeStreams(OutputStream out, List<Stream> streams, Summary summary, boolean categorizeLabels) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeObjectFieldStart("data");
      json.writeStringField("resultType", "streams");
      json.writeArrayFieldStart("result");
      for (Stream stream : streams) {
        json.writeStartObject();
        json.writeFieldName("stream");
        writeLabels(json, stream.labels());
        json.writeArrayFieldStart("values");
        for (LogEntry entry : stream.entries()) {
          json.writeStartArray();
          json.writeString(Long.toString(entry.timestampNanos()));
          json.writeString(entry.line());
          if (categorizeLabels && !entry.metadata().isEmpty()) {
            json.writeStartObject();
            json.writeFieldName("structuredMetadata");
            writeLabels(json, entry.metadata());
            json.writeEndObject();
          }
          json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      writeStats(json, summary);
      if (categorizeLabels) {
        json.writeArrayFieldStart("encodingFlags");
        json.writeString("categorize-labels");
        json.writeEndArray();
      }
      json.writeEndObject();
      json.writeEndObject();
    }
  }

  /**
   * {@code {"status":"success","data":{"resultType":"matrix","result":[{"metric":{...},"values":[[1700000000.5,"2"],...]}],"stats":{...}}}}:
   * timestamps as Unix seconds with millisecond precision, values as Go's shortest decimal strings.
   */
  public static void writeMatrix(OutputStream out, List<Series> series, Summary summary) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      startData(json, "matrix");
      json.writeArrayFieldStart("result");
      for (Series one : series) {
        json.writeStartObject();
        json.writeFieldName("metric");
        writeLabels(json, one.labels());
        json.writeArrayFieldStart("values");
        for (int i = 0; i < one.size(); i++) {
          writePoint(json, one.timestampsNanos()[i], one.values()[i]);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      writeStats(json, summary);
      json.writeEndObject();
      json.writeEndObject();
    }
  }

  /** {@code "resultType":"vector"}: {@code [{"metric":{...},"value":[1700000000,"2"]}, ...]}. */
  public static void writeVector(OutputStream out, List<VectorSample> samples, Summary summary) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      startData(json, "vector");
      json.writeArrayFieldStart("result");
      for (VectorSample sample : samples) {
        json.writeStartObject();
        json.writeFieldName("metric");
        writeLabels(json, sample.labels());
        json.writeFieldName("value");
        writePoint(json, sample.timestampNanos(), sample.value());
        json.writeEndObject();
      }
      json.writeEndArray();
      writeStats(json, summary);
      json.writeEndObject();
      json.writeEndObject();
    }
  }

  /** {@code "resultType":"scalar"}: {@code "result":[1700000000,"2"]}. */
  public static void writeScalar(OutputStream out, long timestampNanos, double value, Summary summary) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      startData(json, "scalar");
      json.writeFieldName("result");
      writePoint(json, timestampNanos, value);
      writeStats(json, summary);
      json.writeEndObject();
      json.writeEndObject();
    }
  }

  private static void startData(JsonGenerator json, String resultType) throws IOException {
    json.writeStartObject();
    json.writeStringField("status", "success");
    json.writeObjectFieldStart("data");
    json.writeStringField("resultType", resultType);
  }

  private static void writePoint(JsonGenerator json, long timestampNanos, double value) throws IOException {
    json.writeStartArray();
    json.writeNumber(unixSeconds(timestampNanos));
    json.writeString(goFloat(value));
    json.writeEndArray();
  }

  /**
   * Prometheus' {@code model.Time} text: the instant cut to milliseconds (as Loki converts sample
   * times), in seconds with no trailing zeros: {@code 1700000000}, {@code 1700000000.5}.
   */
  static String unixSeconds(long timestampNanos) {
    long millis = Math.floorDiv(timestampNanos, 1_000_000L);
    long seconds = Math.floorDiv(millis, 1000L);
    int fraction = (int) Math.floorMod(millis, 1000L);
    if (fraction == 0) {
      return Long.toString(seconds);
    }
    String digits = String.format("%03d", fraction);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return seconds + "." + digits.substring(0, end);
  }

  /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest round-trip digits, never an exponent; NaN, +Inf, -Inf. */
  static String goFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  /** {@code {"status":"success","data":["a","b"]}}, the shape of labels and label values. */
  public static void writeStrings(OutputStream out, List<String> values) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeArrayFieldStart("data");
      for (String value : values) {
        json.writeString(value);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  /** {@code {"status":"success","data":[{"app":"x"}, ...]}}, the shape of series. */
  public static void writeSeries(OutputStream out, List<Labels> series) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeArrayFieldStart("data");
      for (Labels labels : series) {
        writeLabels(json, labels);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  /**
   * The body of {@code /loki/api/v1/status/buildinfo}, which Grafana reads to detect Loki. Grafana and Logs Drilldown gate features on {@code version}, so it is
   * the Loki version whose API Tonari answers; Tonari's own version is the {@code revision}.
   */
  public static void writeBuildInfo(OutputStream out, String lokiVersion, String tonariVersion) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("version", lokiVersion);
      json.writeStringField("revision", "tonari-" + tonariVersion);
      json.writeStringField("branch", "tonari");
      json.writeStringField("buildUser", "");
      json.writeStringField("buildDate", "");
      json.writeStringField("goVersion", "");
      json.writeEndObject();
    }
  }

  private static void writeLabels(JsonGenerator json, Labels labels) throws IOException {
    json.writeStartObject();
    for (int i = 0; i < labels.size(); i++) {
      json.writeStringField(labels.name(i), labels.value(i));
    }
    json.writeEndObject();
  }

  private static void writeStats(JsonGenerator json, Summary summary) throws IOException {
    double execSeconds = summary.execNanos() / 1e9;
    json.writeObjectFieldStart("stats");
    json.writeObjectFieldStart("summary");
    json.writeNumberField("bytesProcessedPerSecond", execSeconds > 0 ? (long) (summary.bytesScanned() / execSeconds) : 0);
    json.writeNumberField("linesProcessedPerSecond", execSeconds > 0 ? (long) (summary.linesScanned() / execSeconds) : 0);
    json.writeNumberField("totalBytesProcessed", summary.bytesScanned());
    json.writeNumberField("totalLinesProcessed", summary.linesScanned());
    json.writeNumberField("execTime", execSeconds);
    json.writeNumberField("queueTime", 0);
    json.writeNumberField("subqueries", 0);
    json.writeNumberField("totalEntriesReturned", summary.entriesReturned());
    json.writeNumberField("splits", 0);
    json.writeNumberField("shards", 0);
    json.writeNumberField("totalPostFilterLines", summary.entriesReturned());
    json.writeNumberField("totalStructuredMetadataBytesProcessed", 0);
    json.writeEndObject();
    json.writeEndObject();
  }
}

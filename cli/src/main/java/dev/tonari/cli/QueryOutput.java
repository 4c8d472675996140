package dev.tonari.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a Loki {@code query_range} answer into lines for a person or a pipe, as logcli does:
 * entries of all streams merged in the query's direction, or the points of a metric answer
 * series by series, then one of three layouts.
 */
final class QueryOutput {
  /** The output layouts of {@code tonari query --output}. */
  enum Mode {
    /** {@code timestamp {labels} line}, coloured on a terminal. */
    DEFAULT,
    /** The line only. */
    RAW,
    /** One JSON object per entry: timestamp, labels, line. */
    JSONL
  }

  /** One entry with its stream's labels. */
  record Row(long timestampNanos, Labels labels, String line) {}

  /** One point of a metric answer (matrix, vector or scalar); the value as Loki wrote it. */
  record Sample(long timestampMillis, Labels labels, String value) {}

  /** True when the answer is a metric one (matrix, vector or scalar) rather than log streams. */
  static boolean isMetric(JsonNode answer) {
    String type = answer.path("data").path("resultType").asText();
    return type.equals("matrix") || type.equals("vector") || type.equals("scalar");
  }

  /**
   * The points of a metric answer, series by series in the server's order, each series' points
   * oldest first; timestamps arrive as float seconds and are kept to the millisecond as Loki's are.
   */
  static List<Sample> samples(JsonNode answer) {
    List<Sample> samples = new ArrayList<>();
    JsonNode data = answer.path("data");
    JsonNode result = data.path("result");
    switch (data.path("resultType").asText()) {
      case "scalar" -> samples.add(sample(Labels.EMPTY, result));
      case "vector" -> result.forEach(series -> samples.add(sample(labelsOf(series.path("metric")), series.path("value"))));
      default -> result.forEach(series -> {
        Labels labels = labelsOf(series.path("metric"));
        series.path("values").forEach(point -> samples.add(sample(labels, point)));
      });
    }
    return samples;
  }

  private static Sample sample(Labels labels, JsonNode point) {
    long millis = new java.math.BigDecimal(point.path(0).asText()).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    return new Sample(millis, labels, point.path(1).asText());
  }

  private static Labels labelsOf(JsonNode metric) {
    Map<String, String> labels = new TreeMap<>();
    metric.fields().forEachRemaining(field -> labels.put(field.getKey(), field.getValue().asText()));
    return Labels.of(labels);
  }

  /** A metric point in the chosen layout: {@code timestamp {labels} value} by default. */
  String format(Sample sample) {
    Instant time = Instant.ofEpochMilli(sample.timestampMillis());
    return switch (mode) {
      case RAW -> sample.labels() + "\t" + DateTimeFormatter.ISO_INSTANT.format(time) + "\t" + sample.value();
      case JSONL -> jsonLine(sample, time);
      case DEFAULT -> terminal.paint(Terminal.DIM, timestamps.format(time))
          + " " + terminal.paint(colourOf(sample.labels()), sample.labels().toString())
          + " " + sample.value();
    };
  }

  private static String jsonLine(Sample sample, Instant time) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(time));
      writeLabels(json, sample.labels());
      json.writeStringField("value", sample.value());
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to a string cannot fail", e);
    }
    return out.toString();
  }

  private static void writeLabels(JsonGenerator json, Labels labels) throws IOException {
    json.writeObjectFieldStart("labels");
    for (int i = 0; i < labels.size(); i++) {
      json.writeStringField(labels.name(i), labels.value(i));
    }
    json.writeEndObject();
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final String[] STREAM_COLOURS = {Terminal.CYAN, Terminal.MAGENTA, Terminal.YELLOW, Terminal.GREEN, Terminal.BLUE};

  private final Mode mode;
  private final Terminal terminal;
  private final DateTimeFormatter timestamps;

  QueryOutput(Mode mode, Terminal terminal, ZoneId zone) {
    this.mode = mode;
    this.terminal = terminal;
    this.timestamps = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(zone);
  }

  /** The rows of a Loki streams answer, merged across streams in the given direction. */
  static List<Row> rows(JsonNode answer, Direction direction) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode stream : answer.path("data").path("result")) {
      Map<String, String> labels = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = stream.path("stream").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        labels.put(field.getKey(), field.getValue().asText());
      }
      Labels streamLabels = Labels.of(labels);
      for (JsonNode value : stream.path("values")) {
        rows.add(new Row(Long.parseLong(value.path(0).asText()), streamLabels, value.path(1).asText()));
      }
    }
    Comparator<Row> byTime = Comparator.comparingLong(Row::timestampNanos);
    rows.sort(direction == Direction.FORWARD ? byTime : byTime.reversed());
    return rows;
  }

  String format(Row row) {
    return switch (mode) {
      case RAW -> row.line();
      case JSONL -> jsonLine(row);
      case DEFAULT -> terminal.paint(Terminal.DIM, timestamps.format(Instant.ofEpochSecond(0, row.timestampNanos())))
          + " " + terminal.paint(colourOf(row.labels()), row.labels().toString())
          + " " + row.line();
    };
  }

  private static String colourOf(Labels labels) {
    return STREAM_COLOURS[Math.floorMod(labels.hashCode(), STREAM_COLOURS.length)];
  }

  private String jsonLine(Row row) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(0, row.timestampNanos())));
      writeLabels(json, row.labels());
      json.writeStringField("line", row.line());
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to a string cannot fail", e);
    }
    return out.toString();
  }
}

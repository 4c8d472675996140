package dev.tonari.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.xerial.snappy.Snappy;

/**
 * Encodes a {@link PushRequest} into the bodies Loki's clients send, for the CLI's {@code push},
 * the demo generator, benchmarks and tests:
 *
 * <ul>
 *   <li>JSON as Loki 3 and loki4j send it: timestamps as decimal strings of nanoseconds, values of
 *       2 elements, or 3 when the entry has structured metadata;
 *   <li>protobuf ({@code logproto.PushRequest}, laid out as gogoproto marshals it: empty strings
 *       and zero numbers omitted, the timestamp message always present) in a snappy block, as
 *       Promtail and Grafana Alloy send it.
 * </ul>
 *
 * {@link #encode(PushRequest, Format)} also gives the Content-Type and Content-Encoding headers
 * that go with each body.
 */
public final class PushEncoder {
  private static final JsonFactory JSON = new JsonFactory();

  private PushEncoder() {}

  /** The wire formats a client can choose. */
  public enum Format {
    JSON("application/json", null),
    JSON_GZIP("application/json", "gzip"),
    JSON_DEFLATE("application/json", "deflate"),
    PROTOBUF_SNAPPY("application/x-protobuf", null);

    private final String contentType;
    private final String contentEncoding;

    Format(String contentType, String contentEncoding) {
      this.contentType = contentType;
      this.contentEncoding = contentEncoding;
    }

    public String contentType() {
      return contentType;
    }

    /** The Content-Encoding header to send, or null for none. */
    public String contentEncoding() {
      return contentEncoding;
    }
  }

  /** A body ready to POST with its headers; {@code contentEncoding} is null when none is sent. */
  public record EncodedPush(byte[] body, String contentType, String contentEncoding) {}

  public static EncodedPush encode(PushRequest request, Format format) {
    byte[] body = switch (format) {
      case JSON -> json(request);
      case JSON_GZIP -> gzip(json(request));
      case JSON_DEFLATE -> deflate(json(request));
      case PROTOBUF_SNAPPY -> snappy(protobuf(request));
    };
    return new EncodedPush(body, format.contentType(), format.contentEncoding());
  }

  /** Loki's JSON push body (uncompressed). */
  public static byte[] json(PushRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimateSize(request));
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("streams");
      for (StreamBatch stream : request.streams()) {
        writeStream(json, stream.labels(), stream.entries(), true);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      // Writing to memory cannot fail; a failure here is a bug worth surfacing loudly.
      throw new UncheckedIOException("encoding a push request as JSON", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes one stream in the shape that Loki's push body and its tail frames share:
   * {@code {"stream":{"app":"api"},"values":[["<ns>","line"],...]}}.
   *
   * @param withMetadata whether an entry's structured metadata goes in a third element of its
   *     value, as a push sends it; a tail frame leaves it out, having folded it into the labels
   */
  public static void writeStream(JsonGenerator json, Labels labels, List<LogEntry> entries, boolean withMetadata) throws IOException {
    json.writeStartObject();
    json.writeFieldName("stream");
    writeLabels(json, labels);
    json.writeArrayFieldStart("values");
    for (LogEntry entry : entries) {
      json.writeStartArray();
      json.writeString(Long.toString(entry.timestampNanos()));
      json.writeString(entry.line());
      if (withMetadata && !entry.metadata().isEmpty()) {
        writeLabels(json, entry.metadata());
      }
      json.writeEndArray();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeLabels(JsonGenerator json, Labels labels) throws IOException {
    json.writeStartObject();
    for (int i = 0; i < labels.size(); i++) {
      json.writeStringField(labels.name(i), labels.value(i));
    }
    json.writeEndObject();
  }

  /** The {@code logproto.PushRequest} protobuf bytes, before snappy. */
  public static byte[] protobuf(PushRequest request) {
    List<StreamBatch> streams = request.streams();
    String[] labelTexts = new String[streams.size()];
    int[][] entrySizes = new int[streams.size()][];
    int[] streamSizes = new int[streams.size()];
    int total = 0;
    for (int s = 0; s < streams.size(); s++) {
      StreamBatch stream = streams.get(s);
      labelTexts[s] = stream.labels().toString();
      int size = stringFieldSize(1, labelTexts[s]);
      List<LogEntry> entries = stream.entries();
      int[] sizes = new int[entries.size()];
      for (int e = 0; e < sizes.length; e++) {
        sizes[e] = entrySize(entries.get(e));
        size += lengthDelimitedSize(2, sizes[e]);
      }
      entrySizes[s] = sizes;
      streamSizes[s] = size;
      total += lengthDelimitedSize(1, size);
    }
    byte[] bytes = new byte[total];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      for (int s = 0; s < streams.size(); s++) {
        out.writeTag(1, 2);
        out.writeUInt32NoTag(streamSizes[s]);
        writeStringField(out, 1, labelTexts[s]);
        List<LogEntry> entries = streams.get(s).entries();
        for (int e = 0; e < entries.size(); e++) {
          out.writeTag(2, 2);
          out.writeUInt32NoTag(entrySizes[s][e]);
          writeEntry(out, entries.get(e));
        }
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a push request as protobuf (size computed " + total + " bytes)", e);
    }
    return bytes;
  }

  private static int entrySize(LogEntry entry) {
    int size = lengthDelimitedSize(1, timestampSize(entry.timestampNanos()));
    size += stringFieldSize(2, entry.line());
    Labels metadata = entry.metadata();
    for (int i = 0; i < metadata.size(); i++) {
      size += lengthDelimitedSize(3, pairSize(metadata.name(i), metadata.value(i)));
    }
    return size;
  }

  private static void writeEntry(CodedOutputStream out, LogEntry entry) throws IOException {
    long seconds = Math.floorDiv(entry.timestampNanos(), 1_000_000_000L);
    int nanos = (int) Math.floorMod(entry.timestampNanos(), 1_000_000_000L);
    out.writeTag(1, 2);
    out.writeUInt32NoTag(timestampSize(entry.timestampNanos()));
    if (seconds != 0) {
      out.writeInt64(1, seconds);
    }
    if (nanos != 0) {
      out.writeInt32(2, nanos);
    }
    writeStringField(out, 2, entry.line());
    Labels metadata = entry.metadata();
    for (int i = 0; i < metadata.size(); i++) {
      out.writeTag(3, 2);
      out.writeUInt32NoTag(pairSize(metadata.name(i), metadata.value(i)));
      writeStringField(out, 1, metadata.name(i));
      writeStringField(out, 2, metadata.value(i));
    }
  }

  private static int timestampSize(long timestampNanos) {
    long seconds = Math.floorDiv(timestampNanos, 1_000_000_000L);
    int nanos = (int) Math.floorMod(timestampNanos, 1_000_000_000L);
    return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(1, seconds))
        + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(2, nanos));
  }

  private static int pairSize(String name, String value) {
    return stringFieldSize(1, name) + stringFieldSize(2, value);
  }

  /** gogoproto omits empty proto3 strings. */
  private static int stringFieldSize(int field, String value) {
    return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, value);
  }

  private static void writeStringField(CodedOutputStream out, int field, String value) throws IOException {
    if (!value.isEmpty()) {
      out.writeString(field, value);
    }
  }

  private static int lengthDelimitedSize(int field, int contentSize) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(contentSize) + contentSize;
  }

  public static byte[] snappy(byte[] bytes) {
    try {
      return Snappy.compress(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("snappy-compressing " + bytes.length + " bytes", e);
    }
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip-compressing " + bytes.length + " bytes", e);
    }
    return out.toByteArray();
  }

  /** Raw DEFLATE, which Go's flate reader (Loki's) expects for Content-Encoding: deflate. */
  public static byte[] deflate(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, deflater, 8192)) {
      deflate.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("deflate-compressing " + bytes.length + " bytes", e);
    } finally {
      deflater.end();
    }
    return out.toByteArray();
  }

  private static int estimateSize(PushRequest request) {
    long size = 64;
    for (StreamBatch stream : request.streams()) {
      size += 64;
      for (LogEntry entry : stream.entries()) {
        size += entry.line().length() + 32;
      }
    }
    return (int) Math.min(size, 1 << 30);
  }
}

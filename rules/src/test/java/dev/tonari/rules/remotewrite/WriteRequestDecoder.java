package dev.tonari.rules.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * The test side of {@link WriteRequestEncoder}: reads a {@code prometheus.WriteRequest} back with
 * protobuf's {@link CodedInputStream}, strictly (an unknown field or a wrong wire type is an
 * error), so that the tests check the layout rather than trust the encoder.
 */
final class WriteRequestDecoder {
  /** One time series: labels in the order they were on the wire, samples as value bits and milliseconds. */
  record Series(List<Map.Entry<String, String>> labels, List<Sample> samples) {
    Map<String, String> labelMap() {
      Map<String, String> map = new LinkedHashMap<>();
      labels.forEach(label -> map.put(label.getKey(), label.getValue()));
      return map;
    }
  }

  record Sample(long valueBits, long timestampMillis) {
    double value() {
      return Double.longBitsToDouble(valueBits);
    }
  }

  private WriteRequestDecoder() {}

  static List<Series> decodeCompressed(byte[] body) throws IOException {
    return decode(Snappy.uncompress(body));
  }

  static List<Series> decode(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    List<Series> series = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      expect(tag, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED, "WriteRequest");
      int limit = in.pushLimit(in.readRawVarint32());
      series.add(readSeries(in));
      in.popLimit(limit);
    }
    return series;
  }

  private static Series readSeries(CodedInputStream in) throws IOException {
    List<Map.Entry<String, String>> labels = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      expect(tag, field, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TimeSeries");
      int limit = in.pushLimit(in.readRawVarint32());
      switch (field) {
        case 1 -> labels.add(readLabel(in));
        case 2 -> samples.add(readSample(in));
        default -> throw new InvalidProtocolBufferException("TimeSeries: unexpected field " + field);
      }
      in.popLimit(limit);
    }
    return new Series(labels, samples);
  }

  private static Map.Entry<String, String> readLabel(CodedInputStream in) throws IOException {
    String name = null;
    String value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      expect(tag, field, WireFormat.WIRETYPE_LENGTH_DELIMITED, "Label");
      switch (field) {
        case 1 -> name = in.readStringRequireUtf8();
        case 2 -> value = in.readStringRequireUtf8();
        default -> throw new InvalidProtocolBufferException("Label: unexpected field " + field);
      }
    }
    if (name == null || value == null) {
      throw new InvalidProtocolBufferException("Label without " + (name == null ? "name" : "value"));
    }
    return Map.entry(name, value);
  }

  private static Sample readSample(CodedInputStream in) throws IOException {
    Long bits = null;
    Long timestamp = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      switch (field) {
        case 1 -> {
          expect(tag, 1, WireFormat.WIRETYPE_FIXED64, "Sample");
          bits = in.readRawLittleEndian64();
        }
        case 2 -> {
          expect(tag, 2, WireFormat.WIRETYPE_VARINT, "Sample");
          timestamp = in.readInt64();
        }
        default -> throw new InvalidProtocolBufferException("Sample: unexpected field " + field);
      }
    }
    if (bits == null || timestamp == null) {
      throw new InvalidProtocolBufferException("Sample without " + (bits == null ? "value" : "timestamp"));
    }
    return new Sample(bits, timestamp);
  }

  private static void expect(int tag, int field, int wireType, String message) throws InvalidProtocolBufferException {
    if (WireFormat.getTagFieldNumber(tag) != field || WireFormat.getTagWireType(tag) != wireType) {
      throw new InvalidProtocolBufferException(message + ": expected field " + field + " of wire type " + wireType + ", got field "
          + WireFormat.getTagFieldNumber(tag) + " of wire type " + WireFormat.getTagWireType(tag));
    }
  }
}

package dev.tonari.rules.remotewrite;

import com.google.protobuf.CodedOutputStream;
import dev.tonari.rules.alert.RecordedSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Encodes recorded samples as the body of a Prometheus remote write 1.0 request: the {@code
 * prometheus.WriteRequest} protobuf, then snappy's block format (not its framed format).
 *
 * <pre>
 * WriteRequest { repeated TimeSeries timeseries = 1; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in milliseconds
 * </pre>
 *
 * Samples with the same labels become one time series, their samples in timestamp order (a
 * receiver refuses a series whose samples go back in time). Labels are in the order of their
 * names' code points, which is the byte order of UTF-8 that Prometheus sorts by. A label with an
 * empty value is left out: in Prometheus an empty value is the same as no label. Both fields of a
 * sample are always written, even when zero, so that {@code -0.0} keeps its sign; the value's
 * bits are written as they are, so NaN payloads such as Prometheus' stale marker ({@code
 * 0x7ff0000000000002}) survive.
 */
public final class WriteRequestEncoder {
  /** Java orders strings by UTF-16 code units; Prometheus by UTF-8 bytes, which is code point order. */
  private static final Comparator<String> CODE_POINT_ORDER = WriteRequestEncoder::compareCodePoints;

  private WriteRequestEncoder() {}

  /** The snappy-compressed body, ready to POST. */
  public static byte[] encodeCompressed(List<RecordedSample> samples) {
    return snappy(encode(samples));
  }

  /** The {@code WriteRequest} protobuf bytes, before snappy. */
  public static byte[] encode(List<RecordedSample> samples) {
    List<Series> series = group(samples);
    int total = 0;
    for (Series one : series) {
      one.computeSize();
      total += lengthDelimitedSize(1, one.size);
    }
    byte[] bytes = new byte[total];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      for (Series one : series) {
        out.writeTag(1, 2);
        out.writeUInt32NoTag(one.size);
        one.writeTo(out);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      // Writing into an array of the computed size cannot fail; if it does, the size computation is wrong.
      throw new UncheckedIOException("encoding " + samples.size() + " samples as a remote-write request (size computed " + total + " bytes)", e);
    }
    return bytes;
  }

  public static byte[] snappy(byte[] bytes) {
    try {
      return Snappy.compress(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("snappy-compressing a remote-write request of " + bytes.length + " bytes", e);
    }
  }

  private static List<Series> group(List<RecordedSample> samples) {
    Map<Map<String, String>, Series> byLabels = new LinkedHashMap<>();
    for (RecordedSample sample : samples) {
      byLabels.computeIfAbsent(sample.labels(), Series::new).samples.add(sample);
    }
    List<Series> series = new ArrayList<>(byLabels.values());
    for (Series one : series) {
      if (one.samples.size() > 1) {
        one.samples.sort(Comparator.comparingLong(RecordedSample::timestampMillis));
      }
    }
    return series;
  }

  private static final class Series {
    final String[] names;
    final String[] values;
    final List<RecordedSample> samples = new ArrayList<>(1);
    int size;

    Series(Map<String, String> labels) {
      List<Map.Entry<String, String>> kept = new ArrayList<>(labels.size());
      boolean inCodePointOrder = true;
      String previous = null;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (label.getValue().isEmpty()) {
          continue;
        }
        if (previous != null && compareCodePoints(previous, label.getKey()) > 0) {
          inCodePointOrder = false;
        }
        previous = label.getKey();
        kept.add(label);
      }
      if (!inCodePointOrder) {
        kept.sort(Map.Entry.comparingByKey(CODE_POINT_ORDER));
      }
      names = new String[kept.size()];
      values = new String[kept.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = kept.get(i).getKey();
        values[i] = kept.get(i).getValue();
      }
    }

    void computeSize() {
      int total = 0;
      for (int i = 0; i < names.length; i++) {
        total += lengthDelimitedSize(1, labelSize(i));
      }
      for (RecordedSample sample : samples) {
        total += lengthDelimitedSize(2, sampleSize(sample));
      }
      size = total;
    }

    void writeTo(CodedOutputStream out) throws IOException {
      for (int i = 0; i < names.length; i++) {
        out.writeTag(1, 2);
        out.writeUInt32NoTag(labelSize(i));
        out.writeString(1, names[i]);
        out.writeString(2, values[i]);
      }
      for (RecordedSample sample : samples) {
        out.writeTag(2, 2);
        out.writeUInt32NoTag(sampleSize(sample));
        out.writeDouble(1, sample.value());
        out.writeInt64(2, sample.timestampMillis());
      }
    }

    private int labelSize(int i) {
      return CodedOutputStream.computeStringSize(1, names[i]) + CodedOutputStream.computeStringSize(2, values[i]);
    }
  }

  private static int sampleSize(RecordedSample sample) {
    return CodedOutputStream.computeDoubleSize(1, sample.value()) + CodedOutputStream.computeInt64Size(2, sample.timestampMillis());
  }

  private static int lengthDelimitedSize(int field, int contentSize) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(contentSize) + contentSize;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}

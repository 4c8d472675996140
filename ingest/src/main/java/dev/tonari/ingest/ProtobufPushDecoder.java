package dev.tonari.ingest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-written reader of Loki's {@code logproto.PushRequest} (already snappy-decompressed), so no
 * generated code is needed:
 *
 * <pre>
 * PushRequest      { repeated StreamAdapter streams = 1; }
 * StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
 * EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2;
 *                    repeated LabelPairAdapter structuredMetadata = 3; }
 * Timestamp        { int64 seconds = 1; int32 nanos = 2; }
 * LabelPairAdapter { string name = 1; string value = 2; }
 * </pre>
 *
 * Unknown fields, and known fields of an unexpected wire type, are skipped as protobuf-java's
 * generated parsers do. Stream labels arrive as text ({@code {app="x"}}); text that does not parse
 * refuses that stream only, with Loki's "Error parsing labels" message.
 */
final class ProtobufPushDecoder {
  private static final String FORMAT = "protobuf";
  // Tags are (field number << 3) | wire type; WireFormat.makeTag is not public.
  private static final int FIELD_1_BYTES = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int FIELD_2_BYTES = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int FIELD_3_BYTES = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int FIELD_1_VARINT = tag(1, WireFormat.WIRETYPE_VARINT);
  private static final int FIELD_2_VARINT = tag(2, WireFormat.WIRETYPE_VARINT);

  private final PushDecoder.Payload payload;
  private final CodedInputStream in;
  private final List<StreamBatch> streams = new ArrayList<>();
  private final List<PushRequest.RejectedStream> rejected = new ArrayList<>();
  /** Label text to parsed labels (or to the parse error), since clients repeat label sets. */
  private final Map<String, Object> parsedLabels = new HashMap<>();

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  private ProtobufPushDecoder(PushDecoder.Payload payload) {
    this.payload = payload;
    this.in = CodedInputStream.newInstance(payload.bytes(), 0, payload.length());
  }

  static PushRequest decode(PushDecoder.Payload payload) throws PushException {
    ProtobufPushDecoder decoder = new ProtobufPushDecoder(payload);
    try {
      return decoder.readRequest();
    } catch (InvalidProtocolBufferException e) {
      throw decoder.malformed(e.getMessage(), e);
    } catch (IOException e) {
      throw decoder.malformed(String.valueOf(e.getMessage()), e);
    }
  }

  private PushRequest readRequest() throws IOException, PushException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == FIELD_1_BYTES) {
        int limit = in.pushLimit(in.readRawVarint32());
        readStream();
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    return new PushRequest(streams, rejected);
  }

  private void readStream() throws IOException, PushException {
    String labelsText = "";
    List<LogEntry> entries = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == FIELD_1_BYTES) {
        labelsText = in.readString();
      } else if (tag == FIELD_2_BYTES) {
        int limit = in.pushLimit(in.readRawVarint32());
        entries.add(readEntry());
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    Object labels = parsedLabels.get(labelsText);
    if (labels == null) {
      try {
        labels = Labels.parse(labelsText);
      } catch (IllegalArgumentException e) {
        labels = String.format(LokiMessages.INVALID_LABELS, labelsText, e.getMessage());
      }
      parsedLabels.put(labelsText, labels);
    }
    if (labels instanceof Labels parsed) {
      streams.add(new StreamBatch(parsed, entries));
    } else {
      rejected.add(new PushRequest.RejectedStream(labelsText, entries.size(), (String) labels));
    }
  }

  private LogEntry readEntry() throws IOException, PushException {
    long timestamp = 0;
    String line = "";
    TreeMap<String, String> metadata = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == FIELD_1_BYTES) {
        int limit = in.pushLimit(in.readRawVarint32());
        timestamp = readTimestamp();
        in.popLimit(limit);
      } else if (tag == FIELD_2_BYTES) {
        line = in.readString();
      } else if (tag == FIELD_3_BYTES) {
        int limit = in.pushLimit(in.readRawVarint32());
        if (metadata == null) {
          metadata = new TreeMap<>();
        }
        readLabelPair(metadata);
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    return new LogEntry(timestamp, line, metadata == null ? Labels.EMPTY : Labels.of(metadata));
  }

  private long readTimestamp() throws IOException, PushException {
    long seconds = 0;
    int nanos = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == FIELD_1_VARINT) {
        seconds = in.readInt64();
      } else if (tag == FIELD_2_VARINT) {
        nanos = in.readInt32();
      } else {
        skip(tag);
      }
    }
    long secondsPart = seconds;
    long nanosPart = nanos;
    if (seconds < 0 && nanos > 0) {
      // Borrow a second so times just above Long.MIN_VALUE nanoseconds do not overflow on the way.
      secondsPart += 1;
      nanosPart -= 1_000_000_000L;
    }
    try {
      return Math.addExact(Math.multiplyExact(secondsPart, 1_000_000_000L), nanosPart);
    } catch (ArithmeticException e) {
      throw malformed("timestamp " + seconds + "s " + nanos + "ns does not fit in 64 bits of nanoseconds since the epoch", e);
    }
  }

  private void readLabelPair(TreeMap<String, String> into) throws IOException, PushException {
    String name = "";
    String value = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == FIELD_1_BYTES) {
        name = in.readString();
      } else if (tag == FIELD_2_BYTES) {
        value = in.readString();
      } else {
        skip(tag);
      }
    }
    // Later duplicates win, as in the JSON decoder.
    into.put(name, value);
  }

  private void skip(int tag) throws IOException, PushException {
    if (!in.skipField(tag)) {
      // An end-group tag with no group open: the bytes are not a message of this type.
      throw malformed("unexpected end-group tag (field " + WireFormat.getTagFieldNumber(tag) + ")", null);
    }
  }

  private PushException malformed(String what, Throwable cause) {
    return ParseErrors.malformed(FORMAT, what, payload, in.getTotalBytesRead(), cause);
  }
}

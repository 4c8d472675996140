package dev.tonari.store.wal;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.Utf8;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The payload of a WAL record, big-endian:
 *
 * <pre>
 * u16 tenantLength, tenant UTF-8
 * i32 streamCount
 *   per stream: i32 labelsLength, labels text UTF-8 ({a="1"}), i32 entryCount
 *     per entry: i64 timestampNanos, i32 lineLength, line UTF-8,
 *                i32 metadataLength (0 = none), metadata labels text UTF-8
 * </pre>
 *
 * Labels travel in their canonical text form so the log stays readable by any future version
 * that can parse Loki's selector syntax.
 */
public final class WalRecordCodec {
  private WalRecordCodec() {}

  public static byte[] encode(WalRecord record) {
    return encode(record.tenant(), record.streams(), utf8Lines(record.streams()));
  }

  /** Every line of every stream as UTF-8, indexed [stream][entry]: what {@link #encode(String, List, byte[][][])} takes. */
  public static byte[][][] utf8Lines(List<StreamBatch> streams) {
    byte[][][] lines = new byte[streams.size()][][];
    for (int s = 0; s < lines.length; s++) {
      List<LogEntry> entries = streams.get(s).entries();
      byte[][] ofStream = new byte[entries.size()][];
      for (int e = 0; e < ofStream.length; e++) {
        ofStream[e] = Utf8.encode(entries.get(e).line());
      }
      lines[s] = ofStream;
    }
    return lines;
  }

  /**
   * Encodes a record whose lines the caller already has as UTF-8 (the store hands the same bytes
   * to the head, so a line is encoded once per push). Two passes over the entries: one to size
   * the payload exactly, one to write it, so the payload is allocated once and never copied.
   *
   * @param utf8Lines {@code utf8Lines[s][e]} is the line of entry {@code e} of stream {@code s}
   */
  public static byte[] encode(String tenant, List<StreamBatch> streams, byte[][][] utf8Lines) {
    Encoded encoded = encode(tenant, streams, utf8Lines, null);
    return encoded.bytes();
  }

  /**
   * A record in the first {@code length} bytes of {@code bytes}; the rest of the array is left
   * from an earlier record when it came from {@link RecordBuffers}.
   */
  public record Encoded(byte[] bytes, int length) {}

  /**
   * {@link #encode(String, List, byte[][][])} into an array of {@code buffers} (null: a new array
   * of exactly the record's size), to be given back once the record is durable.
   */
  public static Encoded encode(String tenant, List<StreamBatch> streams, byte[][][] utf8Lines, RecordBuffers buffers) {
    byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
    if (tenantBytes.length > 0xFFFF) {
      throw new IllegalArgumentException("tenant name longer than 65535 bytes");
    }
    byte[][] labels = new byte[streams.size()][];
    long size = 2L + tenantBytes.length + 4;
    for (int s = 0; s < labels.length; s++) {
      StreamBatch stream = streams.get(s);
      labels[s] = stream.labels().toString().getBytes(StandardCharsets.UTF_8);
      size += 4 + labels[s].length + 4;
      byte[][] lines = utf8Lines[s];
      List<LogEntry> entries = stream.entries();
      for (int e = 0; e < lines.length; e++) {
        size += 8 + 4 + lines[e].length + 4;
        if (!entries.get(e).metadata().isEmpty()) {
          // Metadata is rare; measured by encoding it, and encoded again below.
          size += entries.get(e).metadata().toString().getBytes(StandardCharsets.UTF_8).length;
        }
      }
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("WAL record of tenant " + tenant + " would take " + size + " bytes, more than an array holds");
    }
    ByteSink sink = new ByteSink(buffers == null ? new byte[(int) size] : buffers.take((int) size));
    sink.putShort(tenantBytes.length);
    sink.put(tenantBytes);
    sink.putInt(streams.size());
    for (int s = 0; s < labels.length; s++) {
      StreamBatch stream = streams.get(s);
      sink.putInt(labels[s].length);
      sink.put(labels[s]);
      List<LogEntry> entries = stream.entries();
      byte[][] lines = utf8Lines[s];
      sink.putInt(lines.length);
      for (int e = 0; e < lines.length; e++) {
        LogEntry entry = entries.get(e);
        sink.putLong(entry.timestampNanos());
        sink.putInt(lines[e].length);
        sink.put(lines[e]);
        if (entry.metadata().isEmpty()) {
          sink.putInt(0);
        } else {
          sink.putText(entry.metadata().toString());
        }
      }
    }
    return new Encoded(sink.bytes, sink.size);
  }

  /**
   * Decodes a payload whose checksum was verified.
   *
   * @throws IllegalArgumentException when the payload is not a well-formed record
   */
  public static WalRecord decode(ByteBuffer payload) {
    try {
      int tenantLength = Short.toUnsignedInt(payload.getShort());
      String tenant = text(payload, tenantLength);
      int streamCount = count(payload);
      List<StreamBatch> streams = new ArrayList<>(streamCount);
      for (int s = 0; s < streamCount; s++) {
        Labels labels = Labels.parse(text(payload, count(payload)));
        int entryCount = count(payload);
        List<LogEntry> entries = new ArrayList<>(entryCount);
        for (int e = 0; e < entryCount; e++) {
          long timestamp = payload.getLong();
          String line = text(payload, count(payload));
          int metadataLength = count(payload);
          Labels metadata = metadataLength == 0 ? Labels.EMPTY : Labels.parse(text(payload, metadataLength));
          entries.add(new LogEntry(timestamp, line, metadata));
        }
        streams.add(new StreamBatch(labels, entries));
      }
      if (payload.hasRemaining()) {
        throw new IllegalArgumentException(payload.remaining() + " bytes left after the record");
      }
      return new WalRecord(tenant, streams);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("record payload ends early", e);
    }
  }

  private static int count(ByteBuffer payload) {
    int n = payload.getInt();
    if (n < 0 || n > payload.remaining()) {
      throw new IllegalArgumentException("length " + n + " exceeds the " + payload.remaining() + " bytes left");
    }
    return n;
  }

  private static String text(ByteBuffer payload, int length) {
    if (length > payload.remaining()) {
      throw new IllegalArgumentException("length " + length + " exceeds the " + payload.remaining() + " bytes left");
    }
    String s;
    if (payload.hasArray()) {
      s = new String(payload.array(), payload.arrayOffset() + payload.position(), length, StandardCharsets.UTF_8);
      payload.position(payload.position() + length);
    } else {
      byte[] bytes = new byte[length];
      payload.get(bytes);
      s = new String(bytes, StandardCharsets.UTF_8);
    }
    return s;
  }

  /** A growable big-endian byte array; cheaper than DataOutputStream over a stream. */
  private static final class ByteSink {
    private byte[] bytes;
    private int size;

    ByteSink(byte[] array) {
      bytes = array;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void putShort(int v) {
      ensure(2);
      bytes[size++] = (byte) (v >>> 8);
      bytes[size++] = (byte) v;
    }

    void putInt(int v) {
      ensure(4);
      bytes[size++] = (byte) (v >>> 24);
      bytes[size++] = (byte) (v >>> 16);
      bytes[size++] = (byte) (v >>> 8);
      bytes[size++] = (byte) v;
    }

    void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }

    void put(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void putText(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      putInt(b.length);
      put(b);
    }

  }
}

package dev.tonari.cluster.querier;

import dev.tonari.store.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Reads the head protocol's encodings from a stream, never past {@code maxBytes}: a response (or
 * request) that is longer, truncated or malformed ends in a {@link HeadProtocolException} naming
 * what was wrong, what was being read and the limit; garbage never allocates more than the limit.
 */
final class WireReader {
  /** Label pairs of one label set; more is refused (Loki's default is 15 labels per stream). */
  static final int MAX_LABELS = 1024;

  /** Bytes of one label name or value; more is refused. */
  static final int MAX_STRING_BYTES = 1 << 20;

  private final InputStream in;
  private final long maxBytes;
  private final String what;
  private final byte[] buffer;
  private int position;
  private int limit;
  private long consumedBefore;

  /**
   * @param what names the message in errors ("head response of ingester ingester-1 at host:port")
   * @param limitName the setting that sets {@code maxBytes}, named in the error when it is exceeded
   */
  WireReader(InputStream in, long maxBytes, String what, String limitName) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.what = what;
    this.limitName = limitName;
    this.buffer = new byte[64 * 1024];
  }

  private final String limitName;

  /** Bytes read so far. */
  long consumed() {
    return consumedBefore + position;
  }

  HeadProtocolException malformed(String detail) {
    return new HeadProtocolException(what + " is malformed at byte " + consumed() + ": " + detail);
  }

  private boolean fill() throws IOException {
    consumedBefore += position;
    position = 0;
    limit = 0;
    long allowed = maxBytes - consumedBefore;
    if (allowed <= 0) {
      // One byte more than the limit is what tells "exactly at the limit" from "past it".
      int probe = in.read();
      if (probe < 0) {
        return false;
      }
      throw new HeadProtocolException(what + " is larger than " + maxBytes + " bytes, the limit " + limitName + " sets");
    }
    int read = in.read(buffer, 0, (int) Math.min(buffer.length, allowed));
    if (read < 0) {
      return false;
    }
    limit = read;
    return true;
  }

  /** The next byte, or -1 at the end of the stream. */
  int readByteOrEnd() throws IOException {
    if (position == limit && !fillSkippingEmpty()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  private boolean fillSkippingEmpty() throws IOException {
    while (fill()) {
      if (limit > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The name of what is being read, for errors only: built when an error is thrown, never per
   * field read (the decoder's hot loop reads millions of fields).
   */
  private static String name(String field, String part) {
    return part == null ? field : field + " " + part;
  }

  int readByte(String field) throws IOException {
    return readByte(field, null);
  }

  private int readByte(String field, String part) throws IOException {
    int value = readByteOrEnd();
    if (value < 0) {
      throw new HeadProtocolException(what + " is truncated at byte " + consumed() + ", reading " + name(field, part));
    }
    return value;
  }

  long readVarint(String field) throws IOException {
    return readVarint(field, null);
  }

  private long readVarint(String field, String part) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte(field, part);
      if (shift == 63 && (b & 0x7e) != 0) {
        throw malformed(name(field, part) + " is a varint longer than 64 bits");
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw malformed(name(field, part) + " is a varint longer than 10 bytes");
  }

  long readZigZag(String field) throws IOException {
    long raw = readVarint(field, null);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A varint that must lie in [0, max]. */
  int readCount(String field, long max) throws IOException {
    return readCount(field, null, max);
  }

  private int readCount(String field, String part, long max) throws IOException {
    long value = readVarint(field, part);
    if (value < 0 || value > max) {
      throw malformed(name(field, part) + " is " + Long.toUnsignedString(value) + ", more than the limit of " + max);
    }
    return (int) value;
  }

  /**
   * A length-prefixed byte string of at most {@code maxLength} bytes, into {@code target} (grown
   * when needed); returns the buffer holding it at offset 0 and sets {@code length[0]}.
   */
  byte[] readBytes(String field, int maxLength, byte[] target, int[] length) throws IOException {
    return readBytes(field, null, maxLength, target, length);
  }

  private byte[] readBytes(String field, String part, int maxLength, byte[] target, int[] length) throws IOException {
    int size = readCount(field, part == null ? "length" : part + " length", maxLength);
    if (size > maxBytes - consumed()) {
      throw new HeadProtocolException(what + " is larger than " + maxBytes + " bytes, the limit " + limitName + " sets (" + name(field, part) + " of " + size + " bytes)");
    }
    byte[] into = target == null ? new byte[0] : target;
    int done = 0;
    // A length is only a claim: the buffer grows with the bytes that actually arrive (doubling), so
    // a garbled length costs at most about twice what the peer really sent, never the claim.
    while (done < size) {
      if (position == limit && !fillSkippingEmpty()) {
        throw new HeadProtocolException(what + " is truncated at byte " + consumed() + ", reading " + name(field, part) + " (" + done + " of " + size + " bytes)");
      }
      int chunk = Math.min(size - done, limit - position);
      if (done + chunk > into.length) {
        into = Arrays.copyOf(into, (int) Math.min(size, Math.max((long) into.length * 2, (long) done + chunk)));
      }
      System.arraycopy(buffer, position, into, done, chunk);
      position += chunk;
      done += chunk;
    }
    length[0] = size;
    return into;
  }

  private final int[] stringLength = new int[1];
  private byte[] stringBuffer = new byte[256];

  String readString(String field) throws IOException {
    return readString(field, null);
  }

  private String readString(String field, String part) throws IOException {
    stringBuffer = readBytes(field, part, MAX_STRING_BYTES, stringBuffer, stringLength);
    return new String(stringBuffer, 0, stringLength[0], StandardCharsets.UTF_8);
  }

  Labels readLabels(String field) throws IOException {
    int count = readCount(field, "label count", MAX_LABELS);
    if (count == 0) {
      return Labels.EMPTY;
    }
    TreeMap<String, String> pairs = new TreeMap<>();
    String previous = null;
    for (int i = 0; i < count; i++) {
      String name = readString(field, "label name");
      String value = readString(field, "label value");
      // Writers send labels sorted by name, unique: anything else is not a label set.
      if (previous != null && previous.compareTo(name) >= 0) {
        throw malformed(field + " has label names out of order or repeated: " + previous + ", " + name);
      }
      previous = name;
      pairs.put(name, value);
    }
    return Labels.of(pairs);
  }

  /** Fails unless the stream ends here. */
  void expectEnd() throws IOException {
    if (readByteOrEnd() >= 0) {
      throw malformed("bytes after the end of the message");
    }
  }
}

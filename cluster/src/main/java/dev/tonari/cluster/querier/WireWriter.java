package dev.tonari.cluster.querier;

import dev.tonari.store.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the head protocol's encodings (LEB128 varints, zig-zag, length-prefixed bytes and label
 * sets) through its own buffer to a stream, so an answer goes out as it is produced rather than
 * being built whole in memory.
 */
final class WireWriter {
  private final OutputStream out;
  private final byte[] buffer;
  private int size;
  private long written;

  WireWriter(OutputStream out, int bufferBytes) {
    this.out = out;
    this.buffer = new byte[Math.max(64, bufferBytes)];
  }

  /** Bytes handed to this writer so far (buffered or flushed). */
  long written() {
    return written + size;
  }

  void writeByte(int value) throws IOException {
    if (size == buffer.length) {
      drain();
    }
    buffer[size++] = (byte) value;
  }

  void writeVarint(long value) throws IOException {
    if (buffer.length - size < 10) {
      drain();
    }
    while ((value & ~0x7fL) != 0) {
      buffer[size++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    buffer[size++] = (byte) value;
  }

  void writeZigZag(long value) throws IOException {
    writeVarint((value << 1) ^ (value >> 63));
  }

  void writeRaw(byte[] source, int offset, int length) throws IOException {
    if (length > buffer.length - size) {
      drain();
      if (length > buffer.length) {
        out.write(source, offset, length);
        written += length;
        return;
      }
    }
    System.arraycopy(source, offset, buffer, size, length);
    size += length;
  }

  void writeBytes(byte[] source, int offset, int length) throws IOException {
    writeVarint(length);
    writeRaw(source, offset, length);
  }

  void writeString(String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    writeBytes(bytes, 0, bytes.length);
  }

  void writeLabels(Labels labels) throws IOException {
    writeVarint(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      writeString(labels.name(i));
      writeString(labels.value(i));
    }
  }

  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (size > 0) {
      out.write(buffer, 0, size);
      written += size;
      size = 0;
    }
  }
}

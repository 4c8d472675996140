package dev.tonari.store.part;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array with the encodings the part format uses; reused across blocks. */
final class ByteBuilder {
  private byte[] bytes;
  private int size;

  ByteBuilder(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  byte[] array() {
    return bytes;
  }

  void clear() {
    size = 0;
  }

  private void ensure(int extra) {
    if (size + extra > bytes.length) {
      long wanted = Math.max((long) bytes.length * 2, (long) size + extra);
      if (wanted > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("a part structure grew past 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, (int) wanted);
    }
  }

  void write(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, size, length);
    size += length;
  }

  /**
   * Room for {@code extra} more bytes: the array to write them in from {@link #size()} on, which
   * {@link #advance} then counts. For the encoder's runs of value bytes (a UUID's sixteen), where a
   * capacity check per byte showed as a twentieth of a part writer's time.
   */
  byte[] reserve(int extra) {
    ensure(extra);
    return bytes;
  }

  /** Counts {@code count} bytes written into the array {@link #reserve} gave. */
  void advance(int count) {
    size += count;
  }

  void writeByte(int value) {
    ensure(1);
    bytes[size++] = (byte) value;
  }

  /** Unsigned LEB128: 7 bits per byte, low groups first, high bit set on all but the last. */
  void writeVarint(long value) {
    ensure(10);
    while ((value & ~0x7fL) != 0) {
      bytes[size++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    bytes[size++] = (byte) value;
  }

  /** Zig-zag then varint, so small negative numbers stay short. */
  void writeZigZag(long value) {
    writeVarint((value << 1) ^ (value >> 63));
  }

  void writeIntLittleEndian(int value) {
    ensure(4);
    bytes[size++] = (byte) value;
    bytes[size++] = (byte) (value >>> 8);
    bytes[size++] = (byte) (value >>> 16);
    bytes[size++] = (byte) (value >>> 24);
  }

  void writeLongLittleEndian(long value) {
    writeIntLittleEndian((int) value);
    writeIntLittleEndian((int) (value >>> 32));
  }

  void writeShortLittleEndian(int value) {
    ensure(2);
    bytes[size++] = (byte) value;
    bytes[size++] = (byte) (value >>> 8);
  }

  /** u32 little-endian byte length, then UTF-8 bytes. */
  void writeString(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    writeIntLittleEndian(utf8.length);
    write(utf8, 0, utf8.length);
  }
}

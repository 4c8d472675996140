package dev.tonari.alerts.delivery;

import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The envelope of every small state file delivery keeps (outbox items, the notification log,
 * silences): a named, versioned, checksummed payload, replaced atomically with tenancy's
 * {@link AtomicFiles}, so a crash leaves the old file or the new one and a damaged file is
 * recognised rather than half-read.
 *
 * <p>Byte layout (big-endian):
 *
 * <pre>
 * offset  size  field
 * 0       8     format name, ASCII (for example "TNOUTBOX")
 * 8       2     format version, unsigned
 * 10      4     payload length N, unsigned
 * 14      N     payload: UTF-8 JSON, its shape documented by the format's owner
 * 14+N    4     CRC32 of bytes 0 .. 14+N-1
 * </pre>
 */
public final class ChecksummedFile {
  private static final int HEADER = 14;

  private ChecksummedFile() {}

  /** A file that is not of the expected format, of an unknown version, cut short or damaged. */
  public static final class DamagedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public DamagedFileException(Path file, String problem) {
      super(file + ": " + problem);
    }
  }

  public static byte[] encode(String format, int version, byte[] payload) {
    byte[] name = formatName(format);
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length + 4);
    buffer.put(name).putShort((short) version).putInt(payload.length).put(payload);
    CRC32 crc = new CRC32();
    crc.update(buffer.array(), 0, HEADER + payload.length);
    buffer.putInt((int) crc.getValue());
    return buffer.array();
  }

  /** Writes durably (fsync of the file and of the directory). */
  public static void write(Path file, String format, int version, byte[] payload) throws IOException {
    AtomicFiles.write(file, encode(format, version, payload));
  }

  /** Reads the payload, checking name, version, length and checksum. */
  public static byte[] read(Path file, String format, int version) throws IOException {
    return decode(file, Files.readAllBytes(file), format, version);
  }

  public static byte[] decode(Path file, byte[] bytes, String format, int version) throws DamagedFileException {
    byte[] name = formatName(format);
    if (bytes.length < HEADER + 4) {
      throw new DamagedFileException(file, "only " + bytes.length + " bytes, shorter than the " + (HEADER + 4) + "-byte envelope of " + format);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte[] actualName = new byte[8];
    buffer.get(actualName);
    if (!java.util.Arrays.equals(actualName, name)) {
      throw new DamagedFileException(file, "not a " + format + " file (starts with " + printable(actualName) + ")");
    }
    int actualVersion = Short.toUnsignedInt(buffer.getShort());
    if (actualVersion != version) {
      throw new DamagedFileException(file, format + " version " + actualVersion + " is not supported (this build reads version " + version + ")");
    }
    long length = Integer.toUnsignedLong(buffer.getInt());
    if (length != bytes.length - HEADER - 4L) {
      throw new DamagedFileException(file, "payload length " + length + " does not match the file size " + bytes.length + " (torn or truncated)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, (int) (HEADER + length));
    buffer.position((int) (HEADER + length));
    int stored = buffer.getInt();
    if (stored != (int) crc.getValue()) {
      throw new DamagedFileException(file, "CRC32 mismatch (stored " + Integer.toHexString(stored) + ", computed " + Long.toHexString(crc.getValue()) + ")");
    }
    byte[] payload = new byte[(int) length];
    System.arraycopy(bytes, HEADER, payload, 0, (int) length);
    return payload;
  }

  private static byte[] formatName(String format) {
    byte[] name = format.getBytes(StandardCharsets.US_ASCII);
    if (name.length != 8) {
      throw new IllegalArgumentException("a format name is 8 ASCII characters, got " + format);
    }
    return name;
  }

  private static String printable(byte[] bytes) {
    StringBuilder text = new StringBuilder("\"");
    for (byte b : bytes) {
      text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
    }
    return text.append('"').toString();
  }
}

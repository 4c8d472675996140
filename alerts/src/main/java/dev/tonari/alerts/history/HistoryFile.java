package dev.tonari.alerts.history;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads one history file front to back, record by record, without holding it in memory. The first
 * frame that is short, too long, fails its CRC32 or does not decode ends the valid part: after a
 * crash that is the torn tail of the last write, which was never acknowledged.
 */
final class HistoryFile {
  private static final int MAX_HEADER_BYTES = 4 + 1 + 255 + 2 + 2 + 0xffff + 4 + 4;

  private HistoryFile() {}

  /** Receives the records of a file in order. */
  interface RecordVisitor {
    void accept(HistoryRecord record);
  }

  /**
   * What a scan found.
   *
   * @param header the file's header
   * @param validEnd the offset just past the last valid record (where an append may continue)
   * @param size the file's size when it was read
   * @param records how many valid records it holds
   * @param tailProblem why reading stopped before {@code size}, if it did
   */
  record Scan(HistoryCodec.FileHeader header, long validEnd, long size, int records, Optional<String> tailProblem) {
    boolean torn() {
      return validEnd < size;
    }
  }

  /**
   * @throws CorruptHistoryException when the header itself is not valid; the file holds nothing usable
   */
  static Scan scan(Path file, RecordVisitor visitor) throws IOException, CorruptHistoryException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, MAX_HEADER_BYTES));
      readFully(channel, head, 0);
      head.flip();
      HistoryCodec.FileHeader header = HistoryCodec.readHeader(head);
      long position = header.length();
      int records = 0;
      ByteBuffer frameHeader = ByteBuffer.allocate(HistoryCodec.FRAME_HEADER_BYTES);
      while (position < size) {
        if (size - position < HistoryCodec.FRAME_HEADER_BYTES) {
          return new Scan(header, position, size, records, Optional.of("a frame header is cut short at offset " + position));
        }
        frameHeader.clear();
        readFully(channel, frameHeader, position);
        int length = frameHeader.getInt(0);
        int crc = frameHeader.getInt(4);
        if (length <= 0 || length > HistoryCodec.MAX_RECORD_BYTES) {
          return new Scan(header, position, size, records, Optional.of("impossible record length " + Integer.toUnsignedString(length) + " at offset " + position));
        }
        if (size - position - HistoryCodec.FRAME_HEADER_BYTES < length) {
          return new Scan(header, position, size, records, Optional.of("a record of " + length + " bytes is cut short at offset " + position));
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(channel, payload, position + HistoryCodec.FRAME_HEADER_BYTES);
        payload.flip();
        if ((int) HistoryCodec.crc(payload) != crc) {
          return new Scan(header, position, size, records, Optional.of("CRC32 mismatch in the record at offset " + position));
        }
        HistoryRecord record;
        try {
          record = HistoryCodec.decode(payload, header.tenant());
        } catch (CorruptHistoryException e) {
          return new Scan(header, position, size, records, Optional.of("undecodable record at offset " + position + ": " + e.getMessage()));
        }
        visitor.accept(record);
        records++;
        position += HistoryCodec.FRAME_HEADER_BYTES + length;
      }
      return new Scan(header, position, size, records, Optional.empty());
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new EOFException("file ended at offset " + at + " while reading");
      }
      at += read;
    }
  }
}

package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import java.util.Arrays;

/**
 * One stream of an ingester's head answer, held compactly: timestamps in a long array, lines in one
 * byte array, metadata shared between consecutive entries that carry the same. The query engine
 * reads the streams of a result interleaved, so an answer that arrives as one byte stream is
 * buffered per stream; {@link #cursor()} then reads it without copying a line.
 */
final class HeadStream {
  private final Labels labels;
  private long[] timestamps = new long[16];
  private int[] lineEnds = new int[16];
  private Labels[] metadata = new Labels[16];
  private byte[] lines = new byte[1024];
  private int count;
  private int lineBytes;

  HeadStream(Labels labels) {
    this.labels = labels;
  }

  Labels labels() {
    return labels;
  }

  int size() {
    return count;
  }

  void add(long timestamp, Labels entryMetadata, byte[] line, int offset, int length) {
    if (count == timestamps.length) {
      int grown = count * 2;
      timestamps = Arrays.copyOf(timestamps, grown);
      lineEnds = Arrays.copyOf(lineEnds, grown);
      metadata = Arrays.copyOf(metadata, grown);
    }
    if (lineBytes + length > lines.length) {
      long wanted = Math.max((long) lines.length * 2, (long) lineBytes + length);
      if (wanted > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("head stream " + labels + " holds more than 2 GiB of lines in one answer");
      }
      lines = Arrays.copyOf(lines, (int) wanted);
    }
    System.arraycopy(line, offset, lines, lineBytes, length);
    lineBytes += length;
    timestamps[count] = timestamp;
    lineEnds[count] = lineBytes;
    metadata[count] = entryMetadata;
    count++;
  }

  EntryCursor cursor() {
    return new EntryCursor() {
      private int index = -1;

      @Override
      public Labels labels() {
        return labels;
      }

      @Override
      public boolean next() {
        if (index + 1 >= count) {
          return false;
        }
        index++;
        return true;
      }

      @Override
      public long timestamp() {
        return timestamps[index];
      }

      @Override
      public byte[] lineBuffer() {
        return lines;
      }

      @Override
      public int lineOffset() {
        return index == 0 ? 0 : lineEnds[index - 1];
      }

      @Override
      public int lineLength() {
        return lineEnds[index] - lineOffset();
      }

      @Override
      public Labels metadata() {
        return metadata[index];
      }
    };
  }
}

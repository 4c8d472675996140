package dev.tonari.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Iterates the selected entries of one stream in the requested direction, each (timestamp, line)
 * once even when it was pushed several times. The line is exposed as bytes valid until the next
 * call to {@link #next()}; {@link #line()} copies it into a String.
 */
public interface EntryCursor extends AutoCloseable {
  Labels labels();

  /** Moves to the next entry; false at the end. */
  boolean next() throws IOException;

  long timestamp();

  byte[] lineBuffer();

  int lineOffset();

  int lineLength();

  Labels metadata();

  default String line() {
    return new String(lineBuffer(), lineOffset(), lineLength(), StandardCharsets.UTF_8);
  }

  @Override
  default void close() throws IOException {}

  /**
   * Closes every cursor, also those after one that fails, so that none keeps its resources.
   * Returns {@code failure} with each close failure added to it as suppressed; when {@code failure}
   * is null, the first close failure carries the later ones; null when nothing failed.
   */
  static IOException closeAll(Iterable<? extends EntryCursor> cursors, IOException failure) {
    IOException combined = failure;
    for (EntryCursor cursor : cursors) {
      try {
        cursor.close();
      } catch (IOException e) {
        if (combined == null) {
          combined = e;
        } else {
          combined.addSuppressed(e);
        }
      }
    }
    return combined;
  }
}

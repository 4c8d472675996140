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
}

package dev.tonari.store;

/**
 * One log line of a stream: its timestamp in nanoseconds since the Unix epoch, the line, and the
 * structured metadata (Loki 3's per-entry labels that do not identify the stream; empty if none).
 */
public record LogEntry(long timestampNanos, String line, Labels metadata) {
  public LogEntry {
    if (line == null) {
      throw new IllegalArgumentException("line must not be null");
    }
    if (metadata == null) {
      metadata = Labels.EMPTY;
    }
  }

  public LogEntry(long timestampNanos, String line) {
    this(timestampNanos, line, Labels.EMPTY);
  }
}

package dev.tonari.store;

import java.util.List;

/** Entries of one stream, in the order they arrived (not necessarily sorted by time). */
public record StreamBatch(Labels labels, List<LogEntry> entries) {
  public StreamBatch {
    entries = List.copyOf(entries);
  }
}

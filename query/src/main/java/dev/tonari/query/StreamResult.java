package dev.tonari.query;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import java.util.List;

/** The selected entries of one stream, in the query's direction. */
public record StreamResult(Labels labels, List<LogEntry> entries) {
  public StreamResult {
    entries = List.copyOf(entries);
  }
}

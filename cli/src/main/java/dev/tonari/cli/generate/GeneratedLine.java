package dev.tonari.cli.generate;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;

/** One generated log line with the tenant and stream it belongs to. */
public record GeneratedLine(String tenant, Labels labels, LogEntry entry) {}

package dev.tonari.cluster.catalog;

/**
 * One line of a tenant's alert history: when it happened (epoch millis, the caller's evaluation
 * time) and the event as JSON text, stored exactly as given (the catalog neither parses nor
 * re-formats it, so what is read back is byte for byte what was written).
 */
public record AlertHistoryEntry(String tenant, long atMillis, String json) {}

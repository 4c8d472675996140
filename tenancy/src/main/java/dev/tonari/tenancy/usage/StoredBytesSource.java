package dev.tonari.tenancy.usage;

import java.util.Map;

/**
 * The bytes each tenant has stored right now, after compression, as the store's part accounting
 * knows them (parts plus WAL/head as the store sees fit). Sampled hourly by {@link UsageMeter}, so
 * merges and retention deletes show up in the next sample without any bookkeeping of their own.
 */
@FunctionalInterface
public interface StoredBytesSource {
  Map<String, Long> storedBytesByTenant();
}

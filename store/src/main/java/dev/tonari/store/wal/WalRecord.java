package dev.tonari.store.wal;

import dev.tonari.store.StreamBatch;
import java.util.List;

/** One logged append: a tenant's streams with their entries, exactly as the caller gave them. */
public record WalRecord(String tenant, List<StreamBatch> streams) {
  public WalRecord {
    streams = List.copyOf(streams);
  }
}

package dev.tonari.cluster.log;

import dev.tonari.store.StreamBatch;
import java.util.List;

/** One record of the push log as an ingester receives it: where it was (partition, offset) and what it holds. */
public record PushLogRecord(int partition, long offset, String tenant, List<StreamBatch> streams) {
  public PushLogRecord {
    streams = List.copyOf(streams);
  }
}

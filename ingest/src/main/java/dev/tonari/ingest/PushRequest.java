package dev.tonari.ingest;

import dev.tonari.store.StreamBatch;
import java.util.List;

/** A decoded push: the streams and entries of one request body, before validation. */
public record PushRequest(List<StreamBatch> streams) {
  public PushRequest {
    streams = List.copyOf(streams);
  }

  public int entryCount() {
    int n = 0;
    for (StreamBatch s : streams) {
      n += s.entries().size();
    }
    return n;
  }
}

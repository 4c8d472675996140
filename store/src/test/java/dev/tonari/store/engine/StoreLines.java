package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.SelectRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What the engine tests read back: every line of a tenant, oldest first, head and parts together. */
final class StoreLines {
  private StoreLines() {}

  static List<String> of(DiskLogStore store, String tenant) throws IOException {
    List<String> lines = new ArrayList<>();
    for (EntryCursor cursor : store.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          lines.add(cursor.line());
        }
      }
    }
    return lines;
  }
}

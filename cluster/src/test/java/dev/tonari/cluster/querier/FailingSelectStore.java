package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingEntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A store whose select cursors fail after some entries, as a head whose read breaks would. */
final class FailingSelectStore extends ForwardingLogStore {
  private final LogStore delegate;
  private final int entriesBeforeFailure;

  FailingSelectStore(LogStore delegate, int entriesBeforeFailure) {
    this.delegate = delegate;
    this.entriesBeforeFailure = entriesBeforeFailure;
  }

  @Override
  protected LogStore delegate() {
    return delegate;
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    List<EntryCursor> cursors = new ArrayList<>();
    for (EntryCursor cursor : delegate.select(request)) {
      cursors.add(new ForwardingEntryCursor(cursor) {
        private int returned;

        @Override
        public boolean next() throws IOException {
          if (returned == entriesBeforeFailure) {
            throw new IOException("disk on fire after " + entriesBeforeFailure + " entries");
          }
          returned++;
          return super.next();
        }
      });
    }
    return cursors;
  }
}

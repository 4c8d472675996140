package dev.tonari.cluster.querier;

import dev.tonari.store.LogStore;
import dev.tonari.store.memory.InMemoryLogStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Parts in the heap, published by revision: the read side shows exactly the flushes up to the
 * revision it was last refreshed to, never more, so a querier that refreshes before the heads have
 * answered misses entries and the tests see it.
 */
final class RevisionedParts implements PartsSide {
  private final List<List<Flushed>> commits = new ArrayList<>();
  private final InMemoryLogStore visible = new InMemoryLogStore();
  private int visibleRevision;

  @Override
  public synchronized long flush(List<Flushed> batches) {
    commits.add(List.copyOf(batches));
    return commits.size();
  }

  @Override
  public LogStore store() {
    return visible;
  }

  @Override
  public ClusterLogStore.PartsRefresher refresher() {
    return this::refreshToLatest;
  }

  private synchronized long refreshToLatest() {
    while (visibleRevision < commits.size()) {
      for (Flushed flushed : commits.get(visibleRevision)) {
        visible.append(flushed.tenant(), flushed.streams());
      }
      visibleRevision++;
    }
    return visibleRevision;
  }

  @Override
  public void close() {}
}

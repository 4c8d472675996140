package dev.tonari.rules.eval;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A store that counts the scans it is asked for and the lines they read, over another store. */
final class CountingLogStore extends ForwardingLogStore {
  private final LogStore store;
  final AtomicLong selects = new AtomicLong();
  final AtomicLong linesRead = new AtomicLong();

  CountingLogStore(LogStore store) {
    this.store = store;
  }

  @Override
  protected LogStore delegate() {
    return store;
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    selects.incrementAndGet();
    List<EntryCursor> cursors = store.select(request);
    return cursors.stream().<EntryCursor>map(cursor -> new EntryCursor() {
      @Override
      public Labels labels() {
        return cursor.labels();
      }

      @Override
      public boolean next() throws IOException {
        boolean next = cursor.next();
        if (next) {
          linesRead.incrementAndGet();
        }
        return next;
      }

      @Override
      public long timestamp() {
        return cursor.timestamp();
      }

      @Override
      public byte[] lineBuffer() {
        return cursor.lineBuffer();
      }

      @Override
      public int lineOffset() {
        return cursor.lineOffset();
      }

      @Override
      public int lineLength() {
        return cursor.lineLength();
      }

      @Override
      public Labels metadata() {
        return cursor.metadata();
      }

      @Override
      public void close() throws IOException {
        cursor.close();
      }
    }).toList();
  }
}

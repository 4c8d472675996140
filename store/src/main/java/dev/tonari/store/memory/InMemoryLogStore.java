package dev.tonari.store.memory;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.ScanListener;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The simplest correct {@link LogStore}: everything in sorted maps on the heap, nothing durable.
 * It is the reference that the engine is compared with and the fake that upper layers test on.
 * Entries of equal timestamp keep their push order; a second push of an equal (timestamp, line)
 * is dropped, as in Loki's ingester.
 *
 * <p>{@link #select} filters eagerly: it tests every line of the range and reports them to the
 * request's {@link ScanListener} in runs of {@value #LINES_PER_REPORT} (standing for blocks), so a
 * listener that stops the scan makes {@code select} throw its exception.
 */
public final class InMemoryLogStore implements LogStore {
  /** Lines reported to a scan listener at once, as one block would be. */
  static final int LINES_PER_REPORT = 1024;

  /** Where an entry sorts: by timestamp, then by push order (the stream's count of distinct entries before it). */
  private record Key(long timestamp, long pushed) {}

  private record Value(String line, Labels metadata) {}

  private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::timestamp).thenComparingLong(Key::pushed);

  /** One stream: its entries in order, and what was pushed, to drop a second push of (timestamp, line). */
  private static final class StreamEntries {
    final TreeMap<Key, Value> entries = new TreeMap<>(ORDER);
    final Set<Map.Entry<Long, String>> pushed = new HashSet<>();

    boolean isEmpty() {
      return entries.isEmpty();
    }
  }

  private final Map<String, Map<Labels, StreamEntries>> tenants = new ConcurrentHashMap<>();

  @Override
  public synchronized void append(String tenant, List<StreamBatch> streams) {
    Map<Labels, StreamEntries> byStream = tenants.computeIfAbsent(tenant, t -> new TreeMap<>());
    for (StreamBatch batch : streams) {
      StreamEntries stream = byStream.computeIfAbsent(batch.labels(), l -> new StreamEntries());
      for (LogEntry e : batch.entries()) {
        if (stream.pushed.add(Map.entry(e.timestampNanos(), e.line()))) {
          stream.entries.put(new Key(e.timestampNanos(), stream.entries.size()), new Value(e.line(), e.metadata()));
        }
      }
    }
  }

  @Override
  public synchronized List<EntryCursor> select(SelectRequest request) {
    List<EntryCursor> cursors = new ArrayList<>();
    Map<Labels, StreamEntries> byStream = tenants.getOrDefault(request.tenant(), Map.of());
    for (Map.Entry<Labels, StreamEntries> stream : byStream.entrySet()) {
      if (!request.streamSelector().test(stream.getKey())) {
        continue;
      }
      List<Map.Entry<Key, Value>> selected = new ArrayList<>();
      var range = stream.getValue().entries.subMap(new Key(request.fromNanos(), Long.MIN_VALUE), true, new Key(request.toNanos(), Long.MIN_VALUE), false);
      ScanListener listener = request.scanListener();
      int linesInRun = 0;
      long bytesInRun = 0;
      for (Map.Entry<Key, Value> e : range.entrySet()) {
        if (linesInRun == 0) {
          listener.beforeBlock();
        }
        byte[] bytes = Utf8.encode(e.getValue().line());
        linesInRun++;
        bytesInRun += bytes.length;
        if (request.lineFilter().test(bytes, 0, bytes.length)) {
          selected.add(Map.entry(e.getKey(), e.getValue()));
        }
        if (linesInRun == LINES_PER_REPORT) {
          listener.blockScanned(linesInRun, bytesInRun);
          linesInRun = 0;
          bytesInRun = 0;
        }
      }
      if (linesInRun > 0) {
        listener.blockScanned(linesInRun, bytesInRun);
      }
      if (request.direction() == Direction.BACKWARD) {
        java.util.Collections.reverse(selected);
      }
      if (!selected.isEmpty()) {
        cursors.add(new ListCursor(stream.getKey(), selected));
      }
    }
    return cursors;
  }

  @Override
  public synchronized List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) {
    List<Labels> result = new ArrayList<>();
    for (Map.Entry<Labels, StreamEntries> stream : tenants.getOrDefault(tenant, Map.of()).entrySet()) {
      if (selector.test(stream.getKey()) && hasEntries(stream.getValue(), fromNanos, toNanos)) {
        result.add(stream.getKey());
      }
    }
    return result;
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) {
    TreeSet<String> names = new TreeSet<>();
    for (Labels labels : series(tenant, l -> true, fromNanos, toNanos)) {
      names.addAll(labels.names());
    }
    return List.copyOf(names);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) {
    TreeSet<String> values = new TreeSet<>();
    for (Labels labels : series(tenant, l -> true, fromNanos, toNanos)) {
      String v = labels.get(name);
      if (v != null) {
        values.add(v);
      }
    }
    return List.copyOf(values);
  }

  @Override
  public synchronized List<String> tenants() {
    TreeSet<String> withData = new TreeSet<>();
    tenants.forEach((tenant, streams) -> {
      if (streams.values().stream().anyMatch(entries -> !entries.isEmpty())) {
        withData.add(tenant);
      }
    });
    return List.copyOf(withData);
  }

  @Override
  public void close() {}

  private static boolean hasEntries(StreamEntries stream, long fromNanos, long toNanos) {
    Key first = stream.entries.ceilingKey(new Key(fromNanos, Long.MIN_VALUE));
    return first != null && first.timestamp() < toNanos;
  }

  private static final class ListCursor implements EntryCursor {
    private final Labels labels;
    private final List<Map.Entry<Key, Value>> entries;
    private int index = -1;
    private byte[] line;

    ListCursor(Labels labels, List<Map.Entry<Key, Value>> entries) {
      this.labels = labels;
      this.entries = entries;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public boolean next() {
      if (index + 1 >= entries.size()) {
        return false;
      }
      index++;
      line = Utf8.encode(entries.get(index).getValue().line());
      return true;
    }

    @Override
    public long timestamp() {
      return entries.get(index).getKey().timestamp();
    }

    @Override
    public byte[] lineBuffer() {
      return line;
    }

    @Override
    public int lineOffset() {
      return 0;
    }

    @Override
    public int lineLength() {
      return line.length;
    }

    @Override
    public Labels metadata() {
      return entries.get(index).getValue().metadata();
    }
  }
}

package dev.tonari.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link LogStore} shares, checked against a simple model: seeded random
 * appends (out of order, repeated entries, several tenants and streams, structured metadata)
 * followed by random selects, series, label names and label values.
 *
 * <p>Subclasses supply the store and may act between rounds of appends (flush, merge, reopen);
 * whatever they do, reads must equal the model's.
 */
public abstract class LogStoreContractTest {
  @TempDir protected Path directory;
  private LogStore store;

  /** A new store in an empty directory (or over the directory's existing data). */
  protected abstract LogStore openStore(Path directory) throws IOException;

  /**
   * Called after each round of appends; may flush, merge, or close and reopen. Returns the store
   * to use from now on.
   */
  protected LogStore afterRound(LogStore store, Path directory, int round) throws IOException {
    return store;
  }

  /** Called once after all rounds, before the reads. */
  protected LogStore beforeReads(LogStore store, Path directory) throws IOException {
    return store;
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  /**
   * The model of one stream, as the store orders entries: by time, entries of equal time in push
   * order; a second push of an equal (timestamp, line) is dropped, the first one keeps its place.
   */
  private static final class ModelStream {
    final List<LogEntry> pushed = new ArrayList<>();
    final Set<Map.Entry<Long, String>> seen = new HashSet<>();

    void push(LogEntry entry) {
      if (seen.add(Map.entry(entry.timestampNanos(), entry.line()))) {
        pushed.add(entry);
      }
    }

    /** Sorted by timestamp; the sort is stable, so ties keep their push order. */
    List<LogEntry> inOrder() {
      List<LogEntry> sorted = new ArrayList<>(pushed);
      sorted.sort(java.util.Comparator.comparingLong(LogEntry::timestampNanos));
      return sorted;
    }

    boolean hasEntries(long from, long to) {
      return pushed.stream().anyMatch(e -> e.timestampNanos() >= from && e.timestampNanos() < to);
    }
  }

  private record Read(Labels labels, List<LogEntry> entries) {}

  private final Map<String, TreeMap<Labels, ModelStream>> model = new HashMap<>();

  private static final String[] TENANTS = {"team-a", "team-b", "fake"};
  private static final String[] WORDS = {"GET", "POST", "error", "ok", "timeout", "café", "日本", "level=warn", "user=42"};

  private static Labels metadataOf(long timestamp, String line) {
    int h = Math.floorMod(Long.hashCode(timestamp) * 31 + line.hashCode(), 5);
    return h == 0 ? Labels.of("trace_id", Integer.toHexString(line.hashCode())) : h == 1 ? Labels.of("span", "s" + timestamp % 7, "user", "u" + h) : Labels.EMPTY;
  }

  private void appendRandomRounds(long seed, int rounds) throws IOException {
    appendRandomRounds(seed, rounds, 1000);
  }

  /** Pushes random rounds with timestamps among {@code 3 * seconds} values: few seconds make many equal timestamps. */
  private void appendRandomRounds(long seed, int rounds, int seconds) throws IOException {
    Random random = new Random(seed);
    List<LogEntry> pushedBefore = new ArrayList<>();
    store = openStore(directory);
    for (int round = 0; round < rounds; round++) {
      for (int push = 0; push < 25; push++) {
        String tenant = TENANTS[random.nextInt(TENANTS.length)];
        List<StreamBatch> batches = new ArrayList<>();
        int streamCount = 1 + random.nextInt(3);
        for (int s = 0; s < streamCount; s++) {
          Labels labels =
              random.nextInt(4) == 0
                  ? Labels.of("app", "app" + random.nextInt(3))
                  : Labels.of("app", "app" + random.nextInt(3), "env", random.nextBoolean() ? "prod" : "dev", "pod", "p" + random.nextInt(2));
          List<LogEntry> entries = new ArrayList<>();
          int count = 1 + random.nextInt(15);
          for (int i = 0; i < count; i++) {
            LogEntry entry;
            if (!pushedBefore.isEmpty() && random.nextInt(5) == 0) {
              entry = pushedBefore.get(random.nextInt(pushedBefore.size()));
            } else {
              long ts = 1_000_000_000L * random.nextInt(seconds) + random.nextInt(3);
              String line = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)] + " " + random.nextInt(50);
              entry = new LogEntry(ts, line, metadataOf(ts, line));
              pushedBefore.add(entry);
            }
            entries.add(entry);
          }
          batches.add(new StreamBatch(labels, entries));
        }
        store.append(tenant, batches);
        for (StreamBatch batch : batches) {
          ModelStream entries = model.computeIfAbsent(tenant, t -> new TreeMap<>()).computeIfAbsent(batch.labels(), l -> new ModelStream());
          for (LogEntry e : batch.entries()) {
            entries.push(e);
          }
        }
      }
      store = afterRound(store, directory, round);
    }
    store = beforeReads(store, directory);
  }

  private List<Read> expectedSelect(String tenant, Predicate<Labels> selector, long from, long to, Direction direction, String mustContain) {
    List<Read> reads = new ArrayList<>();
    for (Map.Entry<Labels, ModelStream> stream : model.getOrDefault(tenant, new TreeMap<>()).entrySet()) {
      if (!selector.test(stream.getKey())) {
        continue;
      }
      List<LogEntry> entries = new ArrayList<>();
      for (LogEntry e : stream.getValue().inOrder()) {
        long ts = e.timestampNanos();
        if (ts >= from && ts < to && (mustContain == null || e.line().contains(mustContain))) {
          entries.add(e);
        }
      }
      if (direction == Direction.BACKWARD) {
        java.util.Collections.reverse(entries);
      }
      if (!entries.isEmpty()) {
        reads.add(new Read(stream.getKey(), entries));
      }
    }
    return reads;
  }

  private List<Read> actualSelect(SelectRequest request) throws IOException {
    List<Read> reads = new ArrayList<>();
    for (EntryCursor cursor : store.select(request)) {
      try (cursor) {
        List<LogEntry> entries = new ArrayList<>();
        while (cursor.next()) {
          entries.add(new LogEntry(cursor.timestamp(), cursor.line(), cursor.metadata()));
        }
        reads.add(new Read(cursor.labels(), entries));
      }
    }
    return reads;
  }

  private List<Labels> expectedSeries(String tenant, Predicate<Labels> selector, long from, long to) {
    List<Labels> series = new ArrayList<>();
    for (Map.Entry<Labels, ModelStream> stream : model.getOrDefault(tenant, new TreeMap<>()).entrySet()) {
      if (selector.test(stream.getKey()) && stream.getValue().hasEntries(from, to)) {
        series.add(stream.getKey());
      }
    }
    return series;
  }

  private static LinePredicate containing(String literal) {
    byte[] needle = literal.getBytes(StandardCharsets.UTF_8);
    return (buffer, offset, length) -> {
      outer:
      for (int i = offset; i <= offset + length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (buffer[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    };
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void readsEqualTheModel(long seed) throws IOException {
    appendRandomRounds(seed, 3);
    Random random = new Random(seed * 7919);
    for (int query = 0; query < 60; query++) {
      String tenant = random.nextInt(10) == 0 ? "nobody" : TENANTS[random.nextInt(TENANTS.length)];
      long a = 1_000_000_000L * random.nextInt(1100) - 5;
      long b = a + 1_000_000_000L * random.nextInt(query % 3 == 0 ? 1100 : 50);
      Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
      String app = "app" + random.nextInt(3);
      Predicate<Labels> selector =
          switch (random.nextInt(4)) {
            case 0 -> labels -> true;
            case 1 -> labels -> app.equals(labels.get("app"));
            case 2 -> labels -> !"prod".equals(labels.get("env"));
            default -> labels -> "prod".equals(labels.get("env")) && !app.equals(labels.get("app"));
          };
      String literal = random.nextInt(3) == 0 ? WORDS[random.nextInt(WORDS.length)] : null;
      SelectRequest request =
          new SelectRequest(tenant, selector, a, b, direction, literal == null ? LinePredicate.ALL : containing(literal), literal == null ? List.of() : List.of(literal));
      assertThat(actualSelect(request))
          .as("query %d: tenant %s [%d, %d) %s containing %s", query, tenant, a, b, direction, literal)
          .isEqualTo(expectedSelect(tenant, selector, a, b, direction, literal));

      List<Labels> expectedSeries = expectedSeries(tenant, selector, a, b);
      assertThat(store.series(tenant, selector, a, b)).as("series of %s in [%d, %d)", tenant, a, b).isEqualTo(expectedSeries);
      List<Labels> all = expectedSeries(tenant, labels -> true, a, b);
      TreeSet<String> names = new TreeSet<>();
      TreeSet<String> apps = new TreeSet<>();
      for (Labels labels : all) {
        names.addAll(labels.names());
        if (labels.get("app") != null) {
          apps.add(labels.get("app"));
        }
      }
      assertThat(store.labelNames(tenant, a, b)).isEqualTo(List.copyOf(names));
      assertThat(store.labelValues(tenant, "app", a, b)).isEqualTo(List.copyOf(apps));
      assertThat(store.labelValues(tenant, "missing", a, b)).isEmpty();
    }
    assertThat(store.tenants()).isEqualTo(List.copyOf(new TreeSet<>(model.keySet())));
  }

  /**
   * Many entries share each timestamp, pushed in several rounds (so, depending on the store, in
   * several heads, parts and merges) and partly pushed twice: reads return them in push order
   * going forward and in exactly the reverse order going backward, as Loki does.
   */
  @ParameterizedTest
  @ValueSource(longs = {11, 12})
  void equalTimestampsComeInPushOrder(long seed) throws IOException {
    appendRandomRounds(seed, 4, 4);
    for (String tenant : TENANTS) {
      for (Direction direction : Direction.values()) {
        for (long[] range : new long[][] {{Long.MIN_VALUE, Long.MAX_VALUE}, {1_000_000_000L, 3_000_000_001L}}) {
          SelectRequest request = new SelectRequest(tenant, labels -> true, range[0], range[1], direction, LinePredicate.ALL, List.of());
          assertThat(actualSelect(request))
              .as("tenant %s %s [%d, %d)", tenant, direction, range[0], range[1])
              .isEqualTo(expectedSelect(tenant, labels -> true, range[0], range[1], direction, null));
        }
      }
    }
  }

  @Test
  void aLoneSurrogateIsStoredAsTheReplacementCharacterGoWouldStore() throws IOException {
    store = openStore(directory);
    Labels labels = Labels.of("app", "surrogates");
    store.append("team-a", List.of(new StreamBatch(labels, List.of(new LogEntry(1_000, "lone \uD800 high"), new LogEntry(2_000, "pair \uD83D\uDE00 ok"),
        new LogEntry(3_000, "asked? \uDC00")))));
    store = afterRound(store, directory, 0);
    store = beforeReads(store, directory);
    List<String> lines = new ArrayList<>();
    for (EntryCursor cursor : store.select(SelectRequest.all("team-a", 0, 10_000, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          lines.add(cursor.line());
        }
      }
    }
    // Loki (Go) replaces a lone surrogate by U+FFFD, whose three bytes its limits count; Java's encoder would write '?'.
    assertThat(lines).containsExactly("lone \uFFFD high", "pair \uD83D\uDE00 ok", "asked? \uFFFD");
  }

  @Test
  void emptyStoreAndEmptyAppendsReturnNothing() throws IOException {
    store = openStore(directory);
    store.append("team-a", List.of());
    store.append("team-a", List.of(new StreamBatch(Labels.of("app", "x"), List.of())));
    assertThat(store.select(SelectRequest.all("team-a", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))).isEmpty();
    assertThat(store.series("team-a", labels -> true, 0, Long.MAX_VALUE)).isEmpty();
    assertThat(store.labelNames("team-a", 0, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void concurrentAppendersToDifferentStreamsAreAllVisible() throws Exception {
    store = openStore(directory);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Labels labels = Labels.of("app", "worker" + t);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 100; i++) {
                        store.append("team-a", List.of(new StreamBatch(labels, List.of(new LogEntry(i, "line " + i)))));
                      }
                    } catch (IOException | RuntimeException e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    store = beforeReads(store, directory);
    List<EntryCursor> cursors = store.select(SelectRequest.all("team-a", 0, 1000, Direction.FORWARD));
    assertThat(cursors).hasSize(4);
    for (EntryCursor cursor : cursors) {
      try (cursor) {
        int n = 0;
        while (cursor.next()) {
          assertThat(cursor.timestamp()).isEqualTo(n);
          n++;
        }
        assertThat(n).isEqualTo(100);
      }
    }
  }
}

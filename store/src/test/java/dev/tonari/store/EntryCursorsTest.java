package dev.tonari.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.memory.InMemoryLogStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link EntryCursors#mergeSources} against a reference: the sources' entries concatenated in
 * source order, stably sorted by timestamp, equal (timestamp, line) entries kept at their first
 * push, reversed for a backward read.
 */
class EntryCursorsTest {
  private static final Labels[] STREAMS = {Labels.of("app", "api"), Labels.of("app", "web"), Labels.of("app", "db", "env", "prod")};

  @Test
  void mergeOfSeededRandomSourcesEqualsConcatenationSortedAndDeduplicated() throws IOException {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      int sourceCount = 1 + random.nextInt(4);
      List<InMemoryLogStore> stores = new ArrayList<>();
      // Per stream, every entry in source order then push order: the reference's input.
      Map<Labels, List<String[]>> pushed = new TreeMap<>();
      for (int s = 0; s < sourceCount; s++) {
        InMemoryLogStore store = new InMemoryLogStore();
        int pushes = random.nextInt(40);
        for (int p = 0; p < pushes; p++) {
          Labels labels = STREAMS[random.nextInt(STREAMS.length)];
          // Few timestamps and lines, so that ties and repeats across sources are frequent.
          long timestamp = random.nextInt(12);
          String line = "line " + random.nextInt(6);
          store.append("t", List.of(new StreamBatch(labels, List.of(new LogEntry(timestamp, line)))));
          pushed.computeIfAbsent(labels, l -> new ArrayList<>()).add(new String[] {Long.toString(timestamp), line, Integer.toString(s)});
        }
        stores.add(store);
      }
      for (Direction direction : Direction.values()) {
        List<List<EntryCursor>> sources = new ArrayList<>();
        for (InMemoryLogStore store : stores) {
          sources.add(store.select(SelectRequest.all("t", Long.MIN_VALUE, Long.MAX_VALUE, direction)));
        }
        Map<Labels, List<String>> merged = new LinkedHashMap<>();
        for (EntryCursor cursor : EntryCursors.mergeSources(sources, direction)) {
          try (cursor) {
            List<String> entries = new ArrayList<>();
            while (cursor.next()) {
              entries.add(cursor.timestamp() + " " + cursor.line());
            }
            merged.put(cursor.labels(), entries);
          }
        }
        assertThat(merged).as("seed %d, %s", seed, direction).isEqualTo(reference(pushed, direction));
        assertThat(new ArrayList<>(merged.keySet())).as("seed %d: cursors ordered by labels", seed).isSorted();
      }
    }
  }

  private static Map<Labels, List<String>> reference(Map<Labels, List<String[]>> pushed, Direction direction) {
    Map<Labels, List<String>> expected = new LinkedHashMap<>();
    for (Map.Entry<Labels, List<String[]>> stream : pushed.entrySet()) {
      List<String[]> entries = new ArrayList<>(stream.getValue());
      entries.sort(Comparator.comparingLong(e -> Long.parseLong(e[0])));
      List<String> kept = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (String[] entry : entries) {
        String text = entry[0] + " " + entry[1];
        if (seen.add(text)) {
          kept.add(text);
        }
      }
      if (direction == Direction.BACKWARD) {
        java.util.Collections.reverse(kept);
      }
      expected.put(stream.getKey(), kept);
    }
    return expected;
  }

  @Test
  void aStreamInOnlyOneSourceComesThroughUnchangedAndEmptySourcesAreFine() throws IOException {
    InMemoryLogStore store = new InMemoryLogStore();
    store.append("t", List.of(new StreamBatch(STREAMS[0], List.of(new LogEntry(5, "a"), new LogEntry(7, "b")))));
    List<EntryCursor> merged =
        EntryCursors.mergeSources(List.of(List.of(), store.select(SelectRequest.all("t", 0, 100, Direction.FORWARD)), List.of()), Direction.FORWARD);
    assertThat(merged).hasSize(1);
    try (EntryCursor cursor = merged.get(0)) {
      assertThat(cursor.labels()).isEqualTo(STREAMS[0]);
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.line()).isEqualTo("a");
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.timestamp()).isEqualTo(7);
      assertThat(cursor.next()).isFalse();
    }
    assertThat(EntryCursors.mergeSources(List.of(), Direction.BACKWARD)).isEmpty();
  }
}

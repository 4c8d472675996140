package dev.tonari.store.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HeadTest {
  private static final Labels STREAM = Labels.of("app", "api");

  @Test
  void sortsOutOfOrderEntriesKeepsPushOrderOfEqualTimestampsAndDropsExactDuplicatesAcrossIncrementalSnapshots() throws IOException {
    Head head = new Head(1);
    Random random = new Random(7);
    // Keyed by (timestamp, push number of the first push of the line at that timestamp).
    TreeMap<String, LogEntry> expected = new TreeMap<>();
    java.util.Set<String> pushed = new java.util.HashSet<>();
    int pushNumber = 0;
    for (int round = 0; round < 20; round++) {
      List<LogEntry> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        long ts = random.nextInt(200);
        String line = "line " + random.nextInt(5);
        Labels metadata = random.nextBoolean() ? Labels.EMPTY : Labels.of("k", line);
        LogEntry entry = new LogEntry(ts, line, metadata);
        batch.add(entry);
        if (pushed.add(ts + " " + line)) {
          expected.put(String.format("%05d %06d", ts, pushNumber++), entry);
        }
      }
      head.append("t", new StreamBatch(STREAM, batch), 0);
      HeadStreamSnapshot snapshot = head.stream("t", STREAM).snapshot();
      List<LogEntry> read = new ArrayList<>();
      for (int p = 0; p < snapshot.size(); p++) {
        read.add(new LogEntry(snapshot.timestamp(p), new String(snapshot.lineBuffer(p), snapshot.lineOffset(p), snapshot.lineLength(p), java.nio.charset.StandardCharsets.UTF_8), snapshot.metadata(p)));
      }
      assertThat(read).extracting(LogEntry::timestampNanos, LogEntry::line)
          .containsExactlyElementsOf(expected.values().stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.timestampNanos(), e.line())).toList());
    }
    HeadStreamSnapshot snapshot = head.stream("t", STREAM).snapshot();
    List<Long> backward = new ArrayList<>();
    try (EntryCursor cursor = snapshot.cursor(50, 100, Direction.BACKWARD, (b, o, l) -> b[o + l - 1] != '3')) {
      while (cursor.next()) {
        assertThat(cursor.line()).doesNotEndWith("3");
        backward.add(cursor.timestamp());
      }
    }
    assertThat(backward).isNotEmpty().allMatch(ts -> ts >= 50 && ts < 100).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(snapshot.hasEntries(0, 200)).isTrue();
    assertThat(snapshot.hasEntries(200, 300)).isFalse();
    assertThat(snapshot.cursor(0, 200, Direction.FORWARD, LinePredicate.ALL).next()).isTrue();
  }

  @Test
  void concurrentAppendsToManyStreamsLoseNothing() throws Exception {
    Head head = new Head(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      Labels labels = Labels.of("stream", Integer.toString(i % 10));
                      head.append("tenant", new StreamBatch(labels, List.of(new LogEntry(i, "t" + thread + " " + i))), 0);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(head.streamCount()).isEqualTo(10);
    long total = 0;
    for (HeadStream stream : head.streams("tenant")) {
      total += stream.snapshot().size();
    }
    assertThat(total).isEqualTo(8000);
    assertThat(head.bytes()).isPositive();
  }
}

package dev.tonari.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.memory.InMemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default {@link LogStore#streamVolumes} and {@link LogStore#indexStats}, computed through select. */
class StreamVolumesTest {
  private static final Labels API = Labels.of("app", "api");
  private static final Labels WEB = Labels.of("app", "web");
  private static final Labels DB = Labels.of("app", "db");

  @Test
  void volumesCountLinesAndBytesOfMatchingStreamsInTheHalfOpenRange() throws Exception {
    try (LogStore store = new InMemoryLogStore()) {
      store.append("team-a", List.of(
          new StreamBatch(WEB, List.of(new LogEntry(10, "abc"), new LogEntry(20, "defgh"), new LogEntry(30, "outside"))),
          new StreamBatch(API, List.of(new LogEntry(15, "é", Labels.of("trace_id", "t1")))),
          new StreamBatch(DB, List.of(new LogEntry(50, "later")))));
      store.append("team-b", List.of(new StreamBatch(API, List.of(new LogEntry(15, "other tenant")))));

      List<StreamVolume> volumes = store.streamVolumes("team-a", labels -> !labels.equals(DB), 10, 30);
      // Ordered by labels; bytes are UTF-8 bytes of the lines ("é" is two).
      assertThat(volumes).containsExactly(new StreamVolume(API, 1, 2, 1), new StreamVolume(WEB, 1, 8, 2));
      assertThat(store.indexStats("team-a", labels -> true, 10, 30)).isEqualTo(new IndexStats(2, 2, 10, 3));
      assertThat(store.indexStats("team-a", labels -> true, 100, 200)).isEqualTo(IndexStats.EMPTY);
      assertThat(store.indexStats("team-c", labels -> true, 0, 200)).isEqualTo(IndexStats.EMPTY);
    }
  }
}

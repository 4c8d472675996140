package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head protocol's cost: entries per second read from a local head directly (the baseline: a
 * {@link DiskLogStore}'s select, each line touched), against the same entries encoded by {@link
 * HeadQueryService} and decoded by the querier's reader, in memory and over loopback HTTP with
 * {@link HeadClient}, printed beside the baseline as ratios. The build runs a small form (about 0.2 s
 * of work) and checks only that all three read the same entries; for the figure in
 * docs/benchmarks.md: {@code ./mvnw -o -q -pl cluster test -Dtest=HeadProtocolBenchTest
 * -Dhead.bench.entries=1000000 -Dhead.bench.rounds=5}.
 */
class HeadProtocolBenchTest {
  @TempDir Path directory;

  /** What a reader sees of the entries: counts, line bytes, a sum of timestamps and metadata pairs. */
  private record Totals(long entries, long lineBytes, long timestampSum, long metadataPairs) {}

  private static Totals drain(List<EntryCursor> cursors) throws IOException {
    long entries = 0;
    long bytes = 0;
    long timestamps = 0;
    long metadata = 0;
    for (EntryCursor cursor : cursors) {
      try (cursor) {
        while (cursor.next()) {
          entries++;
          bytes += cursor.lineLength() + cursor.lineBuffer()[cursor.lineOffset()];
          timestamps += cursor.timestamp();
          metadata += cursor.metadata().size();
        }
      }
    }
    return new Totals(entries, bytes, timestamps, metadata);
  }

  @Test
  void printsEntriesPerSecondThroughTheProtocolAgainstReadingTheHeadDirectly() throws IOException {
    int entries = Integer.getInteger("head.bench.entries", 60_000);
    int rounds = Integer.getInteger("head.bench.rounds", 2);
    int streams = 40;
    try (DiskLogStore head = DiskLogStore.open(DiskLogStoreConfig.defaults(directory.resolve("head")).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null)
        .withFlushHeadBytes(Long.MAX_VALUE).withFlushAge(Duration.ofDays(365)))) {
      List<Labels> labels = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        labels.add(Labels.of(Map.of("app", "app-" + (s % 8), "pod", "pod-" + s, "env", s % 3 == 0 ? "prod" : "dev")));
      }
      for (int start = 0; start < entries; start += 10_000) {
        List<StreamBatch> batches = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
          List<LogEntry> batch = new ArrayList<>();
          for (int i = start + s; i < Math.min(entries, start + 10_000); i += streams) {
            Labels metadata = i % 10 == 0 ? Labels.of("trace_id", Integer.toHexString(i * 7919)) : Labels.EMPTY;
            batch.add(new LogEntry(1_700_000_000_000_000_000L + i * 1_000L, "ts=2026-12-07T08:00:00Z level=info caller=handler.go:" + (i % 400) + " msg=\"request done\" status=200 duration=" + (i % 977) + "ms n=" + i, metadata));
          }
          batches.add(new StreamBatch(labels.get(s), batch));
        }
        head.append("bench", batches);
      }
      SelectRequest all = SelectRequest.all("bench", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD);
      HeadQueryService service = new HeadQueryService(head, () -> new HeadState(0, List.of(0), true), 1, 1 << 24, TestCluster.TOKEN);
      HeadRequest.Entries request = new HeadRequest.Entries("bench", head.series("bench", any -> true, Long.MIN_VALUE, Long.MAX_VALUE), Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD);
      byte[] requestBytes = HeadProtocol.encodeRequest(request);
      long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
      long wireBytes = 0;
      Totals direct = null;
      Totals codec = null;
      Totals http = null;
      try (LoopbackHeadServer server = new LoopbackHeadServer(service);
          HeadClient client = new HeadClient(1L << 34, Duration.ofMinutes(5), TestCluster.TOKEN)) {
        for (int round = 0; round < rounds + 1; round++) {
          long started = System.nanoTime();
          direct = drain(head.select(all));
          best[0] = Math.min(best[0], System.nanoTime() - started);

          started = System.nanoTime();
          ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
          try (HeadQueryService.Answer answer = service.answer(TestCluster.TOKEN, requestBytes)) {
            answer.writeTo(out);
          }
          byte[] wire = out.toByteArray();
          wireBytes = wire.length;
          best[3] = Math.min(best[3], System.nanoTime() - started);
          List<EntryCursor> decoded = new ArrayList<>();
          for (HeadStream stream : HeadResponses.readEntries(new ByteArrayInputStream(wire), 1L << 34, "bench answer").value()) {
            decoded.add(stream.cursor());
          }
          codec = drain(decoded);
          best[1] = Math.min(best[1], System.nanoTime() - started);

          started = System.nanoTime();
          http = drain(client.entries(server.address(), List.of(), request).value());
          best[2] = Math.min(best[2], System.nanoTime() - started);
        }
      }
      assertThat(codec).isEqualTo(direct);
      assertThat(http).isEqualTo(direct);
      assertThat(direct.entries()).isEqualTo(entries);
      double directRate = entries / (best[0] / 1e9);
      double codecRate = entries / (best[1] / 1e9);
      double httpRate = entries / (best[2] / 1e9);
      System.out.printf("head protocol, %,d entries in %d streams, %,d bytes on the wire (%.1f per entry), best of %d rounds:%n", entries, streams, wireBytes, (double) wireBytes / entries, rounds);
      System.out.printf("  local head select (baseline)      %,12.0f entries/s%n", directRate);
      System.out.printf("  encode + decode in memory         %,12.0f entries/s   ratio to baseline %.2f%n", codecRate, codecRate / directRate);
      System.out.printf("    of which encoding                %,12.0f entries/s%n", entries / (best[3] / 1e9));
      System.out.printf("  over loopback HTTP (HeadClient)   %,12.0f entries/s   ratio to baseline %.2f%n", httpRate, httpRate / directRate);
    }
  }
}

package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.MergePolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Query limits over the durable store, where a chain of {@code |=} literals is searched over whole
 * blocks and blocks are decoded ahead on scan threads: the limits still hold (counted per block by
 * the {@link QueryContext} as the store's scan listener), the scan stops within a few blocks, and
 * the statistics count every line of the blocks read.
 */
class QueryLimitsOnDiskTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long START = 1_768_000_000L * SECOND;
  private static final int PARTS = 8;
  private static final int ENTRIES_PER_PART = 600;
  /** Lines of about 2 KB: some 200 per block, about 3 blocks per part. */
  private static final int LINE_LENGTH = 2_000;

  @TempDir Path directory;

  /** A store that remembers the requests it was sent. */
  /** The disk store, remembering every select request the engine sent it. */
  private static final class RecordingStore extends ForwardingLogStore {
    private final DiskLogStore disk;
    private final List<SelectRequest> requests;

    RecordingStore(DiskLogStore disk, List<SelectRequest> requests) {
      this.disk = disk;
      this.requests = requests;
    }

    DiskLogStore disk() {
      return disk;
    }

    List<SelectRequest> requests() {
      return requests;
    }

    @Override
    protected LogStore delegate() {
      return disk;
    }

    @Override
    public List<EntryCursor> select(SelectRequest request) throws IOException {
      requests.add(request);
      return disk.select(request);
    }
  }

  private DiskLogStore open(int scanThreads) throws IOException {
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(directory)
        .withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null)
        .withMergePolicy(MergePolicy.disabled());
    return DiskLogStore.open(config, scanThreads);
  }

  /** One stream of {@value #PARTS} parts; every 100th line holds "needle". Returns the line bytes. */
  private static long writeStream(DiskLogStore store) throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    long bytes = 0;
    long i = 0;
    for (int p = 0; p < PARTS; p++) {
      List<LogEntry> entries = new ArrayList<>();
      for (int e = 0; e < ENTRIES_PER_PART; e++, i++) {
        StringBuilder line = new StringBuilder("level=info n=").append(i).append(i % 100 == 0 ? " needle" : "");
        while (line.length() < LINE_LENGTH) {
          line.append(" w").append(random.nextInt(10_000));
        }
        bytes += line.length();
        entries.add(new LogEntry(START + i * SECOND, line.toString()));
      }
      store.append(TENANT, List.of(new StreamBatch(Labels.of("app", "api"), entries)));
      store.flush();
    }
    return bytes;
  }

  private static final long END = START + (long) PARTS * ENTRIES_PER_PART * SECOND;

  @ParameterizedTest(name = "scan threads {0}")
  @ValueSource(ints = {0, 2})
  void aLiteralQueryReachesTheStoreAsALiteralAndItsStatisticsCountEveryLineOfTheBlocksRead(int scanThreads) throws Exception {
    try (RecordingStore store = new RecordingStore(open(scanThreads), new ArrayList<>())) {
      long lineBytes = writeStream(store.disk());
      QueryEngine engine = new QueryEngine(store, QueryLimits.defaults().withMaxQueryBytesRead(2 * lineBytes));
      QueryContext context = engine.newContext();

      StreamsResult result = engine.logQuery(TENANT, "{app=\"api\"} |= \"needle\"", START, END, 1_000, Direction.FORWARD, context);

      assertThat(result.streams()).hasSize(1);
      assertThat(result.streams().get(0).entries()).hasSize(PARTS * ENTRIES_PER_PART / 100);
      SelectRequest sent = store.requests().get(0);
      assertThat(sent.lineFilter()).isInstanceOf(LiteralLinePredicate.class);
      assertThat(sent.scanListener()).isSameAs(context);
      assertThat(result.statistics().linesScanned()).isEqualTo((long) PARTS * ENTRIES_PER_PART);
      assertThat(result.statistics().bytesScanned()).isEqualTo(lineBytes);
    }
  }

  @ParameterizedTest(name = "scan threads {0}")
  @ValueSource(ints = {0, 2})
  void aLiteralFullScanStopsSoonAfterItsByteBudget(int scanThreads) throws Exception {
    try (DiskLogStore store = open(scanThreads)) {
      writeStream(store);
      long blocksBefore = store.metrics().blocksRead();
      // About two and a half blocks.
      QueryEngine engine = new QueryEngine(store, QueryLimits.defaults().withMaxQueryBytesRead(1_000_000));
      QueryContext context = engine.newContext();

      assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=\"api\"} |= \"needle\"", START, END, 100, Direction.BACKWARD, context))
          .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageMatching("the query would read too many bytes \\(query: [0-9.]+ MB, limit: 1.0 MB\\);.*\\(max_query_bytes_read\\)");

      long blocksRead = store.metrics().blocksRead() - blocksBefore;
      // Of some 24 blocks: the ones up to the budget, and at most the read-ahead that was under way (3 blocks).
      assertThat(blocksRead).isBetween(3L, 6L);
      // Blocks of the default size (512 KiB) hold less than 600 kB of lines.
      assertThat(context.bytesScanned()).isBetween(1_000_001L, 1_000_000L + 4L * 600_000);
    }
  }

  @ParameterizedTest(name = "scan threads {0}")
  @ValueSource(ints = {0, 2})
  void aFullScanPastItsDeadlineOrCancelledStopsWithinAFewBlocks(int scanThreads) throws Exception {
    try (DiskLogStore store = open(scanThreads)) {
      writeStream(store);
      QueryLimits limits = QueryLimits.defaults().withQueryTimeout(Duration.ofSeconds(4));
      // Every reading of the clock is one second later: the deadline passes at the fourth block.
      AtomicLong clock = new AtomicLong();
      QueryContext timed = QueryContext.start(limits, () -> clock.getAndAdd(SECOND));
      QueryEngine engine = new QueryEngine(store, limits);
      long blocksBefore = store.metrics().blocksRead();

      assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=\"api\"} |= \"needle\"", START, END, 100, Direction.FORWARD, timed))
          .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(504))
          .hasMessageContaining("query_timeout: 4s");
      assertThat(store.metrics().blocksRead() - blocksBefore).isLessThanOrEqualTo(4 + 3);

      // A metric query too, cancelled once it has read some 1,000 lines.
      AtomicReference<QueryContext> holder = new AtomicReference<>();
      QueryContext cancelled = QueryContext.start(QueryLimits.defaults(), () -> {
        QueryContext running = holder.get();
        if (running != null && running.linesScanned() >= 1_000) {
          running.cancel();
        }
        return 0;
      });
      holder.set(cancelled);
      long before = store.metrics().blocksRead();
      SampleExpr expr = (SampleExpr) LogqlParser.parse("count_over_time({app=\"api\"} |= \"needle\" [2h])");

      assertThatThrownBy(() -> engine.metricQuery(TENANT, expr, END, END, 0, true, cancelled))
          .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(499))
          .hasMessage("The request was cancelled by the client.");
      assertThat(store.metrics().blocksRead() - before).isLessThanOrEqualTo(6 + 3);
    }
  }
}

package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.Labels;
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
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case-insensitive and regex-prefix needles over the durable store (version-4 parts and the head's
 * chunk filters): they skip blocks, and return exactly the lines of the same query with pruning
 * off (a store that drops the request's literals before it reaches the disk).
 */
class CaseInsensitivePruningOnDiskTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long START = 1_768_000_000L * SECOND;
  private static final int PARTS = 6;
  private static final int ENTRIES_PER_PART = 700;
  /** Entries left in the head, unflushed: several full chunks of 256. */
  private static final int HEAD_ENTRIES = 900;
  private static final long END = START + (long) (PARTS * ENTRIES_PER_PART + HEAD_ENTRIES) * SECOND;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  @TempDir Path directory;
  private DiskLogStore disk;
  private final List<String> ids = new ArrayList<>();

  /** Drops the literals of every request: the scan without pruning, the reference. */
  private static final class UnprunedStore extends ForwardingLogStore {
    private final DiskLogStore disk;

    UnprunedStore(DiskLogStore disk) {
      this.disk = disk;
    }

    @Override
    protected LogStore delegate() {
      return disk;
    }

    @Override
    public List<EntryCursor> select(SelectRequest request) throws IOException {
      return disk.select(new SelectRequest(request.tenant(), request.streamSelector(), request.fromNanos(), request.toNanos(),
          request.direction(), request.lineFilter(), List.of(), request.scanListener(), List.of()));
    }
  }

  @BeforeEach
  void writeParts() throws IOException {
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(directory)
        .withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null)
        .withMergePolicy(MergePolicy.disabled());
    disk = DiskLogStore.open(config, 0);
    SplittableRandom random = new SplittableRandom(8);
    long i = 0;
    for (int p = 0; p <= PARTS; p++) {
      List<LogEntry> entries = new ArrayList<>();
      int count = p < PARTS ? ENTRIES_PER_PART : HEAD_ENTRIES;
      for (int e = 0; e < count; e++, i++) {
        String id = hex(random, 32);
        ids.add(id);
        // A rare phrase in mixed case, in two lines of two parts.
        String level = i == 1_234 || i == 1_500 ? "level=ERROR msg=\"DeadLock detected\"" : "level=info msg=\"request done\"";
        StringBuilder line = new StringBuilder("ts=").append(i).append(' ').append(level).append(" trace_id=").append(id);
        while (line.length() < 2_000) {
          line.append(" w").append(random.nextInt(10_000));
        }
        entries.add(new LogEntry(START + i * SECOND, line.toString()));
      }
      disk.append(TENANT, List.of(new StreamBatch(Labels.of("app", "api"), entries)));
      if (p < PARTS) {
        disk.flush();
      }
    }
  }

  @AfterEach
  void close() throws IOException {
    disk.close();
  }

  @Test
  void caseInsensitiveAndPrefixNeedlesSkipBlocksAndAnswerAsTheUnprunedScan() throws Exception {
    String inPart = ids.get(2_345);
    String inHead = ids.get(PARTS * ENTRIES_PER_PART + 600);
    List<String> queries = List.of(
        "{app=\"api\"} |~ \"(?i)deadlock detected\"",
        "{app=\"api\"} |~ \"(?i)trace_id=" + inPart.toUpperCase(Locale.ROOT) + "\"",
        "{app=\"api\"} |~ \"(?i)" + inHead.substring(0, 24).toUpperCase(Locale.ROOT) + "\"",
        "{app=\"api\"} |~ \"trace_id=" + inPart.substring(0, 20) + ".*\"",
        "{app=\"api\"} |= \"" + inHead + "\"",
        "{app=\"api\"} |~ \"(?i:DEADLOCK) detected|deadlock (?i)DETECTED\"");
    QueryEngine pruned = new QueryEngine(disk, QueryLimits.defaults());
    QueryEngine unpruned = new QueryEngine(new UnprunedStore(disk), QueryLimits.defaults());
    for (String query : queries) {
      long before = disk.metrics().blocksRead();
      long skippedBefore = disk.metrics().blocksSkippedByBloom();
      StreamsResult reference = unpruned.logQuery(TENANT, query, START, END, 1_000, Direction.BACKWARD, unpruned.newContext());
      long readUnpruned = disk.metrics().blocksRead() - before;
      long middle = disk.metrics().blocksRead();
      StreamsResult result = pruned.logQuery(TENANT, query, START, END, 1_000, Direction.BACKWARD, pruned.newContext());
      long readPruned = disk.metrics().blocksRead() - middle;
      assertThat(result.streams()).as(query).isEqualTo(reference.streams());
      assertThat(reference.streams()).as(query).hasSize(1);
      assertThat(disk.metrics().blocksSkippedByBloom() - skippedBefore).as("blocks skipped by %s", query).isPositive();
      assertThat(readPruned).as("blocks read by %s (unpruned: %d)", query, readUnpruned).isLessThan(readUnpruned);
    }
  }

  @Test
  void theMatchingLinesOfACaseInsensitiveNeedleAreFound() throws Exception {
    QueryEngine engine = new QueryEngine(disk, QueryLimits.defaults());
    StreamsResult result = engine.logQuery(TENANT, "{app=\"api\"} |~ \"(?i)DEADLOCK\"", START, END, 1_000, Direction.FORWARD, engine.newContext());
    assertThat(result.streams()).hasSize(1);
    assertThat(result.streams().get(0).entries()).hasSize(2);
  }

  private static String hex(SplittableRandom random, int digits) {
    char[] chars = new char[digits];
    for (int i = 0; i < digits; i++) {
      chars[i] = HEX[random.nextInt(16)];
    }
    return new String(chars);
  }
}

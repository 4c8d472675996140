package dev.tonari.slo.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.query.QueryLimits;
import dev.tonari.slo.rollup.InMemoryRollupStore;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines sharing their rollup and progress stores, each evaluating the tenant only while its
 * assignment says so (what the cluster's leases do): the tenant moves with its history, the new
 * owner goes on from the stored progress without a backfill, the old one writes nothing more.
 */
class SloServiceHandOverTest {
  private static final String TENANT = "team-a";
  private static final long MINUTE_NANOS = 60_000_000_000L;
  private static final long BASE = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() / 60;
  private static final Labels API = Labels.of("app", "api", "pod", "a");
  private static final String ID = "api-availability";
  private static final String ALL = "sum(count_over_time({app=\"api\"} [{{.window}}]))";

  @TempDir Path dataDir;
  private final InMemoryLogStore logs = new InMemoryLogStore();
  private final RecordingSource source = new RecordingSource(new LogQlSliSource(logs, QueryLimits.defaults()));
  private final MutableClock clock = new MutableClock(at(120).plusSeconds(30));
  private final List<SloService> opened = new ArrayList<>();

  /** Progress in the heap, shared by both engines (the catalog's blobs in a cluster). */
  static final class SharedProgress implements SloProgressStore {
    final Map<String, Map<String, Long>> byTenant = new TreeMap<>();
    final List<String> writers = new ArrayList<>();
    String writer = "";

    @Override
    public synchronized Map<String, Long> load(String tenant) {
      return Map.copyOf(byTenant.getOrDefault(tenant, Map.of()));
    }

    @Override
    public synchronized void save(Map<String, Map<String, Long>> changed) {
      changed.forEach((tenant, progress) -> byTenant.put(tenant, Map.copyOf(progress)));
      writers.add(writer);
    }
  }

  @AfterEach
  void closeServices() {
    opened.forEach(SloService::close);
  }

  private static Instant at(long minute) {
    return Instant.ofEpochSecond((BASE + minute) * 60);
  }

  private void requests(long minute, int total, int errors) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long nanos = (BASE + minute) * MINUTE_NANOS + i * (MINUTE_NANOS / total);
      entries.add(new LogEntry(nanos, "level=info status=" + (i < errors ? 500 : 200) + " path=/orders request=" + i));
    }
    logs.append(TENANT, List.of(new StreamBatch(API, entries)));
  }

  @Test
  void theTenantMovesWithItsHistoryAndTheNewOwnerGoesOnFromTheStoredProgress() throws Exception {
    for (long minute = 0; minute < 120; minute++) {
      requests(minute, 100, minute < 60 ? 0 : 2);
    }
    InMemoryRollupStore rollups = new InMemoryRollupStore();
    SharedProgress progress = new SharedProgress();
    AtomicBoolean firstOwns = new AtomicBoolean(true);
    SloService first = new SloService(SloSettings.defaults(), dataDir, source, rollups, new SloDataSources(), clock, progress,
        tenant -> firstOwns.get());
    opened.add(first);
    first.apply(TENANT, SloServiceTest.sloth("99.9", ALL), "body");
    progress.writer = "first";
    first.evaluateAllNow();
    SloView.Figures before = first.get(TENANT, ID).orElseThrow().overall();
    assertThat(before.totalEvents()).isEqualTo(12_000);

    SloService second = new SloService(SloSettings.defaults(), dataDir, source, rollups, new SloDataSources(), clock, progress,
        tenant -> !firstOwns.get());
    opened.add(second);
    source.clear();
    progress.writer = "second";
    second.evaluateAllNow();
    assertThat(source.calls(ID)).as("not its tenant: nothing evaluated").isEmpty();
    assertThat(second.get(TENANT, ID).orElseThrow().overall().totalEvents()).as("but its figures are read from the shared rollups")
        .isEqualTo(12_000);

    // The tenant moves to the second engine.
    firstOwns.set(false);
    for (long minute = 120; minute < 122; minute++) {
      requests(minute, 100, 2);
    }
    clock.set(at(122).plusSeconds(5));
    progress.writers.clear();
    progress.writer = "first";
    first.evaluateAllNow();
    assertThat(source.calls(ID)).as("the old owner evaluates nothing").isEmpty();
    assertThat(progress.writers).as("and writes no progress").isEmpty();
    progress.writer = "second";
    second.evaluateAllNow();
    // Like a restart: the last hour again (rollups are not fsynced), never the whole history.
    assertThat(source.calls(ID)).containsExactly(new RecordingSource.Call(TENANT, ID, BASE + 60, BASE + 122));
    assertThat(second.get(TENANT, ID).orElseThrow().overall().totalEvents()).isEqualTo(12_200);
    assertThat(progress.byTenant.get(TENANT)).containsEntry(ID, BASE + 122);

    // And back: the first engine reads the progress the second wrote.
    firstOwns.set(true);
    requests(122, 100, 2);
    clock.set(at(123).plusSeconds(5));
    source.clear();
    first.evaluateAllNow();
    // Read afresh like a restart (the last hour again), not resumed from what it held before it left.
    assertThat(source.calls(ID)).hasSize(1);
    assertThat(source.calls(ID).get(0).fromMinute()).isBetween(BASE + 123 - 62, BASE + 63);
    assertThat(source.calls(ID).get(0).toMinute()).isEqualTo(BASE + 123);
    assertThat(first.get(TENANT, ID).orElseThrow().overall().totalEvents()).isEqualTo(12_300);
  }
}

package dev.tonari.tenancy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageMeterTest {
  private static final LocalDate DAY = LocalDate.parse("2025-03-01");
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T22:30:00Z"));
  private final Map<String, Long> stored = new HashMap<>(Map.of("team-a", 2_000_000_000L));

  @Test
  void figuresSurviveARestartAndSplitByUtcDay(@TempDir Path dataDir) throws Exception {
    try (UsageMeter meter = UsageMeter.open(dataDir, clock, () -> stored)) {
      meter.recordIngested("team-a", 10, 1000);
      meter.recordIngested("team-a", 5, 500);
      meter.recordQuery("team-a", 4096);
      meter.recordRefused("team-b", 3);
      assertThat(meter.sampleStoredBytes()).isTrue();
      assertThat(meter.sampleStoredBytes()).as("an hour is credited once").isFalse();
      clock.advance(Duration.ofMinutes(40));
      stored.put("team-a", 3_000_000_000L);
      assertThat(meter.sampleStoredBytes()).isTrue();
      clock.advance(Duration.ofHours(1));
      meter.recordIngested("team-a", 1, 7);
    }
    assertThat(Files.exists(dataDir.resolve("usage/2025-03-01.json"))).isTrue();
    assertThat(Files.exists(dataDir.resolve("usage/2025-03-02.json"))).isTrue();

    try (UsageMeter reopened = UsageMeter.open(dataDir, clock, () -> stored)) {
      Map<LocalDate, Map<String, UsageFigures>> usage = reopened.snapshot(DAY, DAY.plusDays(1));
      assertThat(usage.get(DAY).get("team-a")).isEqualTo(new UsageFigures(15, 1500, 5_000_000_000L, 3_000_000_000L, 4096, 1, 0));
      assertThat(usage.get(DAY).get("team-b")).isEqualTo(new UsageFigures(0, 0, 0, 0, 0, 0, 3));
      assertThat(usage.get(DAY.plusDays(1)).get("team-a")).isEqualTo(new UsageFigures(1, 7, 0, 0, 0, 0, 0));
      // Hours sampled before the restart stay sampled.
      clock.set(Instant.parse("2025-03-01T22:59:00Z"));
      assertThat(reopened.sampleStoredBytes()).isFalse();
      reopened.recordIngested("team-a", 1, 1);
    }
    try (UsageMeter third = UsageMeter.open(dataDir, clock, () -> stored)) {
      assertThat(third.snapshot(DAY, DAY).get(DAY).get("team-a").entriesIngested()).isEqualTo(16);
    }
  }

  @Test
  void concurrentRecordingLosesNothing(@TempDir Path dataDir) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (UsageMeter meter = UsageMeter.open(dataDir, clock, Map::of)) {
      for (int t = 0; t < 4; t++) {
        pool.submit(() -> {
          for (int i = 0; i < 10_000; i++) {
            meter.recordIngested("t", 1, 10);
          }
        });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      meter.flush();
    }
    try (UsageMeter reopened = UsageMeter.open(dataDir, clock, Map::of)) {
      assertThat(reopened.snapshot(DAY, DAY).get(DAY).get("t")).isEqualTo(new UsageFigures(40_000, 400_000, 0, 0, 0, 0, 0));
    }
  }

  @Test
  void aCorruptDayFileIsSetAsideNotFatal(@TempDir Path dataDir) throws Exception {
    Files.createDirectories(dataDir.resolve("usage"));
    Files.writeString(dataDir.resolve("usage/2025-02-28.json"), "{not json");
    try (UsageMeter meter = UsageMeter.open(dataDir, clock, Map::of)) {
      assertThat(meter.snapshot(LocalDate.MIN, LocalDate.MAX)).isEmpty();
    }
    assertThat(dataDir.resolve("usage/2025-02-28.json.corrupt")).exists();
  }

  @Test
  void startedMeterFlushesAndStopsOnClose(@TempDir Path dataDir) throws Exception {
    UsageMeter meter = UsageMeter.open(dataDir, clock, () -> stored).start(Duration.ofHours(1));
    meter.recordIngested("team-a", 1, 1);
    meter.close();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("usage-meter") && thread.isAlive());
    assertThat(Files.readString(dataDir.resolve("usage/2025-03-01.json"))).contains("\"entries_ingested\" : 1");
  }
}

package dev.tonari.slo.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollup contract over blobs in the heap, a differential run against {@link FileRollupStore}
 * on the same seeded operations, and what only a shared blob store has: a second process reading
 * what the first wrote, an owner change invalidating the cache, and a refused write.
 */
class BlobRollupStoreTest extends RollupStoreContract {
  @TempDir Path directory;

  /** Blobs in a map; {@code owner} is the ownership token of every tenant (empty: owns none). */
  static final class MapBlobs implements RollupBlobs {
    final Map<String, byte[]> blobs = new HashMap<>();
    OptionalLong owner = OptionalLong.of(1);
    boolean refuseWrites;

    @Override
    public synchronized Optional<byte[]> load(String tenant, String name) {
      return Optional.ofNullable(blobs.get(tenant + "\u0000" + name)).map(byte[]::clone);
    }

    @Override
    public synchronized void save(String tenant, String name, byte[] content) {
      if (refuseWrites) {
        throw new IllegalStateException("tenant " + tenant + " is owned by another process");
      }
      blobs.put(tenant + "\u0000" + name, content.clone());
    }

    @Override
    public synchronized OptionalLong ownership(String tenant) {
      return owner;
    }
  }

  @Override
  RollupStore newStore() {
    return new BlobRollupStore(new MapBlobs());
  }

  private static final List<SeriesKey> KEYS = List.of(API, SeriesKey.of("team-a", "latency"), new SeriesKey("team-a", "api-availability",
      Map.of("customer", "Zürich/1")), new SeriesKey("team-b", "api-availability", Map.of("customer", "a")), SeriesKey.of("team-b", "errors"));

  @Test
  void seededOperationsReadTheSameAsTheFileStore() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      MapBlobs blobs = new MapBlobs();
      // A small cache, so that evictions and re-reads of day blobs are exercised too.
      try (FileRollupStore reference = new FileRollupStore(directory.resolve("seed-" + seed)); BlobRollupStore blob = new BlobRollupStore(blobs, 3)) {
        for (int step = 0; step < 150; step++) {
          SeriesKey key = KEYS.get(random.nextInt(KEYS.size()));
          int operation = random.nextInt(20);
          String context = "seed " + seed + " step " + step + " " + key;
          if (operation < 12) {
            long start = DAY_START - 1440 + random.nextInt(3 * 1440);
            MinuteSeries minutes = new MinuteSeries(start, 1 + random.nextInt(random.nextBoolean() ? 5 : 1500));
            for (long minute = start; minute < minutes.endMinute(); minute++) {
              if (random.nextInt(4) > 0) {
                double total = random.nextInt(50);
                minutes.set(minute, Math.min(total, random.nextInt(10)), total);
              }
            }
            reference.write(key, minutes);
            blob.write(key, minutes);
          } else if (operation < 14) {
            String fingerprint = "f" + random.nextInt(3);
            reference.setFingerprint(key.tenant(), key.sloId(), fingerprint);
            blob.setFingerprint(key.tenant(), key.sloId(), fingerprint);
          } else if (operation < 15) {
            reference.deleteSlo(key.tenant(), key.sloId());
            blob.deleteSlo(key.tenant(), key.sloId());
          } else if (operation < 16) {
            long before = DAY_START - 1440 + random.nextInt(3 * 1440);
            reference.prune(before);
            blob.prune(before);
          }
          long from = DAY_START - 1500 + random.nextInt(3 * 1440);
          long to = from + random.nextInt(2000);
          assertSame(context + " read [" + from + ", " + to + ")", reference.read(key, from, to), blob.read(key, from, to));
          assertThat(blob.fingerprint(key.tenant(), key.sloId())).as(context).isEqualTo(reference.fingerprint(key.tenant(), key.sloId()));
          assertThat(sorted(blob.series(key.tenant(), key.sloId()))).as(context).isEqualTo(sorted(reference.series(key.tenant(), key.sloId())));
        }
        // A second process (another ruler after a hand-over) reads the same from the blobs alone.
        try (BlobRollupStore other = new BlobRollupStore(blobs)) {
          for (SeriesKey key : KEYS) {
            assertSame("seed " + seed + " other process " + key, reference.read(key, DAY_START - 1500, DAY_START + 3000),
                other.read(key, DAY_START - 1500, DAY_START + 3000));
            assertThat(other.fingerprint(key.tenant(), key.sloId())).isEqualTo(reference.fingerprint(key.tenant(), key.sloId()));
          }
        }
      }
    }
  }

  @Test
  void aNewOwnershipTokenReadsWhatAnotherProcessWroteMeanwhile() {
    MapBlobs blobs = new MapBlobs();
    try (BlobRollupStore first = new BlobRollupStore(blobs); BlobRollupStore second = new BlobRollupStore(blobs)) {
      first.write(API, series(DAY_START, 1, 10));
      assertThat(first.read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(10);
      // The tenant moves to the second process, which writes; then it comes back under a new token.
      second.write(API, series(DAY_START, 2, 20));
      blobs.owner = OptionalLong.of(2);
      assertThat(first.read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(20);
      blobs.owner = OptionalLong.empty();
      second.write(API, series(DAY_START, 3, 30));
      assertThat(first.read(API, DAY_START, DAY_START + 1).total(DAY_START)).as("not owned: read through").isEqualTo(30);
    }
  }

  @Test
  void aRefusedWriteChangesNothing() {
    MapBlobs blobs = new MapBlobs();
    try (BlobRollupStore store = new BlobRollupStore(blobs)) {
      store.write(API, series(DAY_START, 1, 10));
      blobs.refuseWrites = true;
      assertThatThrownBy(() -> store.write(API, series(DAY_START, 5, 50))).hasMessageContaining("owned by another process");
      blobs.refuseWrites = false;
      blobs.owner = OptionalLong.of(2); // re-read from the blobs, not a cache the failed write may have touched
      assertThat(store.read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(10);
    }
  }

  private static List<String> sorted(List<SeriesKey> keys) {
    List<String> names = new ArrayList<>();
    keys.forEach(key -> names.add(key.toString()));
    names.sort(Comparator.naturalOrder());
    return names;
  }

  private static void assertSame(String context, MinuteSeries expected, MinuteSeries actual) {
    assertThat(actual.startMinute()).as(context).isEqualTo(expected.startMinute());
    assertThat(actual.length()).as(context).isEqualTo(expected.length());
    for (long minute = expected.startMinute(); minute < expected.endMinute(); minute++) {
      assertThat(actual.hasData(minute)).as(context + " minute " + minute).isEqualTo(expected.hasData(minute));
      if (expected.hasData(minute)) {
        assertThat(actual.bad(minute)).as(context + " minute " + minute).isEqualTo(expected.bad(minute));
        assertThat(actual.total(minute)).as(context + " minute " + minute).isEqualTo(expected.total(minute));
      }
    }
  }
}

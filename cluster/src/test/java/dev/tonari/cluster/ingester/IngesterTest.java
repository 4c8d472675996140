package dev.tonari.cluster.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cluster.catalog.CatalogPart;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.catalog.OffsetCommit;
import dev.tonari.cluster.log.KafkaPushLog;
import dev.tonari.cluster.log.KafkaSettings;
import dev.tonari.cluster.log.KafkaTopics;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.testing.KafkaBroker;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.InMemoryObjectStore;
import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.part.PartReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingesters on a real Kafka with the catalog fake and an in-memory object store: every pushed
 * line ends in exactly one registered part (or the live owner's head), across flushes, a crash
 * and take-over, and a fenced zombie.
 */
class IngesterTest {
  private static final int PARTITIONS = 4;
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir Path directory;

  private static KafkaSettings topic(String name) {
    KafkaSettings settings =
        KafkaSettings.defaults(KAFKA.server().bootstrapServers(), name, PARTITIONS).withReplicationFactor(1).withConsumerGroup(name + "-ingesters").withSessionTimeout(Duration.ofSeconds(3));
    KafkaTopics.ensure(settings);
    return settings;
  }

  private IngesterSettings ingester(String id, long flushBytes, Duration flushAge) {
    return new IngesterSettings(id, "127.0.0.1:0", directory.resolve(id), flushBytes, flushAge, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  @Test
  void everyPushedLineIsInExactlyOneRegisteredPartAfterFlushes() throws Exception {
    KafkaSettings settings = topic("ingest-flushes");
    ClusterCatalog catalog = new InMemoryClusterCatalog();
    ObjectStore objects = new InMemoryObjectStore();
    Files.createDirectories(directory.resolve("a"));
    Files.writeString(directory.resolve("a").resolve("left-over"), "from a previous run: wiped at start");
    Map<String, Integer> expected = new TreeMap<>();
    Ingester ingester = new Ingester(settings, catalog, objects, ingester("a", 16 * 1024, Duration.ofHours(1)));
    assertThat(directory.resolve("a").resolve("left-over")).doesNotExist();
    try (KafkaPushLog pushLog = new KafkaPushLog(settings, "distributor")) {
      ingester.start();
      push(pushLog, expected, 0, 1500);
      await(() -> count(partLines(catalog, objects), headLines(ingester.head())) == 1500);
      assertThat(ingester.flushes()).isGreaterThan(1);
      awaitMember(catalog, "a", member -> member.caughtUp() && member.partitions().size() == PARTITIONS);
    } finally {
      ingester.close();
    }
    // The revocation at close flushed the rest.
    assertThat(partLines(catalog, objects)).isEqualTo(expected);
    assertThat(catalog.liveMembers("ingester")).isEmpty();
    assertThat(ingester.flushedRevision()).isEqualTo(catalog.partsRevision());
    for (CatalogPart part : catalog.liveParts()) {
      assertThat(part.entries()).isPositive();
      if (part.partition() >= 0) {
        assertThat(part.lastOffset()).isGreaterThanOrEqualTo(part.firstOffset());
      }
    }
    long total = catalog.committedOffsets(settings.topic()).values().stream().mapToLong(Long::longValue).sum();
    assertThat(total).isEqualTo(1500);
  }

  @Test
  void aSecondIngesterTakesOverFromTheCommittedOffsetsAfterACrash() throws Exception {
    KafkaSettings settings = topic("ingest-takeover");
    ClusterCatalog catalog = new InMemoryClusterCatalog();
    ObjectStore objects = new InMemoryObjectStore();
    Map<String, Integer> expected = new TreeMap<>();
    Ingester first = new Ingester(settings, catalog, objects, ingester("first", 8 * 1024, Duration.ofHours(1)));
    Ingester second = new Ingester(settings, catalog, objects, ingester("second", 8 * 1024, Duration.ofHours(1)));
    try (KafkaPushLog pushLog = new KafkaPushLog(settings, "distributor")) {
      first.start();
      push(pushLog, expected, 0, 1000);
      await(() -> count(partLines(catalog, objects), headLines(first.head())) == 1000);
      assertThat(first.flushes()).isPositive();
      assertThat(headLines(first.head())).isNotEmpty(); // mid-way: some lines are only in its head
      first.crash();
      push(pushLog, expected, 1000, 1600);
      second.start();
      await(() -> second.ownedPartitions().size() == PARTITIONS && count(partLines(catalog, objects), headLines(second.head())) >= 1600);
      Map<String, Integer> union = partLines(catalog, objects);
      headLines(second.head()).forEach((line, n) -> union.merge(line, n, Integer::sum));
      assertThat(union).isEqualTo(expected);
    } finally {
      second.close();
    }
    assertThat(partLines(catalog, objects)).isEqualTo(expected);
    assertThat(first.fencedCommits() + second.fencedCommits()).isZero();
  }

  @Test
  void aFencedZombieRegistersNothingAndStartsOverFromTheCatalog() throws Exception {
    KafkaSettings settings = topic("ingest-fenced");
    ClusterCatalog catalog = new InMemoryClusterCatalog();
    ObjectStore objects = new InMemoryObjectStore();
    Map<String, Integer> expected = new TreeMap<>();
    // The flush age is long enough that all 300 lines are still in the head when the other
    // ingester's commit lands: the zombie's first flush is then the fenced one.
    Ingester zombie = new Ingester(settings, catalog, objects, ingester("zombie", Long.MAX_VALUE / 4, Duration.ofSeconds(12)));
    try (KafkaPushLog pushLog = new KafkaPushLog(settings, "distributor")) {
      zombie.start();
      awaitMember(catalog, "zombie", member -> member.partitions().size() == PARTITIONS);
      push(pushLog, expected, 0, 300);
      await(() -> headLines(zombie.head()).size() == 300);
      // Another ingester took partition 0 meanwhile and committed it up to its end without this one knowing.
      long partitionZeroRecords = expected.keySet().stream().filter(line -> partitionOfLine(line) == 0).count();
      catalog.commit(List.of(), List.of(), List.of(new OffsetCommit(settings.topic(), 0, -1, partitionZeroRecords, "other")));
      await(() -> zombie.fencedCommits() == 1);
      assertThat(catalog.liveParts()).isEmpty();
      // It rejoined and read again from the catalog's offsets: partition 0's records are the other's.
      expected.keySet().removeIf(line -> partitionOfLine(line) == 0);
      await(() -> partLines(catalog, objects).equals(expected) && zombie.flushes() > 0);
      push(pushLog, expected, 300, 400);
    } finally {
      zombie.close();
    }
    assertThat(partLines(catalog, objects)).isEqualTo(expected);
    assertThat(zombie.fencedCommits()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ helpers

  private static Labels streamOf(int line) {
    return Labels.of(Map.of("app", "app-" + (line % 5), "tenant_hint", Integer.toString(line % 3)));
  }

  private static String tenantOf(int line) {
    return "tenant-" + (line % 3);
  }

  private static int partitionOfLine(String line) {
    int number = Integer.parseInt(line.substring(line.indexOf(' ') + 1, line.indexOf(' ', line.indexOf(' ') + 1)));
    return PushLog.partitionOf(tenantOf(number), streamOf(number).toString(), PARTITIONS);
  }

  /** One line per push, so each line is one Kafka record. */
  private static void push(KafkaPushLog pushLog, Map<String, Integer> expected, int from, int to) {
    for (int i = from; i < to; i++) {
      String line = "line " + i + " of the ingester test, padded to look like a log line with some fields: level=info duration=" + (i * 7 % 1000) + "ms";
      pushLog.append(tenantOf(i), List.of(new StreamBatch(streamOf(i), List.of(new LogEntry(1_700_000_000_000_000_000L + i * 1_000_000L, line, Labels.EMPTY)))));
      expected.put(line, 1);
    }
  }

  /** Every line of every registered part, with how many parts hold it. */
  static Map<String, Integer> partLines(ClusterCatalog catalog, ObjectStore objects) {
    Map<String, Integer> lines = new TreeMap<>();
    try {
      for (CatalogPart part : catalog.liveParts()) {
        PartReader reader = PartReader.open(part.key(), objects.get(part.key()));
        try {
          for (int s = 0; s < reader.streams().size(); s++) {
            try (EntryCursor cursor = reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())) {
              while (cursor.next()) {
                lines.merge(cursor.line(), 1, Integer::sum);
              }
            }
          }
        } finally {
          reader.close();
        }
      }
    } catch (IOException e) {
      throw new AssertionError("reading the registered parts failed", e);
    }
    return lines;
  }

  static Map<String, Integer> headLines(LogStore head) {
    Map<String, Integer> lines = new TreeMap<>();
    try {
      for (String tenant : head.tenants()) {
        List<EntryCursor> cursors = head.select(new SelectRequest(tenant, labels -> true, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of()));
        for (EntryCursor cursor : cursors) {
          try (cursor) {
            while (cursor.next()) {
              lines.merge(cursor.line(), 1, Integer::sum);
            }
          }
        }
      }
    } catch (IOException e) {
      // The head was dropped and replaced while reading: read again on the next round.
      return Map.of();
    }
    return lines;
  }

  private static int count(Map<String, Integer> first, Map<String, Integer> second) {
    return first.values().stream().mapToInt(Integer::intValue).sum() + second.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void awaitMember(ClusterCatalog catalog, String id, java.util.function.Predicate<Member> condition) throws InterruptedException {
    await(() -> catalog.liveMembers("ingester").stream().anyMatch(member -> member.id().equals(id) && condition.test(member)));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 90 s");
      }
      Thread.sleep(100);
    }
  }
}

package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.ingester.Ingester;
import dev.tonari.cluster.ingester.IngesterSettings;
import dev.tonari.cluster.log.KafkaPushLog;
import dev.tonari.cluster.log.KafkaSettings;
import dev.tonari.cluster.log.KafkaTopics;
import dev.tonari.cluster.testing.KafkaServer;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The real cluster in one JVM: Kafka (a KRaft child JVM) as the push log, a catalog, a local
 * directory as the object store, two {@link Ingester}s serving their heads over loopback HTTP
 * through {@link HeadQueryService#forIngester}, and a querier opened with {@link
 * ClusterLogStore#open}. Numbered lines are pushed in rounds; after each round the querier is asked
 * again and again while the ingesters flush (by size while the round arrives, by age after it), and
 * every answer must hold each acknowledged line exactly once. A single {@link DiskLogStore} holding
 * the same pushes is the reference of a seeded differential check.
 */
final class ClusterQueryScenario implements AutoCloseable {
  static final int PARTITIONS = 4;
  static final List<String> TENANTS = List.of("team-a", "team-b");
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** An ingester and the loopback HTTP server its head is queried through. */
  record Node(Ingester ingester, LoopbackHeadServer server) {}

  private final KafkaSettings kafka;
  private final ClusterCatalog catalog;
  private final ObjectStore objects;
  private final Path directory;
  final List<Node> nodes = new ArrayList<>();
  final KafkaPushLog pushLog;
  final ClusterLogStore querier;
  final DiskLogStore reference;
  /** Every line pushed and acknowledged, each once. */
  final Map<String, Integer> expected = new TreeMap<>();
  private int pushed;

  ClusterQueryScenario(KafkaServer server, String topic, ClusterCatalog catalog, Path directory) throws IOException {
    this.kafka = KafkaSettings.defaults(server.bootstrapServers(), topic, PARTITIONS).withReplicationFactor(1).withConsumerGroup(topic + "-ingesters")
        .withSessionTimeout(Duration.ofSeconds(3));
    KafkaTopics.ensure(kafka);
    this.catalog = catalog;
    this.directory = directory;
    this.objects = new LocalObjectStore(directory.resolve("bucket"));
    this.pushLog = new KafkaPushLog(kafka, "distributor");
    ClusterQuerierConfig config = ClusterQuerierConfig.defaults(PARTITIONS, TestCluster.TOKEN).withIngesterTimeout(Duration.ofSeconds(2));
    this.querier = ClusterLogStore.open(catalog, DiskLogStoreConfig.defaults(directory.resolve("querier")).withObjectStore(objects).withMaintenanceInterval(Duration.ZERO), pushLog, config);
    this.reference = DiskLogStore.open(DiskLogStoreConfig.defaults(directory.resolve("reference")).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null));
  }

  /** Starts an ingester that flushes every few KiB of head and after one second of age. */
  Node startIngester(String id) throws IOException {
    LoopbackHeadServer server = new LoopbackHeadServer(null);
    Ingester ingester = new Ingester(kafka, catalog, objects,
        new IngesterSettings(id, server.address(), directory.resolve(id), 12 * 1024, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5)));
    server.replace(HeadQueryService.forIngester(ingester, 1 << 20, TestCluster.TOKEN));
    ingester.start();
    Node node = new Node(ingester, server);
    nodes.add(node);
    return node;
  }

  /** Line {@code i}: its tenant, stream and timestamp follow from the number, so the reference gets the same pushes. */
  void push(int lines) throws IOException {
    for (int n = 0; n < lines; n++) {
      int i = pushed++;
      String tenant = TENANTS.get(i % 2);
      Labels labels = Labels.of(Map.of("app", "app-" + (i % 4), "env", i % 3 == 0 ? "prod" : "dev", "pod", "pod-" + (i % 5)));
      String line = "line " + i + " level=" + (i % 7 == 0 ? "error" : "info") + " n=" + i + " took=" + (i * 13 % 997) + "ms";
      // Timestamps within [0, 1500) as the random queries ask, several lines per nanosecond in some streams.
      List<StreamBatch> batch = List.of(new StreamBatch(labels, List.of(new LogEntry(i / 2, line, Labels.EMPTY))));
      querier.append(tenant, batch);
      reference.append(tenant, batch);
      expected.put(tenant + " " + line, 1);
    }
  }

  /** Every line of every tenant the querier returns, with how often it came; null while the read is incomplete. */
  Map<String, Integer> linesFromQuerier() throws IOException {
    Map<String, Integer> lines = new TreeMap<>();
    try {
      for (String tenant : TENANTS) {
        for (EntryCursor cursor : querier.select(new SelectRequest(tenant, labels -> true, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of()))) {
          try (cursor) {
            while (cursor.next()) {
              lines.merge(tenant + " " + cursor.line(), 1, Integer::sum);
            }
          }
        }
      }
    } catch (IncompleteReadException e) {
      return null;
    }
    return lines;
  }

  /** Waits until the querier's answer is complete and holds every pushed line (ingesters consume asynchronously). */
  void awaitAllVisible() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Integer> last = null;
    while (System.nanoTime() < deadline) {
      last = linesFromQuerier();
      if (last != null && last.keySet().equals(expected.keySet())) {
        assertThat(last).as("each line exactly once").isEqualTo(expected);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the querier did not return all " + expected.size() + " lines within " + WAIT + "; last answer " + (last == null ? "incomplete" : last.size() + " lines"));
  }

  long flushes() {
    return nodes.stream().mapToLong(node -> node.ingester().flushes()).sum();
  }

  /**
   * Pushes {@code lines} at a time and queries at once after each acknowledgement, with no wait
   * for the ingesters to consume: every answer holds every acknowledged line exactly once.
   */
  void queryRightAfterEachPush(int rounds, int lines) throws IOException {
    for (int round = 0; round < rounds; round++) {
      push(lines);
      Map<String, Integer> answer = linesFromQuerier();
      assertThat(answer).as("round %d: a read while both ingesters are up is complete", round).isNotNull();
      assertThat(answer).as("round %d: the read started after the push was acknowledged holds it", round).isEqualTo(expected);
    }
  }

  /** Lines in the ingesters' heads right now. */
  long headLines() throws IOException {
    long lines = 0;
    for (Node node : nodes) {
      LogStore head = node.ingester().head();
      for (String tenant : head.tenants()) {
        for (EntryCursor cursor : head.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
          try (cursor) {
            while (cursor.next()) {
              lines++;
            }
          }
        }
      }
    }
    return lines;
  }

  /**
   * Queries over and over until the ingesters' age flushes (about a second after the last record)
   * have emptied their heads, each answer exactly the lines pushed.
   *
   * @return how many answers were checked while some lines were in parts and some in a head
   */
  int queryUntilHeadsFlushed() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int mixed = 0;
    int answers = 0;
    while (true) {
      long inHeads = headLines();
      if (inHeads == 0 && answers >= 5) {
        return mixed;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the ingesters' heads still hold " + inHeads + " lines after " + WAIT + " (" + flushes() + " flushes)");
      }
      boolean someFlushed = !catalog.liveParts().isEmpty();
      Map<String, Integer> answer = linesFromQuerier();
      assertThat(answer).as("a read while both ingesters are up is complete").isNotNull();
      assertThat(answer).as("answer %d: each acknowledged line exactly once", answers).isEqualTo(expected);
      answers++;
      if (inHeads > 0 && inHeads < expected.size() && someFlushed) {
        mixed++;
      }
    }
  }

  /** Seeded random selects, series and label reads: the querier answers exactly as the reference. */
  void differential(long seed, int queries) throws IOException {
    Random random = new Random(seed);
    for (int q = 0; q < queries; q++) {
      ClusterReadChecks.assertSameAnswers(querier, reference, ClusterReadChecks.randomQuery(random, TENANTS), "seed " + seed + ", query " + q);
    }
    assertThat(querier.tenants()).isEqualTo(reference.tenants());
  }

  /** The node crashed and its head unreachable: reads say they are incomplete until another ingester has its partitions. */
  void crashAndExpectPartialReads(Node node) {
    node.server().close();
    node.ingester().crash();
    assertThatThrownBy(() -> querier.select(SelectRequest.all("team-a", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD)))
        .isInstanceOfSatisfying(IncompleteReadException.class, e -> {
          assertThat(e.problems()).isNotEmpty();
          assertThat(e.getMessage()).contains("retry after");
        });
    assertThatThrownBy(() -> querier.labelNames("team-b", Long.MIN_VALUE, Long.MAX_VALUE)).isInstanceOf(IncompleteReadException.class);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within " + WAIT);
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws IOException {
    List<Throwable> failures = new ArrayList<>();
    for (Node node : nodes) {
      try {
        node.server().close();
        node.ingester().close();
      } catch (IOException | RuntimeException e) {
        failures.add(e);
      }
    }
    try {
      querier.close();
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
    pushLog.close();
    reference.close();
    if (!failures.isEmpty()) {
      throw new IOException("closing the scenario failed: " + failures);
    }
  }
}

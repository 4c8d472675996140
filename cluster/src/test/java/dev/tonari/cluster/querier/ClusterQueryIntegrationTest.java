package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.cluster.catalog.PasswordSource;
import dev.tonari.cluster.catalog.PostgresClusterCatalog;
import dev.tonari.cluster.catalog.PostgresSettings;
import dev.tonari.cluster.testing.KafkaBroker;
import dev.tonari.cluster.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The querier over real Kafka, real ingesters, a local-directory object store and both catalogs. */
class ClusterQueryIntegrationTest {
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir Path directory;

  @Test
  void everyLineExactlyOnceAcrossFlushesAndPartialWhenAnIngesterStops() throws Exception {
    try (InMemoryClusterCatalog catalog = new InMemoryClusterCatalog();
        ClusterQueryScenario cluster = new ClusterQueryScenario(KAFKA.server(), "querier-in-memory", catalog, directory)) {
      ClusterQueryScenario.Node first = cluster.startIngester("ingester-a");
      ClusterQueryScenario.Node second = cluster.startIngester("ingester-b");
      ClusterQueryScenario.await("both ingesters own partitions and are caught up", () -> first.ingester().headComplete() && second.ingester().headComplete()
          && !first.ingester().servedPartitions().isEmpty() && !second.ingester().servedPartitions().isEmpty());
      int mixedAnswers = 0;
      for (int round = 0; round < 4; round++) {
        cluster.push(300);
        cluster.awaitAllVisible();
        mixedAnswers += cluster.queryUntilHeadsFlushed();
      }
      assertThat(cluster.flushes()).as("flushes happened between and during the queries").isGreaterThanOrEqualTo(8);
      assertThat(mixedAnswers).as("answers checked while lines were split between parts and heads").isPositive();
      cluster.differential(17, 40);

      cluster.crashAndExpectPartialReads(second);
      ClusterQueryScenario.await("the surviving ingester took every partition and replayed it", () -> {
        Set<Integer> served = new TreeSet<>(first.ingester().servedPartitions());
        return served.size() == ClusterQueryScenario.PARTITIONS && first.ingester().headComplete();
      });
      cluster.push(200);
      cluster.awaitAllVisible();
      cluster.queryUntilHeadsFlushed();
      cluster.differential(18, 20);
    }
  }

  @Test
  void aQueryStartedAfterAPushWasAcknowledgedSeesIt() throws Exception {
    try (InMemoryClusterCatalog catalog = new InMemoryClusterCatalog();
        ClusterQueryScenario cluster = new ClusterQueryScenario(KAFKA.server(), "querier-read-after-ack", catalog, directory)) {
      ClusterQueryScenario.Node first = cluster.startIngester("ingester-a");
      ClusterQueryScenario.Node second = cluster.startIngester("ingester-b");
      ClusterQueryScenario.await("both ingesters own partitions and are caught up", () -> first.ingester().headComplete() && second.ingester().headComplete()
          && !first.ingester().servedPartitions().isEmpty() && !second.ingester().servedPartitions().isEmpty());
      // Without the ingesters' wait for Kafka's ends, the head lags the acknowledgement by a poll and these reads come back short.
      cluster.queryRightAfterEachPush(40, 3);
    }
  }

  @Test
  void thePostgresCatalogGivesTheSameExactlyOnceAnswers() throws Exception {
    assumeTrue(PostgresServer.installedBin().isPresent(), PostgresServer.SKIP_MESSAGE);
    try (PostgresServer postgres = PostgresServer.start("ClusterQueryIntegrationTest")) {
      PostgresServer.Database database = postgres.createDatabase();
      PostgresSettings settings = new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.Direct(database.password()), 4, Duration.ofSeconds(2), "querier");
      try (PostgresClusterCatalog catalog = PostgresClusterCatalog.open(settings);
          ClusterQueryScenario cluster = new ClusterQueryScenario(KAFKA.server(), "querier-postgres", catalog, directory)) {
        ClusterQueryScenario.Node first = cluster.startIngester("ingester-a");
        ClusterQueryScenario.Node second = cluster.startIngester("ingester-b");
        ClusterQueryScenario.await("both ingesters own partitions and are caught up", () -> first.ingester().headComplete() && second.ingester().headComplete()
            && !first.ingester().servedPartitions().isEmpty() && !second.ingester().servedPartitions().isEmpty());
        for (int round = 0; round < 2; round++) {
          cluster.push(300);
          cluster.awaitAllVisible();
          cluster.queryUntilHeadsFlushed();
        }
        cluster.differential(23, 30);
      }
    }
  }
}

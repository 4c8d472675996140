package dev.tonari.cluster.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.cluster.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real PostgreSQL (one per class, a fresh schema per test), plus what only a database can do: go away and come back. */
class PostgresClusterCatalogTest extends ClusterCatalogContractTest {
  private static PostgresServer server;
  private static PostgresServer.Database database;
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  @BeforeAll
  static void startPostgres() throws Exception {
    server = PostgresServer.start("PostgresClusterCatalogTest");
    database = server.createDatabase();
  }

  @AfterAll
  static void stopPostgres() {
    if (server != null) {
      server.close();
    }
  }

  static PostgresSettings settings(String schema) {
    return new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.Direct(database.password()), 4, Duration.ofSeconds(2), schema);
  }

  @Override
  ClusterCatalog newCatalog() {
    return PostgresClusterCatalog.open(settings("contract_" + SCHEMAS.incrementAndGet()));
  }

  @Override
  void elapse(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  @Test
  void aStoppedDatabaseIsReportedWithinTheConnectTimeoutAndTheSameCatalogRecovers() throws Exception {
    catalog.commit(List.of(part("p-1")), List.of(), List.of(offset(0, -1, 10, "ingester-1")));
    server.stop();
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> catalog.liveParts())
          .isInstanceOf(CatalogUnavailableException.class)
          .hasMessageContaining(database.jdbcUrl())
          .hasMessageContaining("liveParts")
          .hasMessageContaining("unavailable")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(database.password()));
      assertThatThrownBy(() -> catalog.commit(List.of(part("p-2")), List.of(), List.of(offset(0, 10, 20, "ingester-1"))))
          .isInstanceOf(CatalogUnavailableException.class).hasMessageContaining("commit");
      // Two calls, each bounded by the 2 s connect timeout (and the pool's validation): far below a minute.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    } finally {
      server.start();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<CatalogPart> parts = null;
    while (parts == null) {
      try {
        parts = catalog.liveParts();
      } catch (CatalogUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
    assertThat(parts).containsExactly(part("p-1"));
    catalog.commit(List.of(part("p-2")), List.of(), List.of(offset(0, 10, 20, "ingester-1")));
    assertThat(catalog.committedOffsets(TOPIC)).containsExactly(Map.entry(0, 20L));
  }

  @Test
  void openingAnUnreachableOrRefusingDatabaseSaysWhichAndNeverThePassword() {
    PostgresSettings wrongPassword = new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.Direct("not-the-password-123"), 2,
        Duration.ofSeconds(1), "refused");
    assertThatThrownBy(() -> PostgresClusterCatalog.open(wrongPassword))
        .isInstanceOf(CatalogUnavailableException.class)
        .hasMessageContaining(database.jdbcUrl())
        .hasMessageContaining("password authentication failed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password-123"));
    PostgresSettings nobodyListening = new PostgresSettings("jdbc:postgresql://127.0.0.1:1/catalog", "tonari", new PasswordSource.Direct("secret-pw"), 2,
        Duration.ofSeconds(1), "tonari");
    assertThatThrownBy(() -> PostgresClusterCatalog.open(nobodyListening))
        .isInstanceOf(CatalogUnavailableException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/catalog")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-pw"));
  }

  @Test
  void thePasswordComesFromAFileOrAnEnvironmentVariable(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("catalog-password");
    Files.writeString(file, database.password() + "\n");
    PostgresSettings fromFile = new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.File(file), 2, Duration.ofSeconds(2), "from_file");
    try (PostgresClusterCatalog opened = PostgresClusterCatalog.open(fromFile)) {
      assertThat(opened.liveParts()).isEmpty();
    }
    PostgresSettings fromEnvironment = new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.EnvironmentVariable("TONARI_CATALOG_PASSWORD"), 2,
        Duration.ofSeconds(2), "from_env");
    try (PostgresClusterCatalog opened = PostgresClusterCatalog.open(fromEnvironment, Map.of("TONARI_CATALOG_PASSWORD", database.password()))) {
      assertThat(opened.partsRevision()).isZero();
    }
    assertThatThrownBy(() -> PostgresClusterCatalog.open(fromEnvironment, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TONARI_CATALOG_PASSWORD is not set");
    assertThat(new PasswordSource.Direct("hidden-value").toString()).doesNotContain("hidden-value");
    assertThat(settings("x").toString()).doesNotContain(database.password());
  }

  @Test
  void migrationsAreVersionedAndReopeningDoesNotRunThemAgain() throws Exception {
    String schema = "migrated_" + SCHEMAS.incrementAndGet();
    try (PostgresClusterCatalog first = PostgresClusterCatalog.open(settings(schema))) {
      first.commit(List.of(part("p-1")), List.of(), List.of());
    }
    try (PostgresClusterCatalog again = PostgresClusterCatalog.open(settings(schema))) {
      assertThat(again.liveParts()).containsExactly(part("p-1"));
    }
    List<String> versions = new ArrayList<>();
    try (Connection connection = server.connect(database.name());
        // Flyway's own row for creating the schema has no version; only migrations are counted.
        PreparedStatement select = connection.prepareStatement("SELECT version, success FROM " + schema + ".flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        assertThat(rows.getBoolean(2)).isTrue();
        versions.add(rows.getString(1));
      }
    }
    assertThat(versions).containsExactly("1", "2");
  }

  @Test
  void expiriesFollowTheDatabaseClock() {
    PostgresClusterCatalog postgres = (PostgresClusterCatalog) catalog;
    long before = postgres.databaseMillis();
    Lease lease = catalog.tryAcquire("ruler", "ruler-1", Duration.ofMinutes(1)).orElseThrow();
    long after = postgres.databaseMillis();
    assertThat(lease.expiresAtMillis()).isBetween(before + 60_000 - 1, after + 60_000 + 1);
  }

  @Test
  void theSameRandomOperationsGiveTheSameAnswersAsTheReference() {
    for (long seed : new long[] {1, 2, 3}) {
      try (ClusterCatalog reference = new InMemoryClusterCatalog();
          ClusterCatalog postgres = PostgresClusterCatalog.open(settings("differential_" + SCHEMAS.incrementAndGet()))) {
        new CatalogDifferential(seed, reference, postgres).run(400);
      }
    }
  }
}

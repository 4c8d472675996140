package dev.tonari.cluster.ruler;

import dev.tonari.store.engine.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Lease;
import dev.tonari.cluster.catalog.PasswordSource;
import dev.tonari.cluster.catalog.PostgresClusterCatalog;
import dev.tonari.cluster.catalog.PostgresSettings;
import dev.tonari.cluster.testing.PostgresServer;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.eval.GroupKey;
import dev.tonari.rules.eval.RuleViews;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.model.RuleSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster ruler on a real PostgreSQL (one server per class, a schema per test): shares,
 * hand-over with alert continuity, the zombie fenced by the database, the outbox delivered once.
 * Expiry uses the database's clock, so the one test that needs a lease to run out waits for it
 * (bounded) with a ttl of a second.
 */
class PostgresRulerTest {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static PostgresServer server;
  private static PostgresServer.Database database;
  private ClusterCatalog catalog;

  @BeforeAll
  static void startPostgres() throws Exception {
    server = PostgresServer.start("PostgresRulerTest");
    database = server.createDatabase();
  }

  @AfterAll
  static void stopPostgres() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void openCatalog() {
    catalog = PostgresClusterCatalog.open(new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.Direct(database.password()), 4,
        Duration.ofSeconds(2), "ruler_" + SCHEMAS.incrementAndGet()));
  }

  @AfterEach
  void closeCatalog() {
    if (catalog != null) {
      catalog.close();
    }
  }

  /** Evaluation times in the last hour (the ruler restores states saved within its outage tolerance of its clock). */
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));

  private static Instant minute(double minutes) {
    return T0.plusMillis((long) (minutes * 60_000));
  }

  private static RuleViews.Alert onlyAlert(Ruler ruler) {
    List<RuleViews.Alert> alerts = ruler.alerts("team-a");
    assertThat(alerts).hasSize(1);
    return alerts.get(0);
  }

  @Test
  void threeRulersShareTenantsAndACleanLeaveHandsThemOverAtOnce() {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tenants.add("tenant-" + i);
    }
    List<RulerLeases> rulers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      rulers.add(RulerFixtures.leases(catalog, "ruler-" + i, tenants, Duration.ofMinutes(1), Clock.systemUTC()));
    }
    for (int round = 0; round < 4; round++) {
      rulers.forEach(RulerLeases::renewNow);
    }
    assertOneHolderEach(rulers, tenants, 4);
    RulerLeases leaving = rulers.remove(1);
    leaving.close();
    for (int round = 0; round < 3; round++) {
      rulers.forEach(RulerLeases::renewNow);
    }
    assertOneHolderEach(rulers, tenants, 5);
    rulers.forEach(RulerLeases::close);
  }

  private void assertOneHolderEach(List<RulerLeases> rulers, List<String> tenants, int share) {
    Map<String, String> owner = new HashMap<>();
    for (RulerLeases ruler : rulers) {
      assertThat(ruler.heldTenants().size()).as(ruler.memberId()).isLessThanOrEqualTo(share);
      for (String tenant : ruler.heldTenants()) {
        assertThat(owner.put(tenant, ruler.memberId())).as(tenant + " held twice").isNull();
        assertThat(catalog.lease(CatalogKeys.lease(tenant)).map(Lease::holder)).contains(ruler.memberId());
      }
    }
    assertThat(owner.keySet()).containsExactlyInAnyOrderElementsOf(tenants);
  }

  @Test
  void aPendingAlertKeepsItsActiveAtWhenItsTenantMovesAndFiresOnce() throws Exception {
    List<String> teamA = List.of("team-a");
    RuleSource rules = RulerFixtures.rulesFor(() -> teamA, Duration.ofMinutes(5));
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    RulerFixtures.Collecting receiver = new RulerFixtures.Collecting();
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", teamA, Duration.ofMinutes(1), Clock.systemUTC());
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", teamA, Duration.ofMinutes(1), Clock.systemUTC());
    OutboxDispatcher dispatcher = new OutboxDispatcher(catalog, "ruler-2", receiver, Duration.ofMinutes(1));
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, Clock.systemUTC(), direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, Clock.systemUTC(), direct)) {
      leases1.renewNow();
      leases2.renewNow();
      for (int m = 0; m <= 2; m++) {
        ruler1.evaluateAllAt(minute(m));
      }
      assertThat(onlyAlert(ruler1).activeAt()).isEqualTo(T0);
      long generation1 = leases1.generation("team-a").getAsLong();
      leases1.close();
      leases2.renewNow();
      assertThat(leases2.generation("team-a").getAsLong()).isGreaterThan(generation1);
      for (int m = 3; m <= 4; m++) {
        ruler2.evaluateAllAt(minute(m));
        assertThat(onlyAlert(ruler2).state()).isEqualTo(AlertState.PENDING);
        assertThat(onlyAlert(ruler2).activeAt()).isEqualTo(T0);
      }
      assertThat(dispatcher.deliverNow()).isZero();
      ruler2.evaluateAllAt(minute(5));
      assertThat(onlyAlert(ruler2).state()).isEqualTo(AlertState.FIRING);
      ruler2.evaluateAllAt(minute(5.5));
      assertThat(dispatcher.deliverNow()).isEqualTo(1);
      assertThat(receiver.delivered).extracting(delivered -> delivered.alert().startsAt()).containsExactly(minute(5));
      assertThat(direct.directAlerts).isEmpty();
      leases2.close();
    }
  }

  @Test
  void theDatabaseRefusesAZombieWhoseLeaseRanOut() throws Exception {
    List<String> teamA = List.of("team-a");
    RuleSource rules = RulerFixtures.rulesFor(() -> teamA, Duration.ofMinutes(5));
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    // ruler-1's own clock stands still: it is paused between its check and its write.
    MutableClock pausedView = new MutableClock(Instant.now());
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", teamA, Duration.ofSeconds(1), pausedView);
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", teamA, Duration.ofMinutes(1), Clock.systemUTC());
    CatalogAlertStateStore store = new CatalogAlertStateStore(catalog, leases1);
    GroupKey group = new GroupKey("team-a", "ns", "errors");
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, Clock.systemUTC(), direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, Clock.systemUTC(), direct)) {
      leases1.renewNow();
      for (int m = 0; m <= 4; m++) {
        ruler1.evaluateAllAt(minute(m));
      }
      byte[] before = store.load(group).orElseThrow().content();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (leases2.heldTenants().isEmpty()) {
        assertThat(System.nanoTime()).as("ruler-2 takes team-a within 20 s").isLessThan(deadline);
        Thread.sleep(100);
        leases2.renewNow();
      }
      assertThat(leases1.evaluates("team-a")).as("the zombie's own view").isTrue();
      ruler1.evaluateAllAt(minute(5));
      assertThat(store.load(group).orElseThrow().content()).isEqualTo(before);
      assertThat(catalog.claimNotifications("observer", 10, Duration.ofMinutes(1))).isEmpty();

      ruler2.evaluateAllAt(minute(5));
      assertThat(onlyAlert(ruler2).state()).isEqualTo(AlertState.FIRING);
      assertThat(onlyAlert(ruler2).activeAt()).isEqualTo(T0);
      leases2.close();
    }
  }

  @Test
  void twoDispatchersDeliverEachNotificationOnce() throws Exception {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tenants.add("tenant-" + i);
    }
    RuleSource rules = RulerFixtures.rulesFor(() -> tenants, Duration.ZERO);
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", tenants, Duration.ofMinutes(1), Clock.systemUTC());
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", tenants, Duration.ofMinutes(1), Clock.systemUTC());
    RulerFixtures.Collecting receiver1 = new RulerFixtures.Collecting();
    RulerFixtures.Collecting receiver2 = new RulerFixtures.Collecting();
    List<OutboxDispatcher> dispatchers = List.of(new OutboxDispatcher(catalog, "ruler-1", receiver1, Duration.ofMinutes(1)),
        new OutboxDispatcher(catalog, "ruler-2", receiver2, Duration.ofMinutes(1)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, Clock.systemUTC(), direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, Clock.systemUTC(), direct)) {
      for (int round = 0; round < 3; round++) {
        leases1.renewNow();
        leases2.renewNow();
      }
      for (int m = 0; m < 3; m++) {
        // Three rounds: one send and two resends per tenant, 24 notifications.
        ruler1.evaluateAllAt(minute(m * 1.5));
        ruler2.evaluateAllAt(minute(m * 1.5));
      }
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<Integer>> results = new ArrayList<>();
      for (OutboxDispatcher dispatcher : dispatchers) {
        Callable<Integer> task = () -> {
          start.await(10, TimeUnit.SECONDS);
          int delivered = 0;
          for (int i = 0; i < 5; i++) {
            delivered += dispatcher.deliverNow();
          }
          return delivered;
        };
        results.add(pool.submit(task));
      }
      assertThat(results.get(0).get(60, TimeUnit.SECONDS) + results.get(1).get(60, TimeUnit.SECONDS)).isEqualTo(24);
      Map<String, Integer> byTenant = new HashMap<>();
      receiver1.delivered.forEach(delivered -> byTenant.merge(delivered.tenant(), 1, Integer::sum));
      receiver2.delivered.forEach(delivered -> byTenant.merge(delivered.tenant(), 1, Integer::sum));
      assertThat(byTenant.keySet()).containsExactlyInAnyOrderElementsOf(Set.copyOf(tenants));
      assertThat(byTenant.values()).containsOnly(3);
      leases1.close();
      leases2.close();
    } finally {
      pool.shutdownNow();
    }
  }
}

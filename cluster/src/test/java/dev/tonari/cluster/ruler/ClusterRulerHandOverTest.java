package dev.tonari.cluster.ruler;

import dev.tonari.store.engine.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.cluster.catalog.Notification;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.eval.GroupKey;
import dev.tonari.rules.eval.RuleViews;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.model.RuleSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real rulers ({@link Ruler}) over the in-memory catalog with a clock the test moves: a tenant's
 * alerts move with it between rulers, a zombie writes and sends nothing, and the outbox delivers
 * every notification once.
 */
class ClusterRulerHandOverTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  private static final List<String> TEAM_A = List.of("team-a");
  private static final GroupKey GROUP = new GroupKey("team-a", "ns", "errors");

  private static Instant minute(double minutes) {
    return T0.plusMillis((long) (minutes * 60_000));
  }

  /** Moves the clock to {@code target} in steps of 10 s (a third of the ttl, as {@link RulerLeases#start} does), the live rulers renewing at each. */
  private static void runUntil(MutableClock clock, Instant target, RulerLeases... alive) {
    do {
      long step = Math.min(10_000, target.toEpochMilli() - clock.millis());
      if (step > 0) {
        clock.advance(Duration.ofMillis(step));
      }
      for (RulerLeases leases : alive) {
        leases.renewNow();
      }
    } while (clock.millis() < target.toEpochMilli());
  }

  private static RuleViews.Alert onlyAlert(Ruler ruler) {
    List<RuleViews.Alert> alerts = ruler.alerts("team-a");
    assertThat(alerts).hasSize(1);
    return alerts.get(0);
  }

  @Test
  void aPendingAlertKeepsItsActiveAtAcrossAHandOverAndFiresOnce() throws Exception {
    MutableClock clock = new MutableClock(T0);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    RuleSource rules = RulerFixtures.rulesFor(() -> TEAM_A, Duration.ofMinutes(5));
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    RulerFixtures.Collecting receiver = new RulerFixtures.Collecting();
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", TEAM_A, TTL, clock);
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", TEAM_A, TTL, clock);
    RulerLeases leases3 = RulerFixtures.leases(catalog, "ruler-3", TEAM_A, TTL, clock);
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, clock, direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, clock, direct);
        Ruler ruler3 = RulerFixtures.ruler(catalog, leases3, rules, clock, direct)) {
      OutboxDispatcher dispatcher = new OutboxDispatcher(catalog, "ruler-2", receiver, Duration.ofMinutes(1));
      for (int m = 0; m <= 2; m++) {
        runUntil(clock, minute(m), leases1, leases2);
        ruler1.evaluateAllAt(minute(m));
        ruler2.evaluateAllAt(minute(m));
        assertThat(ruler2.alerts("team-a")).as("ruler-2 does not evaluate team-a").isEmpty();
      }
      assertThat(onlyAlert(ruler1).state()).isEqualTo(AlertState.PENDING);
      assertThat(onlyAlert(ruler1).activeAt()).isEqualTo(T0);

      // ruler-1 dies right after minute 2 (no release); ruler-2 takes team-a once the lease ran out.
      assertThat(leases1.tenure("team-a")).as("one tenure while it held the tenant").isEqualTo(1);
      runUntil(clock, minute(2.4), leases2);
      assertThat(leases2.heldTenants()).as("before the ttl").isEmpty();
      runUntil(clock, minute(2.6), leases2);
      assertThat(leases2.heldTenants()).containsExactly("team-a");
      long tenure = leases2.tenure("team-a");
      for (int m = 3; m <= 4; m++) {
        runUntil(clock, minute(m), leases2);
        ruler2.evaluateAllAt(minute(m));
        assertThat(onlyAlert(ruler2).state()).as("minute " + m).isEqualTo(AlertState.PENDING);
        assertThat(onlyAlert(ruler2).activeAt()).as("the for: timer kept its start").isEqualTo(T0);
        assertThat(dispatcher.deliverNow()).isZero();
      }
      runUntil(clock, minute(5), leases2);
      assertThat(leases2.tenure("team-a")).isEqualTo(tenure);
      ruler2.evaluateAllAt(minute(5));
      assertThat(onlyAlert(ruler2).state()).as("fires 5 minutes after T0, not after the hand-over").isEqualTo(AlertState.FIRING);
      assertThat(dispatcher.deliverNow()).isEqualTo(1);
      assertThat(receiver.delivered).hasSize(1);
      assertThat(receiver.delivered.get(0).tenant()).isEqualTo("team-a");
      assertThat(receiver.delivered.get(0).alert().startsAt()).isEqualTo(minute(5));
      assertThat(receiver.delivered.get(0).alert().labels()).containsEntry("alertname", "HighErrors").containsEntry("service", "api");

      // ruler-2 dies too; ruler-3 takes over within the resend delay: it neither sends again nor resets anything.
      runUntil(clock, minute(5.6), leases3);
      assertThat(leases3.heldTenants()).containsExactly("team-a");
      ruler3.evaluateAllAt(minute(5.75));
      assertThat(onlyAlert(ruler3).state()).isEqualTo(AlertState.FIRING);
      assertThat(onlyAlert(ruler3).activeAt()).isEqualTo(T0);
      assertThat(dispatcher.deliverNow()).as("no second page on a hand-over").isZero();
      // Past the resend delay after the first send, the alert is sent again as Prometheus does, same startsAt.
      runUntil(clock, minute(6.1), leases3);
      ruler3.evaluateAllAt(minute(6.1));
      assertThat(dispatcher.deliverNow()).isEqualTo(1);
      assertThat(receiver.delivered).extracting(delivered -> delivered.alert().startsAt()).containsExactly(minute(5), minute(5));
      assertThat(direct.directAlerts).as("alerts go through the outbox only").isEmpty();
    }
  }

  @Test
  void aZombieThatStillBelievesItHoldsTheTenantWritesAndSendsNothing() throws Exception {
    MutableClock clock = new MutableClock(T0);
    // ruler-1 is paused between its check and its write: its own clock stands still at minute 4.
    MutableClock pausedView = new MutableClock(T0);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    RuleSource rules = RulerFixtures.rulesFor(() -> TEAM_A, Duration.ofMinutes(5));
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", TEAM_A, TTL, pausedView);
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", TEAM_A, TTL, clock);
    CatalogAlertStateStore store = new CatalogAlertStateStore(catalog, leases1);
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, pausedView, direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, clock, direct)) {
      for (int m = 0; m <= 4; m++) {
        while (clock.millis() < minute(m).toEpochMilli() || m == 0 && leases1.heldTenants().isEmpty()) {
          clock.set(Instant.ofEpochMilli(Math.min(clock.millis() + 10_000, minute(m).toEpochMilli())));
          pausedView.set(clock.instant());
          leases1.renewNow();
        }
        ruler1.evaluateAllAt(minute(m));
      }
      assertThat(leases1.tenure("team-a")).isEqualTo(1);
      byte[] before = store.load(GROUP).orElseThrow().content();

      clock.set(minute(4.6));
      leases2.renewNow();
      assertThat(leases2.heldTenants()).containsExactly("team-a");
      assertThat(leases1.evaluates("team-a")).as("the zombie's own view").isTrue();
      // The zombie wakes and evaluates minute 5: its alert would fire now.
      ruler1.evaluateAllAt(minute(5));
      assertThat(catalog.claimNotifications("observer", 10, Duration.ofMillis(1))).as("no notification from the zombie").isEmpty();
      assertThat(store.load(GROUP).orElseThrow().content()).as("its state was refused").isEqualTo(before);
      assertThat(direct.directAlerts).isEmpty();

      // The new holder goes on from the last state the zombie wrote while it held the lease.
      clock.set(minute(5));
      leases2.renewNow();
      ruler2.evaluateAllAt(minute(5));
      assertThat(onlyAlert(ruler2).state()).isEqualTo(AlertState.FIRING);
      assertThat(onlyAlert(ruler2).activeAt()).isEqualTo(T0);
      clock.advance(Duration.ofMillis(2)); // past the observer's claim
      assertThat(catalog.claimNotifications("observer", 10, Duration.ofMinutes(1))).hasSize(1);
      // And at its next round the zombie learns that it lost the tenant.
      leases1.renewNow();
      assertThat(leases1.generation("team-a")).isEmpty();
    }
  }

  @Test
  void aRulerThatLostAndRegainedATenantReadsItsStateAgainInsteadOfGoingOnFromMemory() throws Exception {
    MutableClock clock = new MutableClock(T0);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    RuleSource rules = RulerFixtures.rulesFor(() -> TEAM_A, Duration.ofMinutes(5));
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", TEAM_A, TTL, clock);
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", TEAM_A, TTL, clock);
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, clock, direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, clock, direct)) {
      for (int m = 0; m <= 4; m++) {
        runUntil(clock, minute(m), leases1);
        ruler1.evaluateAllAt(minute(m));
      }
      long firstTenure = leases1.tenure("team-a");
      assertThat(firstTenure).isEqualTo(1);
      // ruler-1 pauses; ruler-2 takes team-a and fires the alert at minute 5, then dies.
      clock.set(minute(4.6));
      leases2.renewNow();
      clock.set(minute(5));
      leases2.renewNow();
      ruler2.evaluateAllAt(minute(5));
      assertThat(onlyAlert(ruler2).state()).isEqualTo(AlertState.FIRING);
      // ruler-1 wakes: in one round it finds its lease gone and takes the tenant again, a new tenure.
      clock.set(minute(5.6));
      leases1.renewNow();
      assertThat(leases1.heldTenants()).containsExactly("team-a");
      assertThat(leases1.tenure("team-a")).isGreaterThan(firstTenure);
      ruler1.evaluateAllAt(minute(5.75));
      // Its memory said "pending since T0" and would page now; the stored state says "sent at minute 5".
      assertThat(onlyAlert(ruler1).state()).isEqualTo(AlertState.FIRING);
      assertThat(catalog.claimNotifications("observer", 10, Duration.ofMinutes(1))).as("one page, ruler-2's").hasSize(1);
      // And it goes on in its new tenure: the resend a resend delay after ruler-2's page is written and queued.
      runUntil(clock, minute(6.1), leases1);
      ruler1.evaluateAllAt(minute(6.1));
      clock.advance(Duration.ofMinutes(1));
      assertThat(catalog.claimNotifications("observer", 10, Duration.ofMinutes(1))).as("ruler-2's again (claim expired) and ruler-1's resend")
          .extracting(Notification::attempts).containsExactly(2, 1);
    }
  }

  @Test
  void everyNotificationIsDeliveredOnceByTwoRulersDispatchers() throws Exception {
    MutableClock clock = new MutableClock(T0);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tenants.add("tenant-" + i);
    }
    RuleSource rules = RulerFixtures.rulesFor(() -> tenants, Duration.ZERO);
    RulerFixtures.Discard direct = new RulerFixtures.Discard();
    RulerLeases leases1 = RulerFixtures.leases(catalog, "ruler-1", tenants, TTL, clock);
    RulerLeases leases2 = RulerFixtures.leases(catalog, "ruler-2", tenants, TTL, clock);
    RulerFixtures.Collecting receiver1 = new RulerFixtures.Collecting();
    RulerFixtures.Collecting receiver2 = new RulerFixtures.Collecting();
    OutboxDispatcher dispatcher1 = new OutboxDispatcher(catalog, "ruler-1", receiver1, Duration.ofMinutes(1));
    OutboxDispatcher dispatcher2 = new OutboxDispatcher(catalog, "ruler-2", receiver2, Duration.ofMinutes(1));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Ruler ruler1 = RulerFixtures.ruler(catalog, leases1, rules, clock, direct);
        Ruler ruler2 = RulerFixtures.ruler(catalog, leases2, rules, clock, direct)) {
      for (int round = 0; round < 3; round++) {
        leases1.renewNow();
        leases2.renewNow();
      }
      assertThat(leases1.heldTenants()).hasSize(6);
      assertThat(leases2.heldTenants()).hasSize(6);
      ruler1.evaluateAllAt(T0);
      ruler2.evaluateAllAt(T0);
      // Both dispatchers at once, several times over: each notification reaches one receiver once.
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<Integer>> results = new ArrayList<>();
      for (OutboxDispatcher dispatcher : List.of(dispatcher1, dispatcher2)) {
        Callable<Integer> task = () -> {
          start.await(10, TimeUnit.SECONDS);
          int delivered = 0;
          for (int i = 0; i < 3; i++) {
            delivered += dispatcher.deliverNow();
          }
          return delivered;
        };
        results.add(pool.submit(task));
      }
      int total = results.get(0).get(30, TimeUnit.SECONDS) + results.get(1).get(30, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(12);
      Map<String, Integer> byTenant = new HashMap<>();
      receiver1.delivered.forEach(delivered -> byTenant.merge(delivered.tenant(), 1, Integer::sum));
      receiver2.delivered.forEach(delivered -> byTenant.merge(delivered.tenant(), 1, Integer::sum));
      assertThat(byTenant.keySet()).containsExactlyInAnyOrderElementsOf(tenants);
      assertThat(byTenant.values()).containsOnly(1);

      // A dispatcher that claims and dies: its notification waits for the claim, then another delivers it.
      clock.advance(Duration.ofSeconds(20));
      leases1.renewNow();
      leases2.renewNow();
      clock.advance(Duration.ofSeconds(20));
      leases1.renewNow();
      leases2.renewNow();
      clock.advance(Duration.ofSeconds(21));
      leases1.renewNow();
      leases2.renewNow();
      assertThat(leases1.heldTenants()).hasSize(6);
      ruler1.evaluateAllAt(T0.plusSeconds(61)); // the resend of ruler-1's six firing alerts
      List<Notification> claimedByTheDead = catalog.claimNotifications("ruler-dead", 100, Duration.ofSeconds(20));
      assertThat(claimedByTheDead).hasSize(6);
      assertThat(dispatcher2.deliverNow()).isZero();
      clock.advance(Duration.ofSeconds(21));
      assertThat(dispatcher2.deliverNow()).isEqualTo(6);
      assertThat(dispatcher1.deliverNow()).isZero();
      assertThat(direct.directAlerts).isEmpty();
      assertThat(dispatcher1.malformed() + dispatcher2.malformed()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aMalformedNotificationIsDroppedWithItsCountAndNeverRetried() {
    MutableClock clock = new MutableClock(T0);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    catalog.enqueueNotification("team-a", OutboxDispatcher.RECEIVER, "{\"alerts\":[{\"labels\":{}}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    RulerFixtures.Collecting receiver = new RulerFixtures.Collecting();
    OutboxDispatcher dispatcher = new OutboxDispatcher(catalog, "ruler-1", receiver, Duration.ofSeconds(1));
    assertThat(dispatcher.deliverNow()).isEqualTo(1);
    assertThat(dispatcher.malformed()).isEqualTo(1);
    assertThat(receiver.delivered).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertThat(dispatcher.deliverNow()).isZero();
    assertThat(Optional.of(catalog.claimNotifications("other", 10, Duration.ofSeconds(1)))).contains(List.of());
  }
}

package dev.tonari.cluster.ruler;

import dev.tonari.store.engine.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.cluster.catalog.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The leases on the in-memory catalog with a clock the test moves: shares, take-over after the ttl, loss, release. */
class RulerLeasesTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Instant START = Instant.parse("2026-12-07T06:00:00Z");

  private static List<String> tenants(int count) {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tenants.add("tenant-" + i);
    }
    return tenants;
  }

  /** Rounds of every ruler in turn, one second apart, until nothing moves (bounded). */
  private static void settle(MutableClock clock, List<RulerLeases> rulers) {
    Map<String, Set<String>> before = null;
    for (int round = 0; round < 20; round++) {
      for (RulerLeases ruler : rulers) {
        ruler.renewNow();
        clock.advance(Duration.ofSeconds(1));
      }
      Map<String, Set<String>> now = new HashMap<>();
      rulers.forEach(ruler -> now.put(ruler.memberId(), ruler.heldTenants()));
      if (now.equals(before)) {
        return;
      }
      before = now;
    }
    throw new AssertionError("the leases did not settle in 20 rounds: " + before);
  }

  private static void assertFair(String context, InMemoryClusterCatalog catalog, List<RulerLeases> rulers, List<String> tenants) {
    int share = tenants.isEmpty() ? 0 : (tenants.size() + rulers.size() - 1) / rulers.size();
    Map<String, String> owner = new HashMap<>();
    for (RulerLeases ruler : rulers) {
      assertThat(ruler.heldTenants().size()).as(context + ": " + ruler.memberId() + " holds at most the share " + share).isLessThanOrEqualTo(share);
      for (String tenant : ruler.heldTenants()) {
        assertThat(owner.put(tenant, ruler.memberId())).as(context + ": " + tenant + " evaluated twice").isNull();
        assertThat(catalog.lease(CatalogKeys.lease(tenant)).map(Lease::holder)).as(context + ": the catalog's holder of " + tenant)
            .contains(ruler.memberId());
      }
    }
    assertThat(new TreeSet<>(owner.keySet())).as(context + ": every tenant evaluated").isEqualTo(new TreeSet<>(tenants));
  }

  @Test
  void oneToFourRulersShareSeededTenantsFairlyAndEachTenantHasOneRuler() {
    for (long seed = 1; seed <= 12; seed++) {
      Random random = new Random(seed);
      List<String> tenants = tenants(random.nextInt(41));
      MutableClock clock = new MutableClock(START);
      InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
      List<RulerLeases> rulers = new ArrayList<>();
      // Rulers join one by one; after each join the shares are fair again.
      for (int count = 1; count <= 4; count++) {
        rulers.add(RulerFixtures.leases(catalog, "ruler-" + seed + "-" + count, tenants, TTL, clock));
        settle(clock, rulers);
        assertFair("seed " + seed + ", " + tenants.size() + " tenants, " + count + " rulers", catalog, rulers, tenants);
      }
      // And as they leave cleanly.
      while (rulers.size() > 1) {
        rulers.remove(random.nextInt(rulers.size())).close();
        settle(clock, rulers);
        assertFair("seed " + seed + ", " + tenants.size() + " tenants, down to " + rulers.size() + " rulers", catalog, rulers, tenants);
      }
    }
  }

  @Test
  void aDeadRulersTenantsAreTakenOnlyAfterTheTtlWithANewGeneration() {
    MutableClock clock = new MutableClock(START);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    List<String> tenants = tenants(6);
    RulerLeases first = RulerFixtures.leases(catalog, "ruler-1", tenants, TTL, clock);
    RulerLeases second = RulerFixtures.leases(catalog, "ruler-2", tenants, TTL, clock);
    settle(clock, List.of(first, second));
    Set<String> ofFirst = first.heldTenants();
    assertThat(ofFirst).hasSize(3);
    Map<String, Long> generations = first.generations();

    // ruler-1 stops (killed: no release) 2 s after its last renewal (settle's last round). A second
    // short of the ttl, nothing moves.
    clock.advance(TTL.minusSeconds(3));
    assertThat(ofFirst).allMatch(first::evaluates);
    second.renewNow();
    assertThat(second.heldTenants()).doesNotContainAnyElementsOf(ofFirst);
    clock.advance(Duration.ofSeconds(1));
    // Its own view runs out no later than the catalog's lease: it stopped before anyone can take over.
    assertThat(ofFirst).noneMatch(first::evaluates);
    second.renewNow();
    assertThat(second.heldTenants()).containsExactlyInAnyOrderElementsOf(tenants);
    for (String tenant : ofFirst) {
      assertThat(second.generation(tenant).getAsLong()).as(tenant).isGreaterThan(generations.get(tenant));
      assertThat(first.holderOf(tenant)).as("any ruler can tell who holds " + tenant).contains("ruler-2");
    }

    // ruler-1 comes back (it was paused): its first round finds the leases gone and drops them.
    first.renewNow();
    assertThat(first.generations().keySet()).doesNotContainAnyElementsOf(ofFirst);
    settle(clock, List.of(first, second));
    assertFair("after ruler-1 came back", catalog, List.of(first, second), tenants);
  }

  @Test
  void evaluatesTurnsFalseWhenTheCatalogCannotBeReachedForATtl() {
    MutableClock clock = new MutableClock(START);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    RulerLeases ruler = RulerFixtures.leases(catalog, "ruler-1", List.of("team-a"), TTL, clock);
    ruler.renewNow();
    assertThat(ruler.evaluates("team-a")).isTrue();
    assertThat(ruler.evaluates("team-b")).isFalse();
    clock.advance(TTL.minusMillis(1));
    assertThat(ruler.evaluates("team-a")).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(ruler.evaluates("team-a")).as("no renewal for a ttl").isFalse();
    // The generation stays known, so a late write is refused by the catalog rather than not attempted.
    assertThat(ruler.generation("team-a")).isPresent();
  }

  @Test
  void aTenantWithoutRulesIsGivenUpAndListenersHearOfChanges() {
    MutableClock clock = new MutableClock(START);
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog(clock);
    List<String> tenants = new ArrayList<>(List.of("team-a", "team-b"));
    RulerLeases ruler = new RulerLeases(catalog, RulerFixtures.member("ruler-1"), () -> List.copyOf(tenants), TTL, clock);
    AtomicInteger changes = new AtomicInteger();
    ruler.addChangeListener(changes::incrementAndGet);
    ruler.renewNow();
    assertThat(changes).hasValue(1);
    ruler.renewNow();
    assertThat(changes).as("a renewal changes nothing").hasValue(1);
    tenants.remove("team-b");
    ruler.renewNow();
    assertThat(changes).hasValue(2);
    assertThat(ruler.heldTenants()).containsExactly("team-a");
    assertThat(catalog.lease(CatalogKeys.lease("team-b"))).isEmpty();
    ruler.close();
    assertThat(catalog.lease(CatalogKeys.lease("team-a"))).as("released at close").isEmpty();
    assertThat(catalog.liveMembers(RulerLeases.ROLE)).isEmpty();
    assertThat(ruler.evaluates("team-a")).isFalse();
  }

  @Test
  void preferencesSpreadTenantsAcrossRulers() {
    // Rendezvous hashing: each of four rulers is the favourite of about a quarter of 400 tenants.
    Map<String, Integer> favourites = new HashMap<>();
    for (String tenant : tenants(400)) {
      String best = null;
      long bestScore = Long.MIN_VALUE;
      for (int ruler = 1; ruler <= 4; ruler++) {
        long score = RulerLeases.preference("ruler-" + ruler, tenant);
        if (best == null || score > bestScore) {
          best = "ruler-" + ruler;
          bestScore = score;
        }
      }
      favourites.merge(best, 1, Integer::sum);
    }
    assertThat(favourites).hasSize(4);
    assertThat(favourites.values()).allSatisfy(count -> assertThat(count).isBetween(60, 140));
  }
}

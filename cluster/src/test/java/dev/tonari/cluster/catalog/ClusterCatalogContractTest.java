package dev.tonari.cluster.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ClusterCatalog} must do, run against the in-memory reference and PostgreSQL.
 * Expiry is tested only in the direction time cannot break: a short ttl, then {@link #elapse}
 * well past it (a real sleep for PostgreSQL, a moved clock in the heap); "still live" is checked
 * with ttls of minutes.
 */
abstract class ClusterCatalogContractTest {
  static final String TOPIC = "tonari-push";
  static final Duration LONG = Duration.ofMinutes(5);
  static final Duration SHORT = Duration.ofMillis(300);

  ClusterCatalog catalog;

  /** A fresh, empty catalog for one test. */
  abstract ClusterCatalog newCatalog() throws Exception;

  /** Lets at least {@code duration} pass on the catalog's clock. */
  abstract void elapse(Duration duration) throws InterruptedException;

  @BeforeEach
  void openCatalog() throws Exception {
    catalog = newCatalog();
  }

  @AfterEach
  void closeCatalog() {
    if (catalog != null) {
      catalog.close();
    }
  }

  static CatalogPart part(String key, String tenant, long minNanos, long maxNanos, int partition, long firstOffset, long lastOffset) {
    return new CatalogPart(key, tenant, minNanos, maxNanos, lastOffset - firstOffset + 1, 1000 + key.length(), partition, firstOffset, lastOffset);
  }

  static CatalogPart part(String key) {
    return part(key, "team-a", 100, 200, 0, 0, 9);
  }

  static OffsetCommit offset(int partition, long expected, long next, String member) {
    return new OffsetCommit(TOPIC, partition, expected, next, member);
  }

  // ---- parts and offsets ----

  @Test
  void partSequenceGrowsAndIsUniqueAcrossThreads() throws Exception {
    long first = catalog.nextPartSequence();
    assertThat(catalog.nextPartSequence()).isGreaterThan(first);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        futures.add(pool.submit(() -> {
          List<Long> taken = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            taken.add(catalog.nextPartSequence());
          }
          return taken;
        }));
      }
      Set<Long> all = new HashSet<>();
      for (Future<List<Long>> future : futures) {
        all.addAll(future.get(60, TimeUnit.SECONDS));
      }
      assertThat(all).hasSize(200).allMatch(value -> value > first);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void commitRegistersPartsAndMovesOffsetsAndTheRevision() {
    assertThat(catalog.liveParts()).isEmpty();
    assertThat(catalog.committedOffsets(TOPIC)).isEmpty();
    long revision = catalog.partsRevision();
    catalog.commit(List.of(part("p-2", "team-a", 10, 20, 0, 0, 9), part("p-1", "team-b", 5, 6, 1, 0, 4)), List.of(),
        List.of(offset(0, -1, 10, "ingester-1"), offset(1, -1, 5, "ingester-1")));
    assertThat(catalog.liveParts()).extracting(CatalogPart::key).containsExactly("p-1", "p-2");
    assertThat(catalog.liveParts().get(1)).isEqualTo(part("p-2", "team-a", 10, 20, 0, 0, 9));
    assertThat(catalog.committedOffsets(TOPIC)).containsExactly(Map.entry(0, 10L), Map.entry(1, 5L));
    assertThat(catalog.committedOffsets("other-topic")).isEmpty();
    long afterParts = catalog.partsRevision();
    assertThat(afterParts).isGreaterThan(revision);

    // Offsets alone (records that made no part yet) do not change the parts' revision.
    catalog.commit(List.of(), List.of(), List.of(offset(0, 10, 15, "ingester-1")));
    assertThat(catalog.partsRevision()).isEqualTo(afterParts);
    assertThat(catalog.committedOffsets(TOPIC)).containsEntry(0, 15L);

    // A merge: parts without offsets, replacing two.
    catalog.commit(List.of(part("m-1", "team-a", 5, 20, -1, -1, -1)), List.of("p-1", "p-2"), List.of());
    assertThat(catalog.liveParts()).extracting(CatalogPart::key).containsExactly("m-1");
    assertThat(catalog.partsRevision()).isGreaterThan(afterParts);
  }

  @Test
  void aFencedCommitChangesNothing() {
    catalog.commit(List.of(part("p-1")), List.of(), List.of(offset(0, -1, 10, "ingester-1")));
    long revision = catalog.partsRevision();
    // ingester-2 took partition 0 over and thinks it starts at 5; partition 1 would have been fine.
    assertThatThrownBy(() -> catalog.commit(List.of(part("p-2")), List.of("p-1"), List.of(offset(1, -1, 3, "ingester-2"), offset(0, 5, 12, "ingester-2"))))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("partition 0 of topic " + TOPIC + " is at offset 10, not 5")
        .hasMessageContaining("ingester-2");
    assertThat(catalog.liveParts()).extracting(CatalogPart::key).containsExactly("p-1");
    assertThat(catalog.committedOffsets(TOPIC)).containsExactly(Map.entry(0, 10L));
    assertThat(catalog.partsRevision()).isEqualTo(revision);
    // A partition never committed must be expected at -1.
    assertThatThrownBy(() -> catalog.commit(List.of(), List.of(), List.of(offset(7, 0, 3, "ingester-2"))))
        .isInstanceOf(FencedException.class).hasMessageContaining("is at offset -1, not 0");
  }

  @Test
  void aRetriedCommitThatHadSucceededIsANoOpButNotForAnotherMember() {
    List<CatalogPart> added = List.of(part("p-1"));
    List<OffsetCommit> offsets = List.of(offset(0, -1, 10, "ingester-1"));
    catalog.commit(added, List.of(), offsets);
    long revision = catalog.partsRevision();
    catalog.commit(added, List.of(), offsets);
    assertThat(catalog.liveParts()).containsExactly(part("p-1"));
    assertThat(catalog.partsRevision()).isEqualTo(revision);
    assertThatThrownBy(() -> catalog.commit(added, List.of(), List.of(offset(0, -1, 10, "ingester-2")))).isInstanceOf(FencedException.class);
    assertThatThrownBy(() -> catalog.commit(List.of(part("p-other")), List.of(), offsets)).isInstanceOf(FencedException.class);
  }

  @Test
  void badCommitsAreRefusedAndChangeNothing() {
    catalog.commit(List.of(part("p-1")), List.of(), List.of(offset(0, -1, 10, "ingester-1")));
    long revision = catalog.partsRevision();
    assertThatThrownBy(() -> catalog.commit(List.of(part("p-1")), List.of(), List.of(offset(0, 10, 11, "ingester-1"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("part p-1 is already registered");
    assertThatThrownBy(() -> catalog.commit(List.of(part("p-2")), List.of("p-9"), List.of(offset(0, 10, 11, "ingester-1"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("part p-9 is not live");
    assertThatThrownBy(() -> catalog.commit(List.of(part("p-3"), part("p-3")), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p-3 is added twice");
    assertThatThrownBy(() -> catalog.commit(List.of(), List.of(), List.of(offset(0, 10, 11, "a"), offset(0, 10, 12, "a"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("committed twice");
    assertThatThrownBy(() -> offset(0, 10, 9, "a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 -> 9");
    assertThat(catalog.liveParts()).containsExactly(part("p-1"));
    assertThat(catalog.committedOffsets(TOPIC)).containsExactly(Map.entry(0, 10L));
    assertThat(catalog.partsRevision()).isEqualTo(revision);
  }

  @Test
  void livePartsOfATenantOverlapTheHalfOpenRange() {
    catalog.commit(List.of(part("a-1", "team-a", 100, 200, 0, 0, 1), part("a-2", "team-a", 300, 400, 0, 2, 3), part("b-1", "team-b", 100, 400, 1, 0, 1)),
        List.of(), List.of());
    assertThat(catalog.liveParts("team-a", 0, 1000)).extracting(CatalogPart::key).containsExactly("a-1", "a-2");
    assertThat(catalog.liveParts("team-a", 200, 300)).extracting(CatalogPart::key).containsExactly("a-1"); // max 200 >= from 200; min 300 not < 300
    assertThat(catalog.liveParts("team-a", 201, 301)).extracting(CatalogPart::key).containsExactly("a-2");
    assertThat(catalog.liveParts("team-a", 0, 100)).isEmpty();
    assertThat(catalog.liveParts("team-c", 0, Long.MAX_VALUE)).isEmpty();
    catalog.commit(List.of(), List.of("a-1"), List.of());
    assertThat(catalog.liveParts("team-a", 0, 1000)).extracting(CatalogPart::key).containsExactly("a-2");
  }

  @Test
  void deletedPartsWaitForTheCompactorThenAreForgotten() throws Exception {
    catalog.commit(List.of(part("p-1"), part("p-2")), List.of(), List.of());
    assertThat(catalog.deletedPartsBefore(Long.MAX_VALUE)).isEmpty();
    catalog.commit(List.of(part("m-1")), List.of("p-1", "p-2"), List.of());
    assertThat(catalog.deletedPartsBefore(0)).isEmpty();
    elapse(Duration.ofMillis(20));
    long later = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
    assertThat(catalog.deletedPartsBefore(later)).containsExactly("p-1", "p-2");
    // A deleted key stays registered: it cannot come back until forgotten.
    assertThatThrownBy(() -> catalog.commit(List.of(part("p-1")), List.of(), List.of())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> catalog.commit(List.of(), List.of("p-1"), List.of())).isInstanceOf(IllegalStateException.class);
    catalog.forgetDeletedParts(List.of("p-1", "m-1"));
    assertThat(catalog.deletedPartsBefore(later)).containsExactly("p-2");
    assertThat(catalog.liveParts()).extracting(CatalogPart::key).containsExactly("m-1"); // forgetting never touches a live part
    catalog.forgetDeletedParts(List.of());
  }

  @Test
  void ofTwoConcurrentCommittersOfOnePartitionExactlyOneWins() throws Exception {
    catalog.commit(List.of(), List.of(), List.of(offset(3, -1, 0, "ingester-0")));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        long expected = catalog.committedOffsets(TOPIC).get(3);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int contender = 0; contender < 2; contender++) {
          String member = "ingester-" + (contender + 1);
          CatalogPart part = part("r" + round + "-" + member, "team-a", 1, 2, 3, expected, expected + 9);
          results.add(pool.submit(() -> {
            start.await(30, TimeUnit.SECONDS);
            try {
              catalog.commit(List.of(part), List.of(), List.of(offset(3, expected, expected + 10, member)));
              return true;
            } catch (FencedException e) {
              return false;
            }
          }));
        }
        int winners = 0;
        for (Future<Boolean> result : results) {
          winners += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("winners of round %d", round).isEqualTo(1);
        assertThat(catalog.committedOffsets(TOPIC)).containsEntry(3, expected + 10);
        String prefix = "r" + round + "-";
        assertThat(catalog.liveParts()).filteredOn(part -> part.key().startsWith(prefix)).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void committersRacingInALoopNeverLoseOrDoubleAnOffsetRange() throws Exception {
    int threads = 4;
    int attemptsEach = 15;
    AtomicInteger wins = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int thread = 0; thread < threads; thread++) {
        String member = "ingester-" + thread;
        futures.add(pool.submit((Callable<Void>) () -> {
          for (int attempt = 0; attempt < attemptsEach; attempt++) {
            long expected = catalog.committedOffsets(TOPIC).getOrDefault(0, -1L);
            long first = expected < 0 ? 0 : expected;
            try {
              catalog.commit(List.of(part(member + "-" + attempt, "team-a", 1, 2, 0, first, first + 4)), List.of(),
                  List.of(offset(0, expected, first + 5, member)));
              wins.incrementAndGet();
            } catch (FencedException e) {
              // Another thread got there first: read the offset again.
            }
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<CatalogPart> parts = new ArrayList<>(catalog.liveParts());
    parts.sort((left, right) -> Long.compare(left.firstOffset(), right.firstOffset()));
    assertThat(parts).hasSize(wins.get());
    for (int i = 0; i < parts.size(); i++) {
      assertThat(parts.get(i).firstOffset()).as("part %d", i).isEqualTo(5L * i);
    }
    assertThat(catalog.committedOffsets(TOPIC)).containsEntry(0, 5L * wins.get());
  }

  // ---- membership ----

  @Test
  void membersAreLiveUntilTheyLeaveOrFallSilent() throws Exception {
    catalog.heartbeat(new Member("ingester-2", "ingester", "10.0.0.2:3100", List.of(5, 1, 3), false), LONG);
    catalog.heartbeat(new Member("ingester-1", "ingester", "10.0.0.1:3100", List.of(), true), LONG);
    catalog.heartbeat(new Member("querier-1", "querier", "10.0.0.9:3100", List.of(), true), LONG);
    assertThat(catalog.liveMembers("ingester")).containsExactly(new Member("ingester-1", "ingester", "10.0.0.1:3100", List.of(), true),
        new Member("ingester-2", "ingester", "10.0.0.2:3100", List.of(5, 1, 3), false));
    catalog.heartbeat(new Member("ingester-2", "ingester", "10.0.0.2:3100", List.of(5), true), LONG);
    assertThat(catalog.liveMembers("ingester")).element(1).isEqualTo(new Member("ingester-2", "ingester", "10.0.0.2:3100", List.of(5), true));
    catalog.leave("ingester-1");
    catalog.leave("never-joined");
    assertThat(catalog.liveMembers("ingester")).extracting(Member::id).containsExactly("ingester-2");
    catalog.heartbeat(new Member("ingester-2", "ingester", "10.0.0.2:3100", List.of(5), true), SHORT);
    elapse(SHORT.multipliedBy(2));
    assertThat(catalog.liveMembers("ingester")).isEmpty();
    assertThat(catalog.liveMembers("querier")).extracting(Member::id).containsExactly("querier-1");
    // A silent member that comes back is live again.
    catalog.heartbeat(new Member("ingester-2", "ingester", "10.0.0.2:3100", List.of(), false), LONG);
    assertThat(catalog.liveMembers("ingester")).extracting(Member::id).containsExactly("ingester-2");
    assertThatThrownBy(() -> catalog.heartbeat(new Member("x", "ingester", "a:1", List.of(), true), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- leases ----

  @Test
  void aLeaseHasOneHolderAndItsGenerationGrowsOnEveryChangeOfHolder() throws Exception {
    Lease first = catalog.tryAcquire("ruler", "ruler-1", LONG).orElseThrow();
    assertThat(first.holder()).isEqualTo("ruler-1");
    assertThat(first.generation()).isEqualTo(1);
    assertThat(catalog.tryAcquire("ruler", "ruler-2", LONG)).isEmpty();
    Lease renewed = catalog.tryAcquire("ruler", "ruler-1", LONG).orElseThrow();
    assertThat(renewed.generation()).isEqualTo(1);
    assertThat(renewed.expiresAtMillis()).isGreaterThanOrEqualTo(first.expiresAtMillis());
    assertThat(catalog.lease("ruler")).contains(renewed);
    assertThat(catalog.lease("compactor")).isEmpty();

    catalog.release("ruler", "ruler-2"); // not the holder: nothing happens
    assertThat(catalog.lease("ruler").map(Lease::holder)).contains("ruler-1");
    catalog.release("ruler", "ruler-1");
    assertThat(catalog.lease("ruler")).isEmpty();
    Lease second = catalog.tryAcquire("ruler", "ruler-2", SHORT).orElseThrow();
    assertThat(second.generation()).isEqualTo(2);

    elapse(SHORT.multipliedBy(2));
    assertThat(catalog.lease("ruler")).isEmpty();
    Lease third = catalog.tryAcquire("ruler", "ruler-1", LONG).orElseThrow();
    assertThat(third.generation()).isEqualTo(3);
    // The same holder coming back after its lease expired is a new tenure too.
    catalog.release("ruler", "ruler-1");
    assertThat(catalog.tryAcquire("ruler", "ruler-1", LONG).orElseThrow().generation()).isEqualTo(4);
    assertThatThrownBy(() -> catalog.tryAcquire("ruler", "", LONG)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofConcurrentAcquirersExactlyOneGetsTheLease() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier start = new CyclicBarrier(4);
      List<Future<Optional<Lease>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String holder = "compactor-" + i;
        results.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return catalog.tryAcquire("compactor", holder, LONG);
        }));
      }
      List<Lease> granted = new ArrayList<>();
      for (Future<Optional<Lease>> result : results) {
        result.get(60, TimeUnit.SECONDS).ifPresent(granted::add);
      }
      assertThat(granted).hasSize(1);
      assertThat(granted.get(0).generation()).isEqualTo(1);
      assertThat(catalog.lease("compactor")).contains(granted.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- ruler state ----

  @Test
  void stateIsFencedByTheLeaseGeneration() {
    assertThat(catalog.loadState("rules/team-a/group-1")).isEmpty();
    catalog.saveState("rules/team-a/group-1", bytes("v1"), 1);
    catalog.saveState("rules/team-a/group-1", bytes("v1b"), 1);
    assertThat(catalog.loadState("rules/team-a/group-1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(bytes("v1b")));
    catalog.saveState("rules/team-a/group-1", bytes("v2"), 2);
    assertThatThrownBy(() -> catalog.saveState("rules/team-a/group-1", bytes("zombie"), 1))
        .isInstanceOf(FencedException.class).hasMessageContaining("generation 2, newer than 1");
    assertThat(catalog.loadState("rules/team-a/group-1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(bytes("v2")));
    byte[] binary = {0, -1, 127, -128, 10};
    catalog.saveState("binary", binary, 7);
    binary[0] = 42; // the catalog kept its own copy
    assertThat(catalog.loadState("binary")).hasValueSatisfying(value -> assertThat(value).containsExactly(0, -1, 127, -128, 10));
  }

  @Test
  void aWriteUnderALeaseCountsOnlyWhileItsHolderKeepsThatGeneration() throws Exception {
    assertThatThrownBy(() -> catalog.writeUnderLease("ruler/team-a", "ruler-1", 1, Map.of("k", bytes("never")), List.of()))
        .isInstanceOf(FencedException.class).hasMessageContaining("ruler/team-a").hasMessageContaining("expired or was released");
    Lease first = catalog.tryAcquire("ruler/team-a", "ruler-1", SHORT).orElseThrow();
    List<Long> ids = catalog.writeUnderLease("ruler/team-a", "ruler-1", first.generation(), Map.of("alerts/g1", bytes("v1"), "slo", bytes("s1")),
        List.of(new QueuedNotification("team-a", "alertmanager", bytes("n1")), new QueuedNotification("team-a", "alertmanager", bytes("n2"))));
    assertThat(ids).hasSize(2);
    assertThat(ids.get(1)).isGreaterThan(ids.get(0));
    assertThat(catalog.loadState("alerts/g1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(bytes("v1")));

    // ruler-1 pauses past its ttl; ruler-2 takes over but has not written "alerts/g2" yet: the zombie still cannot.
    elapse(SHORT.multipliedBy(2));
    assertThatThrownBy(() -> catalog.writeUnderLease("ruler/team-a", "ruler-1", first.generation(), Map.of(), List.of()))
        .isInstanceOf(FencedException.class).hasMessageContaining("expired or was released");
    Lease second = catalog.tryAcquire("ruler/team-a", "ruler-2", LONG).orElseThrow();
    assertThatThrownBy(() -> catalog.writeUnderLease("ruler/team-a", "ruler-1", first.generation(), Map.of("alerts/g2", bytes("zombie")),
        List.of(new QueuedNotification("team-a", "alertmanager", bytes("zombie")))))
        .isInstanceOf(FencedException.class).hasMessageContaining("held by ruler-2 at generation " + second.generation());
    // The right holder with a wrong generation is refused as well.
    assertThatThrownBy(() -> catalog.writeUnderLease("ruler/team-a", "ruler-2", first.generation(), Map.of("alerts/g2", bytes("old")), List.of()))
        .isInstanceOf(FencedException.class);
    assertThat(catalog.loadState("alerts/g2")).isEmpty();
    assertThat(catalog.claimNotifications("worker", 10, LONG)).extracting(notification -> new String(notification.payload(), StandardCharsets.UTF_8))
        .containsExactly("n1", "n2");

    catalog.writeUnderLease("ruler/team-a", "ruler-2", second.generation(), Map.of("alerts/g1", bytes("v2")), List.of());
    assertThat(catalog.loadState("alerts/g1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(bytes("v2")));
    catalog.release("ruler/team-a", "ruler-2");
    assertThatThrownBy(() -> catalog.writeUnderLease("ruler/team-a", "ruler-2", second.generation(), Map.of("alerts/g1", bytes("v3")), List.of()))
        .isInstanceOf(FencedException.class);
    assertThat(catalog.loadState("alerts/g1")).hasValueSatisfying(value -> assertThat(value).isEqualTo(bytes("v2")));
  }

  // ---- configuration ----

  @Test
  void configRevisionsAreCountedAndTheSameContentIsNotARevision() throws Exception {
    assertThat(catalog.latestConfig("tenants")).isEmpty();
    assertThat(catalog.publishConfig("tenants", bytes("a: 1"))).isEqualTo(1);
    assertThat(catalog.publishConfig("tenants", bytes("a: 1"))).isEqualTo(1);
    assertThat(catalog.publishConfig("tenants", bytes("a: 2"))).isEqualTo(2);
    assertThat(catalog.publishConfig("tenants", bytes("a: 1"))).isEqualTo(3);
    assertThat(catalog.publishConfig("other", bytes("a: 1"))).isEqualTo(1);
    ConfigRevision latest = catalog.latestConfig("tenants").orElseThrow();
    assertThat(latest.name()).isEqualTo("tenants");
    assertThat(latest.revision()).isEqualTo(3);
    assertThat(latest.content()).isEqualTo(bytes("a: 1"));
    assertThat(latest.publishedAtMillis()).isPositive();

    // Publishers racing with one new content get one new revision.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier start = new CyclicBarrier(4);
      List<Future<Long>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return catalog.publishConfig("tenants", bytes("a: 3"));
        }));
      }
      for (Future<Long> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(4);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- alert history ----

  @Test
  void alertHistoryIsPerTenantByTimeThenAppendOrder() {
    catalog.appendAlertHistory("team-a", 2000, "{\"alert\":\"late\"}");
    catalog.appendAlertHistory("team-a", 1000, "{\"alert\":\"first\",  \"spacing\" : \"kept\"}");
    catalog.appendAlertHistory("team-a", 1000, "{\"alert\":\"second\"}");
    catalog.appendAlertHistory("team-b", 1500, "{\"alert\":\"other tenant\"}");
    assertThat(catalog.alertHistory("team-a", 0, 10_000)).containsExactly(new AlertHistoryEntry("team-a", 1000, "{\"alert\":\"first\",  \"spacing\" : \"kept\"}"),
        new AlertHistoryEntry("team-a", 1000, "{\"alert\":\"second\"}"), new AlertHistoryEntry("team-a", 2000, "{\"alert\":\"late\"}"));
    assertThat(catalog.alertHistory("team-a", 1000, 2000)).extracting(AlertHistoryEntry::json).containsExactly("{\"alert\":\"first\",  \"spacing\" : \"kept\"}",
        "{\"alert\":\"second\"}");
    assertThat(catalog.alertHistory("team-a", 1001, 2001)).extracting(AlertHistoryEntry::atMillis).containsExactly(2000L);
    assertThat(catalog.alertHistory("team-b", 0, 10_000)).hasSize(1);
    assertThat(catalog.alertHistory("team-c", 0, 10_000)).isEmpty();
  }

  // ---- outbox ----

  @Test
  void notificationsAreClaimedOldestFirstAndRedeliveredOnlyAfterTheirClaimExpires() throws Exception {
    long first = catalog.enqueueNotification("team-a", "pager", bytes("one"));
    long second = catalog.enqueueNotification("team-a", "slack", bytes("two"));
    long third = catalog.enqueueNotification("team-b", "pager", bytes("three"));
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    List<Notification> claimed = catalog.claimNotifications("worker-1", 2, SHORT);
    assertThat(claimed).extracting(Notification::id).containsExactly(first, second);
    assertThat(claimed.get(0).tenant()).isEqualTo("team-a");
    assertThat(claimed.get(0).receiver()).isEqualTo("pager");
    assertThat(claimed.get(0).payload()).isEqualTo(bytes("one"));
    assertThat(claimed).extracting(Notification::attempts).containsExactly(1, 1);
    assertThat(catalog.claimNotifications("worker-2", 10, LONG)).extracting(Notification::id).containsExactly(third);
    assertThat(catalog.claimNotifications("worker-3", 10, LONG)).isEmpty();
    catalog.markDelivered(first);
    elapse(SHORT.multipliedBy(2));
    // worker-1 died before delivering the second one: it comes back; the first one never does.
    List<Notification> again = catalog.claimNotifications("worker-3", 10, LONG);
    assertThat(again).extracting(Notification::id).containsExactly(second);
    assertThat(again.get(0).attempts()).isEqualTo(2);
    catalog.markDelivered(second);
    catalog.markDelivered(second);
    assertThatThrownBy(() -> catalog.markDelivered(third + 1000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never enqueued");
    assertThatThrownBy(() -> catalog.claimNotifications("worker-3", 0, LONG)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentWorkersNeverClaimTheSameNotification() throws Exception {
    int total = 60;
    for (int i = 0; i < total; i++) {
      catalog.enqueueNotification("team-a", "pager", bytes("n" + i));
    }
    int workers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<Long> claimedIds = Collections.synchronizedList(new ArrayList<>());
    try {
      CyclicBarrier start = new CyclicBarrier(workers);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String worker = "worker-" + w;
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await(30, TimeUnit.SECONDS);
          for (int round = 0; round < total; round++) {
            List<Notification> batch = catalog.claimNotifications(worker, 3, LONG);
            if (batch.isEmpty()) {
              break;
            }
            batch.forEach(notification -> claimedIds.add(notification.id()));
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(claimedIds).hasSize(total).doesNotHaveDuplicates();
  }

  // ---- SLO rollups ----

  @Test
  void rollupsAreReplacedPerMinuteAndReadByRange() {
    catalog.upsertRollup("team-a", "checkout", "region=eu", 100, 1, 10);
    catalog.upsertRollup("team-a", "checkout", "region=eu", 102, 0, 7);
    catalog.upsertRollup("team-a", "checkout", "region=eu", 101, 2, 5);
    catalog.upsertRollup("team-a", "checkout", "region=eu", 100, 3, 12);
    catalog.upsertRollup("team-a", "checkout", "region=us", 100, 9, 9);
    catalog.upsertRollup("team-b", "checkout", "region=eu", 100, 4, 4);
    assertThat(catalog.rollups("team-a", "checkout", "region=eu", 100, 102)).containsExactly(new SloRollup("team-a", "checkout", "region=eu", 100, 3, 12),
        new SloRollup("team-a", "checkout", "region=eu", 101, 2, 5));
    assertThat(catalog.rollups("team-a", "checkout", "region=eu", 0, 1000)).hasSize(3);
    assertThat(catalog.rollups("team-a", "checkout", "region=us", 0, 1000)).extracting(SloRollup::bad).containsExactly(9L);
    assertThat(catalog.rollups("team-a", "latency", "region=eu", 0, 1000)).isEmpty();
    assertThatThrownBy(() -> catalog.upsertRollup("team-a", "checkout", "region=eu", 103, 5, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad (5) must be between 0 and total (4)");
    assertThat(catalog.rollups("team-a", "checkout", "region=eu", 103, 104)).isEmpty();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

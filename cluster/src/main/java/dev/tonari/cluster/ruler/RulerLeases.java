package dev.tonari.cluster.ruler;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Lease;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.tenancy.TenantAssignment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which tenants this ruler evaluates: one lease {@code ruler/<tenant>} per tenant in the catalog,
 * so that across the cluster every tenant's rules and SLOs are evaluated by exactly one ruler.
 *
 * <p><b>A round</b> ({@link #renewNow}, every {@code ttl / 3} once {@link #start}ed): heartbeat as
 * a {@link Member} of role {@value #ROLE}; renew the leases held (a renewal that fails means
 * another ruler has the tenant: it is dropped at once; one that comes back with another
 * generation ran out meanwhile and starts a new {@link #tenure}); give up tenants that no longer exist and,
 * beyond the fair share {@code ceil(tenants / live rulers)}, the ones this ruler likes least; then
 * take free tenants, most liked first, up to the share. "Liking" is rendezvous hashing of (ruler,
 * tenant): rulers compete for different tenants first, and a tenant given up on a rebalance goes
 * to a ruler that wants it. A crashed ruler's leases run out after the ttl and its tenants are
 * taken at the next round of the others; a ruler that joins raises the number of live rulers, the
 * others give up their excess and it takes them.
 *
 * <p><b>Never two evaluators.</b> {@link #evaluates} is true only until the ttl has passed since
 * the start of the last successful renewal, measured on this process's clock: the catalog's lease
 * runs at least that long, so this ruler stops before anyone else can take the tenant, even when
 * it cannot reach the catalog to learn that it lost it. Should a ruler still write after that
 * (a long pause), the catalog refuses its state by the lease generation ({@link
 * CatalogAlertStateStore}, {@link CatalogRollupStore}, {@link CatalogSloProgressStore}).
 *
 * <p>{@link #close} releases every lease and leaves, so that the others take the tenants at once.
 */
public final class RulerLeases implements TenantAssignment, LeaseGenerations, AutoCloseable {
  public static final String ROLE = "ruler";
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(RulerLeases.class);

  private record Held(long generation, long validUntilMillis) {}

  private final ClusterCatalog catalog;
  private final Member self;
  private final Supplier<? extends Collection<String>> tenants;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService scheduler;
  private volatile boolean closed;

  /**
   * @param self this ruler as a member (role {@value #ROLE}, its id is the lease holder)
   * @param tenants the tenants with rules or SLOs now, asked every round (see {@link #tenantsOf})
   * @param ttl how long a lease and a heartbeat last without renewal; a crashed ruler's tenants
   *     move after about this long
   */
  public RulerLeases(ClusterCatalog catalog, Member self, Supplier<? extends Collection<String>> tenants, Duration ttl, Clock clock) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.self = Objects.requireNonNull(self, "self");
    if (!ROLE.equals(self.role())) {
      throw new IllegalArgumentException("member " + self.id() + " has role " + self.role() + "; a ruler's member has role " + ROLE);
    }
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    if (ttl.toMillis() < 3) {
      throw new IllegalArgumentException("ruler lease ttl must be at least 3 ms, got " + ttl);
    }
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The union of the sources' tenants, for {@code tenants}: e.g. the rule store and {@code SloService::tenants}. */
  @SafeVarargs
  public static Supplier<Set<String>> tenantsOf(Supplier<? extends Collection<String>>... sources) {
    List<Supplier<? extends Collection<String>>> copy = List.of(sources);
    return () -> {
      Set<String> all = new TreeSet<>();
      copy.forEach(source -> all.addAll(source.get()));
      return all;
    };
  }

  public String memberId() {
    return self.id();
  }

  @Override
  public String holder() {
    return self.id();
  }

  public Duration ttl() {
    return ttl;
  }

  /** Called (on the renewing thread) after a round that changed the tenants held; e.g. {@code ruler::sync}. */
  public void addChangeListener(Runnable listener) {
    listeners.add(listener);
  }

  /** Runs a round every {@code ttl / 3}, the first now. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("ruler leases of " + self.id() + " are closed");
    }
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ruler-leases").factory());
    long period = Math.max(1, ttl.toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::renewSafely, 0, period, TimeUnit.MILLISECONDS);
  }

  private void renewSafely() {
    try {
      renewNow();
    } catch (CatalogUnavailableException e) {
      // Leases run out on their own (evaluates() turns false after the ttl); the next round tries again.
      log.warn("ruler {}: the catalog is unavailable, leases not renewed: {}", self.id(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("ruler {}: renewing leases failed", self.id(), e);
    }
  }

  @Override
  public boolean evaluates(String tenant) {
    Held lease = held.get(tenant);
    return lease != null && !closed && clock.millis() < lease.validUntilMillis();
  }

  /**
   * The generation of the tenant's lease while this ruler holds it, even past its local validity:
   * the catalog decides whether a write with it is still allowed.
   */
  @Override
  public OptionalLong generation(String tenant) {
    Held lease = held.get(tenant);
    return lease == null ? OptionalLong.empty() : OptionalLong.of(lease.generation());
  }

  /** The generation of the tenant's lease while held (it changes when the tenant is lost and taken again); -1 when not held. */
  @Override
  public long tenure(String tenant) {
    Held lease = held.get(tenant);
    return lease == null ? -1 : lease.generation();
  }

  /**
   * The member id of the ruler that evaluates the tenant now, whichever it is (the catalog's
   * unexpired lease), for routing a tenant's rule and alert API calls to it; empty while no ruler
   * holds the tenant. Its address is in {@code catalog.liveMembers(ROLE)}.
   *
   * @throws CatalogUnavailableException when the catalog cannot be reached
   */
  public Optional<String> holderOf(String tenant) {
    return catalog.lease(CatalogKeys.lease(tenant)).map(Lease::holder);
  }

  /** The tenants this ruler holds now, sorted. */
  public Set<String> heldTenants() {
    Set<String> tenantsNow = new TreeSet<>();
    held.keySet().forEach(tenant -> {
      if (evaluates(tenant)) {
        tenantsNow.add(tenant);
      }
    });
    return tenantsNow;
  }

  /**
   * One round: heartbeat, renew, give up, take (see the class comment).
   *
   * @throws CatalogUnavailableException when the catalog cannot be reached (nothing held is dropped
   *     here; leases simply stop being valid after the ttl)
   */
  public synchronized void renewNow() {
    if (closed) {
      return;
    }
    Set<String> before = Set.copyOf(held.keySet());
    catalog.heartbeat(self, ttl);
    Set<String> wanted = new TreeSet<>(tenants.get());
    int live = Math.max(1, (int) catalog.liveMembers(ROLE).stream().filter(member -> !member.id().equals(self.id())).count() + 1);
    int share = wanted.isEmpty() ? 0 : (wanted.size() + live - 1) / live;

    for (String tenant : List.copyOf(held.keySet())) {
      if (!wanted.contains(tenant)) {
        giveUp(tenant, "it has no rules or SLOs any more");
        continue;
      }
      long started = clock.millis();
      Held current = held.get(tenant);
      var renewed = catalog.tryAcquire(CatalogKeys.lease(tenant), self.id(), ttl);
      if (renewed.isEmpty()) {
        held.remove(tenant);
        log.warn("ruler {}: lost the lease of tenant {} (generation {}); another ruler evaluates it now", self.id(), tenant, current.generation());
        continue;
      }
      if (renewed.get().generation() != current.generation()) {
        // The lease ran out before this renewal (and another ruler may have held it meanwhile):
        // this is a new tenure, so the ruler and the SLO engine read the tenant's state again.
        log.warn("ruler {}: the lease of tenant {} ran out (generation {}) and was taken again (generation {})", self.id(), tenant,
            current.generation(), renewed.get().generation());
      }
      held.put(tenant, new Held(renewed.get().generation(), started + ttl.toMillis()));
    }

    List<String> byPreference = new ArrayList<>(wanted);
    byPreference.sort(Comparator.comparingLong((String tenant) -> preference(self.id(), tenant)).reversed().thenComparing(Comparator.naturalOrder()));
    if (held.size() > share) {
      List<String> mine = new ArrayList<>(byPreference);
      mine.retainAll(held.keySet());
      for (String tenant : mine.subList(share, mine.size())) {
        giveUp(tenant, "over this ruler's fair share of " + share + " (" + wanted.size() + " tenants, " + live + " rulers)");
      }
    }
    for (String tenant : byPreference) {
      if (held.size() >= share) {
        break;
      }
      if (held.containsKey(tenant) || catalog.lease(CatalogKeys.lease(tenant)).isPresent()) {
        continue;
      }
      long started = clock.millis();
      var taken = catalog.tryAcquire(CatalogKeys.lease(tenant), self.id(), ttl);
      if (taken.isPresent()) {
        Lease lease = taken.get();
        held.put(tenant, new Held(lease.generation(), started + ttl.toMillis()));
        log.info("ruler {}: took tenant {} (lease generation {})", self.id(), tenant, lease.generation());
      }
    }
    if (!held.keySet().equals(before)) {
      for (Runnable listener : listeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          log.error("ruler {}: a listener of the leases failed", self.id(), e);
        }
      }
    }
  }

  private void giveUp(String tenant, String why) {
    // Stop evaluating first, then let the lease go: never a moment where both rulers evaluate.
    held.remove(tenant);
    catalog.release(CatalogKeys.lease(tenant), self.id());
    log.info("ruler {}: gave up tenant {}: {}", self.id(), tenant, why);
  }

  /** Rendezvous hashing: how much this ruler wants the tenant (every ruler orders the tenants differently). */
  static long preference(String memberId, String tenant) {
    CRC32C crc = new CRC32C();
    crc.update((memberId + "\u0000" + tenant).getBytes(StandardCharsets.UTF_8));
    long mixed = crc.getValue() * 0x9E3779B97F4A7C15L;
    return mixed ^ (mixed >>> 29);
  }

  /** A view for tests and status pages: tenant to generation. */
  public Map<String, Long> generations() {
    Map<String, Long> view = new TreeMap<>();
    held.forEach((tenant, lease) -> view.put(tenant, lease.generation()));
    return view;
  }

  /** Stops renewing, releases every lease and leaves the membership, so the other rulers take the tenants at their next round. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = scheduler;
    }
    if (running != null) {
      running.shutdown();
      try {
        running.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      try {
        for (String tenant : List.copyOf(held.keySet())) {
          held.remove(tenant);
          catalog.release(CatalogKeys.lease(tenant), self.id());
        }
        catalog.leave(self.id());
      } catch (CatalogUnavailableException e) {
        log.warn("ruler {}: could not release its leases at shutdown ({}); the others take its tenants after the ttl {}", self.id(),
            e.getMessage(), ttl);
      }
    }
  }
}

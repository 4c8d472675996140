package dev.tonari.server;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.ruler.CatalogAlertStateStore;
import dev.tonari.cluster.ruler.CatalogRollupStore;
import dev.tonari.cluster.ruler.CatalogSloProgressStore;
import dev.tonari.cluster.ruler.LeaseGenerations;
import dev.tonari.cluster.ruler.OutboxDispatcher;
import dev.tonari.cluster.ruler.RulerLeases;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.eval.AlertStateStore;
import dev.tonari.slo.engine.SloProgressStore;
import dev.tonari.slo.rollup.RollupStore;
import dev.tonari.tenancy.TenantAssignment;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A ruler process's share of the tenants: the cluster module's {@link RulerLeases} (one lease
 * {@code ruler/<tenant>} per tenant, split across the live rulers) and the ruler's and the SLO
 * engine's state in the catalog, fenced by those leases, so that several rulers evaluate disjoint
 * tenants and a tenant moves with its alerts and SLO history to a surviving ruler when one dies.
 *
 * <p>Built before the server listens (the SLO engine and the ruler take its stores), started once
 * it does ({@link #start}): only then is the address known that the ruler's member advertises.
 * Until then it holds no tenant, so nothing is evaluated or written. It is the assignment and the
 * fencing token of the stores itself, forwarding to the leases once they exist.
 */
final class ClusterRulerShare implements TenantAssignment, LeaseGenerations, AutoCloseable {
  /** A claimed outbox notification stays this ruler's this long before another ruler may deliver it. */
  static final Duration OUTBOX_CLAIM = Duration.ofMinutes(1);
  /** How often the outbox is read for alerts to deliver. */
  static final Duration OUTBOX_POLL = Duration.ofSeconds(1);

  private final ClusterCatalog catalog;
  private final String memberId;
  private final Duration ttl;
  private final Supplier<String> advertiseAddress;
  private volatile RulerLeases leases;
  private boolean closed;

  /**
   * @param memberId the ruler's member id and lease holder (distinct from the process's own member)
   * @param ttl how long a tenant's lease lasts unrenewed: a dead ruler's tenants move after about this long
   * @param advertiseAddress the address peers call this process at, asked at {@link #start} (the port is known once Jetty bound)
   */
  ClusterRulerShare(ClusterCatalog catalog, String memberId, Duration ttl, Supplier<String> advertiseAddress) {
    this.catalog = catalog;
    this.memberId = memberId;
    this.ttl = ttl;
    this.advertiseAddress = advertiseAddress;
  }

  /** Where the SLO engine keeps its rollups: the catalog, written only under the tenant's lease. */
  RollupStore rollups() {
    return new CatalogRollupStore(catalog, this);
  }

  /** Where the SLO engine keeps how far it evaluated each SLO. */
  SloProgressStore sloProgress() {
    return new CatalogSloProgressStore(catalog, this);
  }

  /** Where the ruler keeps its alert states; their alerts go into the catalog's outbox with them ({@link #deliverOutbox}). */
  AlertStateStore alertStates() {
    return new CatalogAlertStateStore(catalog, this);
  }

  /**
   * Joins the rulers as a member at the advertised address and takes a share of the tenants with
   * rules or SLOs (both asked every round), now and every third of the ttl; {@code
   * onTenantsChanged} runs after a round that took or gave up a tenant (the ruler's {@code sync}).
   */
  synchronized void start(Supplier<? extends Collection<String>> ruleTenants, Supplier<? extends Collection<String>> sloTenants,
      Runnable onTenantsChanged) {
    if (closed) {
      throw new IllegalStateException("the ruler share of " + memberId + " is closed");
    }
    if (leases != null) {
      return;
    }
    // The system clock, whatever clock the server's engines use: a lease's validity is real time, as in the catalog.
    RulerLeases started = new RulerLeases(catalog, new Member(memberId, RulerLeases.ROLE, advertiseAddress.get(), List.of(), true),
        RulerLeases.tenantsOf(ruleTenants, sloTenants), ttl, Clock.systemUTC());
    started.addChangeListener(onTenantsChanged);
    leases = started;
    started.start();
  }

  /** Delivers the alerts any ruler queued in the outbox to {@code sink}, every {@link #OUTBOX_POLL} until the returned handle is closed. */
  AutoCloseable deliverOutbox(AlertSink sink) {
    OutboxDispatcher outbox = new OutboxDispatcher(catalog, memberId, sink, OUTBOX_CLAIM);
    outbox.start(OUTBOX_POLL);
    return outbox;
  }

  /** The tenants this ruler evaluates now, sorted; none before {@link #start}. */
  Set<String> heldTenants() {
    RulerLeases current = leases;
    return current == null ? Set.of() : current.heldTenants();
  }

  /** Whether the leases run (between {@link #start} and {@link #close}). */
  boolean started() {
    return leases != null && !closed;
  }

  @Override
  public boolean evaluates(String tenant) {
    RulerLeases current = leases;
    return current != null && current.evaluates(tenant);
  }

  @Override
  public long tenure(String tenant) {
    RulerLeases current = leases;
    return current == null ? -1 : current.tenure(tenant);
  }

  @Override
  public String holder() {
    return memberId;
  }

  @Override
  public OptionalLong generation(String tenant) {
    RulerLeases current = leases;
    return current == null ? OptionalLong.empty() : current.generation(tenant);
  }

  /** Releases every tenant and leaves the rulers, so the others take its tenants at their next round rather than after the ttl. */
  @Override
  public synchronized void close() {
    closed = true;
    if (leases != null) {
      leases.close();
    }
  }
}

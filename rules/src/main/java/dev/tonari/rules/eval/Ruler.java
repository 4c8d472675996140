package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.rules.alert.TransitionListener;
import dev.tonari.rules.model.RuleSource;
import dev.tonari.tenancy.TenantAssignment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ruler: evaluates every tenant's rule groups on their intervals with Prometheus' semantics
 * and hands on what comes out: alerts to send ({@link AlertSink}), recorded samples ({@link
 * SampleSink}) and alert state changes ({@link TransitionListener}).
 *
 * <p><b>Scheduling.</b> Each group runs at its slots ({@link GroupSchedule}: the interval, offset
 * by a hash of the group, like Prometheus), rules in order; a slot missed because the previous
 * evaluation was slow is skipped. Groups of one tenant due at the same instant form one cycle,
 * whose LogQL rules share scans ({@link LogqlQuerier}); each tenant's rules query only that
 * tenant's data. One scheduler thread dispatches cycles to virtual threads; the groups of a cycle
 * run concurrently, at most one group evaluation per processor at once over all cycles. The rule
 * sources are read again every {@code syncInterval}.
 *
 * <p><b>Alerts.</b> See {@link AlertingRuleRuntime} for the state machine, {@link
 * CycleEvaluator} for sending; alert state is saved after every group evaluation and restored at
 * start ({@link AlertStateFile}, {@link RuleCatalog#sync}).
 *
 * <p><b>Deterministic use.</b> Tests and benchmarks call {@link #evaluateAllAt} or {@link
 * #evaluateGroupNow} with a clock they move, without {@link #start}.
 *
 * <p><b>In a cluster</b> a {@link TenantAssignment} says which tenants this ruler evaluates and an
 * {@link AlertStateStore} shared by the rulers keeps alert state, so a tenant moves between rulers
 * with its alerts (see the cluster module's {@code RulerLeases}).
 */
public final class Ruler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Ruler.class);
  /** The scheduler looks at the clock at least this often, so that a moved test clock is noticed. */
  private static final long MAX_SLEEP_MILLIS = 1000;

  private final EvaluationSettings settings;
  private final Clock clock;
  private final RuleCatalog catalog;
  private final CycleEvaluator evaluator;
  private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ruler-cycle-", 0).factory());
  /** Group evaluations at once, over all cycles: queries are CPU-bound, so one per processor. */
  private final Semaphore concurrentEvaluations = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));
  private final Object schedulerSignal = new Object();
  private volatile boolean closed;
  private volatile boolean synced;
  private Thread scheduler;

  /**
   * @param sources where the rules come from (the rule store, the SLO rules)
   * @param querier evaluates LogQL expressions ({@link LogqlQuerier})
   * @param stateDirectory where alert state is kept (created if missing)
   * @throws IOException when the state directory cannot be created or listed
   */
  public Ruler(EvaluationSettings settings, List<RuleSource> sources, InstantQuerier querier, AlertSink alertSink, SampleSink sampleSink,
      TransitionListener transitionListener, Clock clock, Path stateDirectory) throws IOException {
    this(settings, sources, querier, alertSink, sampleSink, transitionListener, clock, new AlertStateDirectory(stateDirectory), TenantAssignment.ALL);
  }

  /**
   * A ruler that evaluates only the tenants {@code assignment} gives it (asked every round: a
   * tenant that leaves stops at once, keeping its saved alerts for the next holder; one that
   * arrives is restored from {@code stateStore} at the next {@link #sync}) and keeps alert state in
   * {@code stateStore}.
   *
   * @throws IOException when the state store cannot be listed
   */
  public Ruler(EvaluationSettings settings, List<RuleSource> sources, InstantQuerier querier, AlertSink alertSink, SampleSink sampleSink,
      TransitionListener transitionListener, Clock clock, AlertStateStore stateStore, TenantAssignment assignment) throws IOException {
    this.settings = settings;
    this.clock = clock;
    AlertTemplates templates = new AlertTemplates(settings.externalLabels(), settings.externalUrl());
    this.catalog = new RuleCatalog(settings, sources, templates, stateStore, assignment);
    this.evaluator = new CycleEvaluator(settings, querier, alertSink, sampleSink, transitionListener, stateStore, assignment, workers,
        concurrentEvaluations);
  }

  /** Starts the scheduler: reads the sources and evaluates every group at its slots until {@link #close}. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the ruler is closed");
    }
    if (scheduler != null) {
      return;
    }
    scheduler = Thread.ofPlatform().daemon().name("ruler-scheduler").start(this::schedule);
  }

  /** Reads the rule sources again now (the scheduler also does every {@code syncInterval}). */
  public void sync() {
    List<AlertTransition> ended = catalog.sync(clock.instant());
    synced = true;
    if (!ended.isEmpty()) {
      evaluator.notifyTransitions("alerts of removed rules", ended);
    }
  }

  /**
   * Evaluates every group of every tenant at {@code at} and returns when all are done: one cycle
   * per tenant, the cycles and their groups concurrently as the scheduler runs them (tests and
   * benchmarks; the scheduler's slots are not moved). Reads the sources first.
   */
  public void evaluateAllAt(Instant at) {
    sync();
    catalog.releaseUnassigned();
    Map<String, List<GroupRuntime>> byTenant = new TreeMap<>();
    for (GroupRuntime group : catalog.groups().values()) {
      byTenant.computeIfAbsent(group.key.tenant(), tenant -> new ArrayList<>()).add(group);
    }
    List<java.util.concurrent.Future<?>> cycles = new ArrayList<>();
    byTenant.forEach((tenant, groups) -> cycles.add(workers.submit(() -> runExclusively(groups, () -> evaluator.evaluateCycle(tenant, groups, at)))));
    for (java.util.concurrent.Future<?> cycle : cycles) {
      try {
        cycle.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        log.error("ruler: an evaluation cycle at {} failed", at, e.getCause());
      }
    }
  }

  /**
   * Evaluates one group now (at the clock's instant), in this thread.
   *
   * @return false when there is no such group
   */
  public boolean evaluateGroupNow(String tenant, String namespace, String group) {
    if (!synced) {
      sync();
    }
    GroupRuntime runtime = catalog.groups().get(new GroupKey(tenant, namespace, group));
    if (runtime == null) {
      return false;
    }
    Instant now = clock.instant();
    runExclusively(List.of(runtime), () -> evaluator.evaluateCycle(tenant, List.of(runtime), now));
    return true;
  }

  /** Waits until none of the groups is being evaluated by the scheduler, then runs. */
  private static void runExclusively(List<GroupRuntime> groups, Runnable evaluation) {
    List<GroupRuntime> taken = new ArrayList<>();
    try {
      for (GroupRuntime group : groups) {
        while (!group.running.compareAndSet(false, true)) {
          // The scheduler is evaluating it: wait for that evaluation to end.
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        taken.add(group);
      }
      evaluation.run();
    } finally {
      taken.forEach(group -> group.running.set(false));
    }
  }

  /** The tenant's rule groups now, by namespace and group name. */
  public List<RuleViews.Group> rules(String tenant) {
    List<GroupRuntime> groups = new ArrayList<>();
    for (GroupRuntime group : catalog.groups().values()) {
      if (group.key.tenant().equals(tenant)) {
        groups.add(group);
      }
    }
    groups.sort((left, right) -> left.key.compareTo(right.key));
    List<RuleViews.Group> views = new ArrayList<>(groups.size());
    for (GroupRuntime group : groups) {
      views.add(ViewBuilder.group(group));
    }
    return views;
  }

  /** The tenant's pending and firing alerts ({@code /api/v1/alerts}), in rule order. */
  public List<RuleViews.Alert> alerts(String tenant) {
    List<RuleViews.Alert> alerts = new ArrayList<>();
    for (RuleViews.Group group : rules(tenant)) {
      for (RuleViews.Rule rule : group.rules()) {
        if (rule instanceof RuleViews.AlertingRule alerting) {
          alerts.addAll(alerting.alerts());
        }
      }
    }
    return alerts;
  }

  /** The tenants with rules now. */
  public List<String> tenants() {
    return catalog.groups().keySet().stream().map(GroupKey::tenant).distinct().sorted().toList();
  }

  private void schedule() {
    Instant lastSync = null;
    while (!closed) {
      try {
        Instant now = clock.instant();
        if (lastSync == null || !now.isBefore(lastSync.plus(settings.syncInterval()))) {
          sync();
          lastSync = now;
        }
        Set<String> released = catalog.releaseUnassigned();
        if (!released.isEmpty()) {
          log.info("ruler: no longer evaluating tenants {} (another ruler holds them now)", released);
        }
        dispatchDue(now);
        Instant wake = lastSync.plus(settings.syncInterval());
        for (GroupRuntime group : catalog.groups().values()) {
          Instant next = group.nextEvaluation;
          if (next != null && next.isBefore(wake)) {
            wake = next;
          }
        }
        long millis = Math.max(1, Math.min(MAX_SLEEP_MILLIS, java.time.Duration.between(clock.instant(), wake).toMillis()));
        synchronized (schedulerSignal) {
          if (!closed) {
            schedulerSignal.wait(millis);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("ruler: the scheduler failed a round; it goes on", e);
      }
    }
  }

  private record CycleKey(String tenant, Instant at) implements Comparable<CycleKey> {
    @Override
    public int compareTo(CycleKey other) {
      int byTenant = tenant.compareTo(other.tenant);
      return byTenant != 0 ? byTenant : at.compareTo(other.at);
    }
  }

  private void dispatchDue(Instant now) {
    Map<CycleKey, List<GroupRuntime>> cycles = new TreeMap<>();
    for (GroupRuntime group : catalog.groups().values()) {
      Instant next = group.nextEvaluation;
      if (next == null || next.isAfter(now) || !group.running.compareAndSet(false, true)) {
        continue;
      }
      // The slot at or before now: slots missed while the group was busy are skipped, as in Prometheus.
      Instant slot = GroupSchedule.slotAtOrBefore(group.key, group.interval, now);
      group.nextEvaluation = slot.plus(group.interval);
      cycles.computeIfAbsent(new CycleKey(group.key.tenant(), slot), key -> new ArrayList<>()).add(group);
    }
    cycles.forEach((key, groups) -> workers.execute(() -> runCycle(key, groups)));
  }

  private void runCycle(CycleKey key, List<GroupRuntime> groups) {
    try {
      evaluator.evaluateCycle(key.tenant(), groups, key.at());
    } catch (RuntimeException e) {
      log.error("ruler: the cycle of tenant {} at {} failed", key.tenant(), key.at(), e);
    } finally {
      groups.forEach(group -> group.running.set(false));
    }
  }

  /** Stops the scheduler and waits (up to 30 s) for running evaluations to finish. */
  @Override
  public void close() {
    Thread thread;
    synchronized (this) {
      closed = true;
      thread = scheduler;
    }
    synchronized (schedulerSignal) {
      schedulerSignal.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("ruler: evaluations still running after 30 s at close; interrupting them");
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

package dev.tonari.slo.engine;

import dev.tonari.slo.budget.BudgetHistory;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.metrics.SlothMetricsInput;
import dev.tonari.slo.report.WeeklyReport;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.RollupStore;
import dev.tonari.slo.rollup.SeriesKey;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.source.SliSource;
import dev.tonari.slo.source.SliSources;
import dev.tonari.slo.source.SliUnavailableException;
import dev.tonari.tenancy.TenantAssignment;
import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLO engine of one node: which SLOs each tenant has (files in the SLO directory and specs
 * pushed through the API), their per-minute rollups, and the figures the API shows.
 *
 * <p><b>Evaluation.</b> Every few seconds a scheduler looks for SLOs with a complete minute not yet
 * evaluated and hands each to a worker, one task per SLO at a time: LogQL SLOs to a pool of two
 * (their scans are CPU-bound), PromQL SLOs to a virtual thread each, so a slow Prometheus holds
 * up only its own SLOs. A task evaluates the minutes from where the SLO stopped
 * (minus {@code slo.lateness}, for lines that arrive late) up to the last complete minute, writes
 * them to the {@link RollupStore}, and steps the burn-rate conditions. A source that fails leaves
 * the SLO where it was, with the error in the API; the next round retries the whole gap.
 *
 * <p><b>Backfill.</b> An SLO whose indicator is new or changed (its fingerprint differs from the
 * rollups') has its history rebuilt from stored data over twice the SLO window (the policy's
 * "since" looks one window back) plus 18 days (the last complete week's report: its start, up to
 * 14 days back, with the 3-day burn windows and a day of alert replay before it), newest week
 * first, so that today's figures are right first; progress is in the API. Changing only the objective or alerting, or shortening the window, needs no backfill:
 * those are applied to the same rollups. A longer window rebuilds unless the rollups already reach
 * back as far as it needs: the stored fingerprint records the first minute the rollups cover.
 */
public final class SloService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SloService.class);
  /** How far back the first evaluation after opening reads again; see {@link #evaluate}. */
  static final Duration FIRST_ROUND_LATENESS = Duration.ofHours(1);

  /**
   * History kept beyond twice the SLO window, for the report of the last complete ISO week: its
   * Monday is up to 14 days back, its alert replay starts a day earlier and reads the longest tier
   * window (3 days) before that.
   */
  static final Duration EXTRA_HISTORY = Duration.ofDays(18);

  private final SloSettings settings;
  private final SliSource source;
  private final RollupStore rollups;
  private final ApiSpecStore apiSpecs;
  private final EvaluationProgress progress;
  private final TenantAssignment assignment;
  /**
   * Tenants seen unassigned since the last round (their runtimes were reset then): when one is
   * assigned again, its runtimes and progress are read afresh from the stores before it is
   * evaluated. Guarded by {@link #catalogLock}.
   */
  private final java.util.Set<String> notEvaluated = new java.util.HashSet<>();
  /** The {@link TenantAssignment#tenure} of each tenant evaluated, as last seen. Guarded by {@link #catalogLock}. */
  private final Map<String, Long> tenures = new java.util.HashMap<>();
  private final Clock clock;
  private final Map<String, Map<String, SloRuntime>> byTenant = new ConcurrentHashMap<>();
  /** The evaluation lock of each SLO id (tenant, NUL, id), shared by its successive runtimes. */
  private final Map<String, AtomicBoolean> evaluationLocks = new ConcurrentHashMap<>();
  private final Object catalogLock = new Object();
  /** LogQL evaluations: CPU-bound scans of the local store, two at a time (the store's scan pool does the parallel part). */
  private final ExecutorService workers;
  /** PromQL evaluations: mostly waiting on a remote API, one virtual thread each, so a slow Prometheus holds up no other SLO. */
  private final ExecutorService remoteWorkers;
  private final ScheduledExecutorService scheduler;
  private final SpecFiles files;
  private final SloDataSources dataSources;
  private volatile boolean closed;
  /** SLOs (tenant and id) evaluated since this engine opened; the others read the last hour again first. */
  private final java.util.Set<String> evaluatedSinceOpen = ConcurrentHashMap.newKeySet();

  /** The figures of an SLO as computed at {@code minute} after {@code writes} evaluations. */
  record CachedFigures(long minute, long writes, SloView.Figures overall, List<SloView.GroupView> groups) {}

  /**
   * One SLO's evaluation state. A replaced or removed runtime is {@code retired}: an evaluation of
   * it that is still running stops at its next step without writing, and {@code running} is shared
   * by every runtime of the same SLO id, so a new spec's backfill never runs beside the old spec's
   * evaluation (their writes would mix in the rollups).
   */
  static final class SloRuntime {
    final String tenant;
    final SloSpec spec;
    final String fingerprint;
    final AtomicBoolean running;
    volatile boolean retired;
    volatile boolean backfilled;
    volatile double backfillProgress;
    volatile Optional<Instant> lastEvaluation = Optional.empty();
    volatile Optional<String> lastError = Optional.empty();
    /**
     * The figures of the last computation and what they were computed from: the minute, and the
     * number of evaluations written so far. Figures change only when a minute completes or an
     * evaluation writes, so the API and /metrics read these instead of recomputing 60 days of
     * rollups per request. The first read after a change computes them (not the evaluator: an
     * SLO nobody looks at costs no figures, and per-pod groups would multiply the work).
     */
    volatile CachedFigures cachedFigures;
    /** Evaluations written (rollups or conditions changed); a new one invalidates {@link #cachedFigures}. */
    final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    /** Burn-rate conditions per group ({} is the whole SLO). */
    final Map<Map<String, String>, ConditionTracker> conditions = new ConcurrentHashMap<>();

    SloRuntime(String tenant, SloSpec spec, String fingerprint, AtomicBoolean running) {
      this.tenant = tenant;
      this.spec = spec;
      this.fingerprint = fingerprint;
      this.running = running;
    }

    /**
     * Sloth's {@code sloth_spec}: the form the SLO was written in. The model keeps one form for
     * both; only OpenSLO has time slices, calendar windows and threshold indicators, and a Sloth
     * file has none of them, so those mark an OpenSLO spec and the rest is reported as Sloth's.
     */
    String specVersion() {
      boolean openSloOnly = spec.budgeting() != dev.tonari.slo.model.BudgetingMethod.OCCURRENCES
          || spec.window() instanceof dev.tonari.slo.model.TimeWindow.Calendar || spec.indicator() instanceof dev.tonari.slo.model.Indicator.Threshold;
      return openSloOnly ? "openslo/v1" : "prometheus/v1";
    }
  }

  /**
   * @param dataDir the server's data directory; API specs live in {@code <dataDir>/slo/api}, the
   *     evaluation progress in {@code <dataDir>/slo/progress.json}
   * @param rollups the rollup store (the engine closes it)
   */
  public SloService(SloSettings settings, Path dataDir, SliSource source, RollupStore rollups, SloDataSources dataSources, Clock clock)
      throws IOException {
    this(settings, dataDir, source, rollups, dataSources, clock, new FileSloProgressStore(dataDir.resolve("slo").resolve("progress.json")),
        TenantAssignment.ALL);
  }

  /**
   * An engine that evaluates only the tenants {@code assignment} gives it (asked every round; the
   * others' SLOs are listed and read from the rollups but neither evaluated nor written) and keeps
   * evaluation progress in {@code progressStore}: with a shared rollup store and progress store,
   * a tenant moves between processes with its history.
   *
   * @param dataDir API specs live in {@code <dataDir>/slo/api}
   */
  public SloService(SloSettings settings, Path dataDir, SliSource source, RollupStore rollups, SloDataSources dataSources, Clock clock,
      SloProgressStore progressStore, TenantAssignment assignment) throws IOException {
    this.assignment = assignment;
    this.settings = settings;
    this.dataSources = dataSources;
    this.source = source;
    this.rollups = rollups;
    this.clock = clock;
    this.apiSpecs = new ApiSpecStore(dataDir.resolve("slo").resolve("api"));
    this.progress = new EvaluationProgress(progressStore);
    this.files = new SpecFiles(settings.directory());
    this.workers = Executors.newFixedThreadPool(2, daemon("slo-evaluation"));
    this.remoteWorkers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("slo-promql-", 0).factory());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("slo-scheduler"));
    SpecFiles.Loaded loaded = files.load();
    if (!loaded.problems().isEmpty()) {
      throw new IOException("invalid SLO files in " + settings.directory().map(Path::toString).orElse("") + ":\n"
          + String.join("\n", loaded.problems().stream().map(ConfigProblem::format).toList()));
    }
    rebuildCatalog(loaded);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Starts the scheduler: evaluation every few seconds, file reloads on {@code slo.reload_interval}. */
  public void start() {
    scheduler.scheduleWithFixedDelay(this::evaluateDueSafely, 0, 5, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(this::pruneSafely, 1, 60, TimeUnit.MINUTES);
    if (settings.directory().isPresent()) {
      long reload = settings.reloadInterval().toMillis();
      scheduler.scheduleWithFixedDelay(this::reloadFilesSafely, reload, reload, TimeUnit.MILLISECONDS);
    }
  }

  // ---------------------------------------------------------------- catalog

  /** Reads the file specs and the API specs into runtimes, keeping the state of SLOs whose spec did not change. */
  private void rebuildCatalog(SpecFiles.Loaded loaded) throws IOException {
    Map<String, List<SloSpec>> fileSpecs = loaded.byTenant();
    synchronized (catalogLock) {
      Map<String, Map<String, SloSpec>> specs = new LinkedHashMap<>();
      Map<String, Map<String, PrometheusEndpoint>> sources = new LinkedHashMap<>();
      for (String tenant : apiSpecs.tenants()) {
        Map<String, String> bodies = apiSpecs.load(tenant);
        Map<String, List<SloSpec>> parsedBodies = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : bodies.entrySet()) {
          List<SloSpec> parsed = parsedBodies.computeIfAbsent(entry.getValue(), body -> {
            SpecParsing.Result result = SpecParsing.parse(body, "api");
            if (!result.problems().isEmpty()) {
              log.error("stored API SLO body of tenant {} no longer parses: {}", tenant, result.problems());
            }
            sources.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).putAll(result.dataSources());
            return result.specs();
          });
          for (SloSpec spec : parsed) {
            if (spec.id().equals(entry.getKey())) {
              specs.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).put(spec.id(), withApiOrigin(spec));
            }
          }
        }
      }
      // Files win: they are reviewed config as code; apply refuses ids they own.
      fileSpecs.forEach((tenant, list) -> list.forEach(spec -> specs.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).put(spec.id(), spec)));
      loaded.dataSources().forEach((tenant, byName) -> sources.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).putAll(byName));
      dataSources.replace(sources);
      Map<String, Map<String, SloRuntime>> next = new ConcurrentHashMap<>();
      specs.forEach((tenant, byId) -> {
        Map<String, SloRuntime> runtimes = new ConcurrentHashMap<>();
        byId.forEach((id, spec) -> runtimes.put(id, runtimeFor(tenant, spec)));
        next.put(tenant, runtimes);
      });
      // SLOs that are gone lose their rollups; runtimes not carried over stop.
      byTenant.forEach((tenant, runtimes) -> runtimes.forEach((id, runtime) -> {
        SloRuntime successor = next.getOrDefault(tenant, Map.of()).get(id);
        if (successor != runtime) {
          runtime.retired = true;
        }
        if (successor == null && assignment.evaluates(tenant)) {
          rollups.deleteSlo(tenant, id);
          progress.forget(tenant, id);
        }
      }));
      byTenant.clear();
      byTenant.putAll(next);
    }
  }

  private static SloSpec withApiOrigin(SloSpec spec) {
    return new SloSpec(spec.id(), spec.service(), spec.name(), spec.description(), spec.labels(), spec.indicator(), spec.target(),
        spec.window(), spec.budgeting(), spec.timeSlices(), spec.groupBy(), spec.alerting(), SloSpec.Origin.api());
  }

  /** The existing runtime when the spec is the same, else a new one (a changed indicator means a backfill). */
  private SloRuntime runtimeFor(String tenant, SloSpec spec) {
    SloRuntime existing = byTenant.getOrDefault(tenant, Map.of()).get(spec.id());
    if (existing != null && existing.spec.equals(spec)) {
      return existing;
    }
    return freshRuntime(tenant, spec);
  }

  /** A runtime that knows nothing but what the rollup store says (its fingerprint: whether the history is there). */
  private SloRuntime freshRuntime(String tenant, SloSpec spec) {
    String fingerprint = fingerprint(spec);
    SloRuntime runtime = new SloRuntime(tenant, spec, fingerprint,
        evaluationLocks.computeIfAbsent(lockKey(tenant, spec.id()), key -> new AtomicBoolean()));
    long neededFrom = currentMinute() - historyMinutes(spec);
    runtime.backfilled = rollups.fingerprint(tenant, spec.id()).filter(stored -> covers(stored, fingerprint, neededFrom)).isPresent();
    runtime.backfillProgress = runtime.backfilled ? 1 : 0;
    return runtime;
  }

  private static String lockKey(String tenant, String id) {
    return tenant + "\u0000" + id;
  }

  /** What the rollups depend on: the indicator and the grouping, not the objective, window or alerting. */
  static String fingerprint(SloSpec spec) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((spec.indicator().toString() + "\u0000" + spec.groupBy()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * What the rollup store keeps as an SLO's fingerprint: the indicator's {@link #fingerprint} and
   * the first minute its backfill covered ({@code <hash>@<minute>}); evaluation goes on from there
   * without gaps, so the rollups hold every minute since.
   */
  static String storedFingerprint(String fingerprint, long historyStartMinute) {
    return fingerprint + "@" + historyStartMinute;
  }

  /**
   * Drops rollup minutes no SLO needs any more: older than the longest history any SLO keeps
   * (twice its window plus {@link #EXTRA_HISTORY}), with a day to spare. Each SLO's stored
   * fingerprint then says its rollups begin at the prune point, so that an SLO whose window is
   * lengthened later is backfilled rather than read with a hole. Returns the prune point, or
   * empty when there is no SLO.
   */
  Optional<Long> prune() {
    synchronized (catalogLock) {
      long longest = 0;
      for (Map<String, SloRuntime> runtimes : byTenant.values()) {
        for (SloRuntime runtime : runtimes.values()) {
          longest = Math.max(longest, historyMinutes(runtime.spec));
        }
      }
      if (longest == 0) {
        return Optional.empty();
      }
      long before = currentMinute() - longest - Duration.ofDays(1).toMinutes();
      for (Map<String, SloRuntime> runtimes : byTenant.values()) {
        for (SloRuntime runtime : runtimes.values()) {
          if (!assignment.evaluates(runtime.tenant)) {
            continue;
          }
          rollups.fingerprint(runtime.tenant, runtime.spec.id()).ifPresent(stored -> {
            long from = coveredFrom(stored);
            if (from < before) {
              rollups.setFingerprint(runtime.tenant, runtime.spec.id(), storedFingerprint(stored.substring(0, stored.lastIndexOf('@')), before));
            }
          });
        }
      }
      rollups.prune(before);
      return Optional.of(before);
    }
  }

  private void pruneSafely() {
    try {
      prune().ifPresent(before -> log.info("SLO rollups pruned before {}", Instant.ofEpochSecond(before * 60)));
    } catch (RuntimeException e) {
      log.error("pruning SLO rollups failed", e);
    }
  }

  /** The first minute a stored fingerprint says its rollups cover; {@code Long.MAX_VALUE} when unreadable. */
  private static long coveredFrom(String stored) {
    int at = stored.lastIndexOf('@');
    try {
      return at < 0 ? Long.MAX_VALUE : Long.parseLong(stored.substring(at + 1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Whether stored rollups are of this indicator and reach back to {@code neededFromMinute}. */
  static boolean covers(String stored, String fingerprint, long neededFromMinute) {
    int at = stored.lastIndexOf('@');
    return at >= 0 && stored.substring(0, at).equals(fingerprint) && coveredFrom(stored) <= neededFromMinute;
  }

  /** Reloads the SLO directory when it changed; a directory with problems keeps the last good set (scheduled; tests call it). */
  void reloadFilesSafely() {
    try {
      if (files.changed()) {
        SpecFiles.Loaded loaded = files.load();
        if (loaded.problems().isEmpty()) {
          rebuildCatalog(loaded);
          log.info("reloaded SLO files: {} SLOs", loaded.byTenant().values().stream().mapToInt(List::size).sum());
        } else {
          log.error("SLO files not reloaded, the last good ones stay: {}", loaded.problems());
        }
      }
    } catch (IOException | RuntimeException e) {
      log.error("reloading SLO files failed", e);
    }
  }

  /** Creates or replaces the SLOs of a YAML body; nothing changes unless every SLO in it is valid. */
  public ApplyOutcome apply(String tenant, String body, String sourceName) throws IOException {
    SpecParsing.Result result = SpecParsing.parse(body, sourceName);
    if (!result.problems().isEmpty()) {
      return new ApplyOutcome.Rejected(result.problems());
    }
    if (result.specs().isEmpty()) {
      return new ApplyOutcome.Rejected(List.of(new ConfigProblem(sourceName, 1, 1,
          "no SLO in the body: expected a Sloth file (version: prometheus/v1) or OpenSLO documents (apiVersion: openslo/v1) with kind SLO")));
    }
    synchronized (catalogLock) {
      Map<String, SloRuntime> current = byTenant.getOrDefault(tenant, Map.of());
      List<String> created = new ArrayList<>();
      List<String> replaced = new ArrayList<>();
      for (SloSpec spec : result.specs()) {
        SloRuntime existing = current.get(spec.id());
        if (existing != null && existing.spec.origin().kind() == SloSpec.Origin.Kind.FILE) {
          return new ApplyOutcome.Conflict("SLO '" + spec.id() + "' of tenant " + tenant + " is defined in " + existing.spec.origin().file()
              + ":" + existing.spec.origin().line() + "; change it there (the SLO directory is the source of truth for its SLOs); nothing was applied");
        }
        (existing == null ? created : replaced).add(spec.id());
      }
      apiSpecs.put(tenant, body, result.specs().stream().map(SloSpec::id).toList());
      dataSources.put(tenant, result.dataSources());
      Map<String, SloRuntime> next = new ConcurrentHashMap<>(current);
      for (SloSpec spec : result.specs()) {
        SloRuntime runtime = runtimeFor(tenant, withApiOrigin(spec));
        SloRuntime previous = next.put(spec.id(), runtime);
        if (previous != null && previous != runtime) {
          previous.retired = true;
        }
      }
      byTenant.put(tenant, next);
      return new ApplyOutcome.Applied(created, replaced);
    }
  }

  public DeleteOutcome delete(String tenant, String id) throws IOException {
    synchronized (catalogLock) {
      SloRuntime existing = byTenant.getOrDefault(tenant, Map.of()).get(id);
      if (existing == null) {
        return new DeleteOutcome.NotFound();
      }
      if (existing.spec.origin().kind() == SloSpec.Origin.Kind.FILE) {
        return new DeleteOutcome.OwnedByFile(existing.spec.origin().file());
      }
      apiSpecs.delete(tenant, id);
      byTenant.get(tenant).remove(id);
      existing.retired = true;
      if (assignment.evaluates(tenant)) {
        rollups.deleteSlo(tenant, id);
        progress.forget(tenant, id);
      }
      return new DeleteOutcome.Deleted();
    }
  }

  // ---------------------------------------------------------------- evaluation

  private void evaluateDueSafely() {
    try {
      followAssignment();
      long now = currentMinute();
      for (Map<String, SloRuntime> runtimes : byTenant.values()) {
        for (SloRuntime runtime : runtimes.values()) {
          if (closed) {
            return;
          }
          if (!assignment.evaluates(runtime.tenant)) {
            continue;
          }
          boolean due = !runtime.backfilled || progress.evaluatedThrough(runtime.tenant, runtime.spec.id()) < now;
          if (due && runtime.running.compareAndSet(false, true)) {
            (readsPrometheus(runtime.spec) ? remoteWorkers : workers).execute(() -> {
              try {
                evaluate(runtime, currentMinute());
              } finally {
                runtime.running.set(false);
                forgetIfRemoved(runtime);
              }
            });
          }
        }
      }
      progress.save();
    } catch (RuntimeException e) {
      log.error("SLO scheduling failed", e);
    }
  }

  private static boolean readsPrometheus(SloSpec spec) {
    try {
      return SliSources.checkOneLanguage(spec.indicator()) == SliQuery.QueryLanguage.PROMQL;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether an evaluation of this runtime must stop now, without writing: the engine closes, the
   * spec was replaced or removed, or the tenant left this process.
   */
  private boolean stopped(SloRuntime runtime) {
    return closed || runtime.retired || !assignment.evaluates(runtime.tenant);
  }

  /**
   * Brings the runtimes in line with the tenant assignment. A tenant that left has its runtimes
   * retired (a running evaluation stops without writing) and replaced by fresh ones, and its
   * progress dropped: its new owner goes on from the stores. A tenant that came back gets fresh
   * runtimes and progress from the stores again, since another process evaluated it meanwhile.
   */
  private void followAssignment() {
    synchronized (catalogLock) {
      notEvaluated.retainAll(byTenant.keySet());
      tenures.keySet().retainAll(byTenant.keySet());
      for (String tenant : List.copyOf(byTenant.keySet())) {
        boolean evaluates = assignment.evaluates(tenant);
        long tenure = assignment.tenure(tenant);
        if (evaluates == !notEvaluated.contains(tenant)) {
          Long known = evaluates ? tenures.put(tenant, tenure) : null;
          if (known == null || known == tenure) {
            continue;
          }
          // Evaluated at both looks, but lost and regained in between: what is held here is stale.
        }
        Map<String, SloRuntime> current = byTenant.get(tenant);
        Map<String, SloRuntime> fresh = new ConcurrentHashMap<>();
        current.forEach((id, runtime) -> {
          runtime.retired = true;
          fresh.put(id, freshRuntime(tenant, runtime.spec));
          evaluatedSinceOpen.remove(lockKey(tenant, id));
        });
        byTenant.put(tenant, fresh);
        progress.release(tenant);
        if (evaluates) {
          tenures.put(tenant, tenure);
          notEvaluated.remove(tenant);
          log.info("SLOs of tenant {}: evaluated by this process from now on, from the stored rollups and progress", tenant);
        } else {
          tenures.remove(tenant);
          notEvaluated.add(tenant);
          log.info("SLOs of tenant {}: no longer evaluated by this process (another one holds the tenant)", tenant);
        }
      }
    }
  }

  /**
   * After an evaluation of a runtime that was retired meanwhile: if its SLO is gone, drops what the
   * evaluation may still have written between its last check and the removal.
   */
  private void forgetIfRemoved(SloRuntime runtime) {
    if (!runtime.retired) {
      return;
    }
    synchronized (catalogLock) {
      if (!byTenant.getOrDefault(runtime.tenant, Map.of()).containsKey(runtime.spec.id()) && assignment.evaluates(runtime.tenant)) {
        rollups.deleteSlo(runtime.tenant, runtime.spec.id());
        progress.forget(runtime.tenant, runtime.spec.id());
      }
    }
  }

  /** The first minute that is not complete yet: minutes before it can be evaluated. */
  long currentMinute() {
    return Math.floorDiv(clock.millis(), 60_000L);
  }

  /** Evaluates every SLO now, in this thread (tests, and the benchmark). */
  public void evaluateAllNow() {
    followAssignment();
    long now = currentMinute();
    for (Map<String, SloRuntime> runtimes : byTenant.values()) {
      for (SloRuntime runtime : runtimes.values()) {
        if (!assignment.evaluates(runtime.tenant)) {
          continue;
        }
        while (!runtime.running.compareAndSet(false, true)) {
          Thread.onSpinWait();
        }
        try {
          evaluate(runtime, now);
        } finally {
          runtime.running.set(false);
          forgetIfRemoved(runtime);
        }
      }
    }
    progress.save();
  }

  /**
   * The minutes of history an SLO keeps: its window, once more for the policy's lookback (the
   * budget left at each point of the lookback has a window of its own), plus {@link #EXTRA_HISTORY}.
   */
  static long historyMinutes(SloSpec spec) {
    return historyMinutes(spec.window().nominalLength());
  }

  /** The minutes of history kept for an SLO whose window is {@code window} long (benchmarks size their data by it). */
  public static long historyMinutes(Duration window) {
    return window.multipliedBy(2).plus(EXTRA_HISTORY).toMinutes();
  }

  private void evaluate(SloRuntime runtime, long now) {
    String tenant = runtime.tenant;
    SloSpec spec = runtime.spec;
    long historyStart = now - historyMinutes(spec);
    try {
      if (!runtime.backfilled && !backfill(runtime, historyStart, now)) {
        return;
      }
      long through = progress.evaluatedThrough(tenant, spec.id());
      // The first round after opening reads the last hour again: rollup writes are not fsynced
      // (see FileRollupStore), so a crash may have lost the newest ones while progress kept them.
      long lateness = evaluatedSinceOpen.contains(lockKey(tenant, spec.id())) ? settings.lateness().toMinutes()
          : Math.max(settings.lateness().toMinutes(), FIRST_ROUND_LATENESS.toMinutes());
      long from = Math.max(historyStart, through < 0 ? historyStart : through - lateness);
      for (long chunk = from; chunk < now; chunk += SliSource.MAX_MINUTES_PER_CALL) {
        evaluateRange(runtime, chunk, Math.min(now, chunk + SliSource.MAX_MINUTES_PER_CALL));
      }
      if (stopped(runtime)) {
        return;
      }
      progress.set(tenant, spec.id(), now);
      stepConditions(runtime, now);
      runtime.writes.incrementAndGet();
      evaluatedSinceOpen.add(lockKey(tenant, spec.id()));
      runtime.lastEvaluation = Optional.of(clock.instant());
      runtime.lastError = Optional.empty();
    } catch (SliUnavailableException e) {
      runtime.lastError = Optional.of(e.getMessage());
      log.warn("SLO {} of tenant {}: {}", spec.id(), tenant, e.getMessage());
    } catch (RuntimeException e) {
      runtime.lastError = Optional.of(e.toString());
      log.error("SLO {} of tenant {}: evaluation failed", spec.id(), tenant, e);
    }
  }

  /**
   * Rebuilds the history newest chunk first, so that today's figures are right before last month's.
   *
   * @return false when it stopped before the end (the engine closes, or the spec was replaced or removed)
   */
  private boolean backfill(SloRuntime runtime, long historyStart, long now) throws SliUnavailableException {
    rollups.deleteSlo(runtime.tenant, runtime.spec.id());
    progress.forget(runtime.tenant, runtime.spec.id());
    long total = now - historyStart;
    long done = 0;
    for (long end = now; end > historyStart; end -= SliSource.MAX_MINUTES_PER_CALL) {
      if (stopped(runtime)) {
        return false;
      }
      long start = Math.max(historyStart, end - SliSource.MAX_MINUTES_PER_CALL);
      evaluateRange(runtime, start, end);
      done += end - start;
      runtime.backfillProgress = total == 0 ? 1 : Math.min(0.999, done / (double) total);
    }
    if (stopped(runtime)) {
      return false;
    }
    rollups.setFingerprint(runtime.tenant, runtime.spec.id(), storedFingerprint(runtime.fingerprint, historyStart));
    progress.set(runtime.tenant, runtime.spec.id(), now);
    runtime.backfilled = true;
    runtime.backfillProgress = 1;
    // A fresh backfill just wrote every minute: nothing to read again.
    evaluatedSinceOpen.add(lockKey(runtime.tenant, runtime.spec.id()));
    log.info("SLO {} of tenant {}: history rebuilt over {} minutes", runtime.spec.id(), runtime.tenant, total);
    return true;
  }

  /** Evaluates {@code [from, to)} and records it: each group, the sum of all groups, and emptiness for groups that fell silent. */
  private void evaluateRange(SloRuntime runtime, long from, long to) throws SliUnavailableException {
    Map<Map<String, String>, MinuteSeries> groups = source.evaluate(runtime.tenant, runtime.spec, from, to);
    runtime.writes.incrementAndGet();
    if (stopped(runtime)) {
      return;
    }
    String id = runtime.spec.id();
    if (runtime.spec.groupBy().isEmpty()) {
      MinuteSeries series = groups.getOrDefault(Map.of(), new MinuteSeries(from, (int) (to - from)));
      rollups.write(SeriesKey.of(runtime.tenant, id), series);
      return;
    }
    MinuteSeries sum = new MinuteSeries(from, (int) (to - from));
    for (Map.Entry<Map<String, String>, MinuteSeries> group : groups.entrySet()) {
      rollups.write(new SeriesKey(runtime.tenant, id, group.getKey()), group.getValue());
      MinuteSeries series = group.getValue();
      for (long minute = from; minute < to; minute++) {
        if (series.hasData(minute)) {
          double total = sum.hasData(minute) ? sum.total(minute) : 0;
          sum.set(minute, sum.bad(minute) + series.bad(minute), total + series.total(minute));
        }
      }
    }
    for (SeriesKey known : rollups.series(runtime.tenant, id)) {
      if (!known.group().isEmpty() && !groups.containsKey(known.group())) {
        rollups.write(known, new MinuteSeries(from, (int) (to - from)));
      }
    }
    rollups.write(SeriesKey.of(runtime.tenant, id), sum);
  }

  private void stepConditions(SloRuntime runtime, long now) {
    for (SeriesKey key : seriesOf(runtime)) {
      ConditionTracker tracker = runtime.conditions.computeIfAbsent(key.group(), group -> new ConditionTracker(runtime.spec));
      long reach = ConditionTracker.LOOKBACK_MINUTES + (tracker.warmedUp() ? 0 : ConditionTracker.WARM_UP_MINUTES + WeeklyReports.REPLAY_STEP_MINUTES);
      tracker.step(rollups.read(key, now - reach, now), now);
    }
  }

  /** The whole-SLO key first, then one per group. */
  private List<SeriesKey> seriesOf(SloRuntime runtime) {
    List<SeriesKey> keys = new ArrayList<>();
    keys.add(SeriesKey.of(runtime.tenant, runtime.spec.id()));
    if (!runtime.spec.groupBy().isEmpty()) {
      for (SeriesKey key : rollups.series(runtime.tenant, runtime.spec.id())) {
        if (!key.group().isEmpty()) {
          keys.add(key);
        }
      }
      keys.subList(1, keys.size()).sort(Comparator.comparing(key -> key.group().toString()));
    }
    return keys;
  }

  // ---------------------------------------------------------------- reads

  /** The tenant's SLOs now, sorted by budget left (least first; no data last), then id. */
  public List<SloView> list(String tenant) {
    List<SloView> views = new ArrayList<>();
    for (SloRuntime runtime : byTenant.getOrDefault(tenant, Map.of()).values()) {
      views.add(view(runtime));
    }
    views.sort(BY_BUDGET_LEFT);
    return views;
  }

  /** The tenants with at least one SLO (what a cluster's rulers share out). */
  public java.util.Set<String> tenants() {
    java.util.Set<String> tenants = new java.util.TreeSet<>();
    byTenant.forEach((tenant, runtimes) -> {
      if (!runtimes.isEmpty()) {
        tenants.add(tenant);
      }
    });
    return tenants;
  }

  /** Every tenant's SLOs (for /metrics). */
  public List<SloView> all() {
    List<SloView> views = new ArrayList<>();
    for (String tenant : new java.util.TreeSet<>(byTenant.keySet())) {
      views.addAll(list(tenant));
    }
    return views;
  }

  public Optional<SloView> get(String tenant, String id) {
    SloRuntime runtime = byTenant.getOrDefault(tenant, Map.of()).get(id);
    return runtime == null ? Optional.empty() : Optional.of(view(runtime));
  }

  static final Comparator<SloView> BY_BUDGET_LEFT = Comparator
      .<SloView>comparingDouble(view -> view.overall().remaining().orElse(Double.POSITIVE_INFINITY))
      .thenComparing(view -> view.spec().id());

  private SloView view(SloRuntime runtime) {
    CachedFigures figures = figures(runtime, currentMinute());
    return new SloView(runtime.spec, runtime.tenant, figures.overall(), figures.groups(),
        new SloView.Evaluation(runtime.lastEvaluation, runtime.backfillProgress, runtime.lastError));
  }

  /** The runtime's figures at {@code now}: the cached ones when nothing changed since, else computed and cached. */
  private CachedFigures figures(SloRuntime runtime, long now) {
    long writes = runtime.writes.get();
    CachedFigures cached = runtime.cachedFigures;
    if (cached != null && cached.minute() == now && cached.writes() == writes) {
      return cached;
    }
    Instant instant = Instant.ofEpochSecond(now * 60);
    SloView.Figures overall = null;
    List<SloView.GroupView> groups = new ArrayList<>();
    for (SeriesKey key : seriesOf(runtime)) {
      MinuteSeries series = rollups.read(key, now - SloFigures.minutesNeeded(runtime.spec, instant), now);
      ConditionTracker conditions = runtime.conditions.get(key.group());
      SloView.Figures computed = SloFigures.compute(runtime.spec, series, now, instant, settings.atRiskShare(),
          conditions == null ? ConditionTracker.inactive(runtime.spec) : conditions.views());
      if (key.group().isEmpty()) {
        overall = computed;
      } else {
        groups.add(new SloView.GroupView(key.group(), computed));
      }
    }
    groups.sort(Comparator.<SloView.GroupView>comparingDouble(group -> group.figures().remaining().orElse(Double.POSITIVE_INFINITY))
        .thenComparing(group -> group.labels().toString()));
    CachedFigures result = new CachedFigures(now, writes, overall, List.copyOf(groups));
    runtime.cachedFigures = result;
    return result;
  }

  /**
   * What /metrics shows now: one input per SLO series (the SLO, and each group of a {@code
   * group_by} SLO), with the rollups of its period and the 3 days Sloth's windows need. An SLO whose
   * labels Prometheus cannot carry is left out with a warning rather than failing the scrape.
   */
  public List<SlothMetricsInput> metricsInputs() {
    long now = currentMinute();
    Instant instant = clock.instant();
    List<SlothMetricsInput> inputs = new ArrayList<>();
    for (String tenant : new java.util.TreeSet<>(byTenant.keySet())) {
      for (SloRuntime runtime : byTenant.getOrDefault(tenant, Map.of()).values()) {
        for (SeriesKey key : seriesOf(runtime)) {
          MinuteSeries series = rollups.read(key, now - SloFigures.minutesNeeded(runtime.spec, instant), now);
          ConditionTracker tracker = runtime.conditions.get(key.group());
          String policy = policyOf(figures(runtime, now), key.group());
          try {
            inputs.add(SlothMetricsInput.of(tenant, runtime.spec, key.group(), series, now, tracker == null ? List.of() : tracker.states(), policy,
                runtime.specVersion()));
          } catch (IllegalArgumentException e) {
            log.warn("SLO {} of tenant {} left out of /metrics: {}", runtime.spec.id(), tenant, e.getMessage());
          }
        }
      }
    }
    return inputs;
  }

  private static String policyOf(CachedFigures figures, Map<String, String> group) {
    if (group.isEmpty()) {
      return figures.overall().policy().state();
    }
    for (SloView.GroupView view : figures.groups()) {
      if (view.labels().equals(group)) {
        return view.figures().policy().state();
      }
    }
    return "no_data";
  }

  /** The rollups of one SLO's whole series over {@code [from, to)} minutes (metrics, reports). */
  public MinuteSeries series(String tenant, String id, Map<String, String> group, long fromMinute, long toMinute) {
    return rollups.read(new SeriesKey(tenant, id, group), fromMinute, toMinute);
  }

  /**
   * The remaining budget of one SLO (all its groups together) at every {@code stepMinutes} over the
   * {@code window} ending at {@code end} (the SLO's last evaluated instant, so that the last point is
   * not a minute still in progress): the "budget over the window" graph. Empty for an unknown SLO.
   */
  public Optional<BudgetHistory> budgetHistory(String tenant, String id, java.time.Instant end, Duration window, int stepMinutes) {
    SloRuntime runtime = byTenant.getOrDefault(tenant, Map.of()).get(id);
    if (runtime == null) {
      return Optional.empty();
    }
    // A point counts the minutes before it, so the last point is the evaluated window's (exclusive) end.
    long to = Math.floorDiv(end.toEpochMilli() + 59_999L, 60_000L);
    long from = to - Math.max(stepMinutes, window.toMinutes());
    long seriesFrom = from - runtime.spec.window().nominalLength().toMinutes();
    MinuteSeries series = series(tenant, id, Map.of(), seriesFrom, to + 1);
    return Optional.of(BudgetHistory.compute(runtime.spec, series, from, to, stepMinutes));
  }

  /** The weekly report of the tenant's SLOs (or one), for the ISO week starting on {@code monday} (UTC). */
  public WeeklyReport report(String tenant, Optional<String> id, LocalDate monday) {
    List<SloRuntime> runtimes = new ArrayList<>();
    for (SloRuntime runtime : byTenant.getOrDefault(tenant, Map.of()).values()) {
      if (id.isEmpty() || id.get().equals(runtime.spec.id())) {
        runtimes.add(runtime);
      }
    }
    runtimes.sort(Comparator.comparing(runtime -> runtime.spec.id()));
    return WeeklyReports.build(tenant, monday, runtimes.stream().map(runtime -> runtime.spec).toList(), this::series, currentMinute(),
        settings.atRiskShare(), errorPatterns);
  }

  private volatile WeeklyReports.ErrorPatternSource errorPatterns = WeeklyReports.ErrorPatternSource.NONE;

  /** Where the report's error patterns come from (the LogQL store); none by default. */
  public void setErrorPatternSource(WeeklyReports.ErrorPatternSource source) {
    this.errorPatterns = source;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    workers.shutdown();
    remoteWorkers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      if (!remoteWorkers.awaitTermination(1, TimeUnit.SECONDS)) {
        remoteWorkers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      remoteWorkers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    progress.save();
    rollups.close();
  }
}

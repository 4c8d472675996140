package dev.tonari.server;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.query.LabelSelector;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.auth.FailedAuthRateLimiter;
import dev.tonari.tenancy.auth.TokenStore;
import dev.tonari.tenancy.config.PriceSheet;
import dev.tonari.tenancy.config.RetentionPolicy;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantConfigLoader;
import dev.tonari.tenancy.config.TenantConfigWatcher;
import dev.tonari.tenancy.limits.IngestionRateLimiter;
import dev.tonari.tenancy.limits.StreamLimiter;
import dev.tonari.tenancy.usage.StoredBytesSource;
import dev.tonari.tenancy.usage.UsageMeter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything per-tenant a server runs, opened together and closed together: the tenants config
 * (watched files, or just the server config's defaults), tokens, the audit log, the limiters and
 * the usage meter, all under the server's data directory.
 *
 * <p>The store is opened after this (its retention reads {@link #retentionPolicyFor}), and the usage
 * meter's stored-bytes figures come from it, so {@link #attachStoredBytes} connects them once the
 * store exists; until then stored bytes read as none.
 */
final class TenancyServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenancyServices.class);

  private final TenantConfigWatcher watcher;
  private final TenantConfig staticConfig;
  final TokenStore tokens;
  final AuditLog audit;
  final FailedAuthRateLimiter failedAttempts;
  final IngestionRateLimiter rateLimiter;
  final StreamLimiter streamLimiter;
  final UsageMeter meter;
  private final AtomicReference<StoredBytesSource> storedBytes;
  private final ScheduledExecutorService evictor;
  /** Per tenant, its retention policy with LogQL selectors compiled, and the policy it came from. */
  private final Map<String, CompiledRetention> compiledRetention = new ConcurrentHashMap<>();

  private TenancyServices(TenantConfigWatcher watcher, TenantConfig staticConfig, TokenStore tokens, AuditLog audit, UsageMeter meter,
      AtomicReference<StoredBytesSource> storedBytes, Duration streamIdleTimeout, int failedAttemptsPerMinute) {
    this.watcher = watcher;
    this.staticConfig = staticConfig;
    this.tokens = tokens;
    this.audit = audit;
    this.meter = meter;
    this.storedBytes = storedBytes;
    this.failedAttempts = new FailedAuthRateLimiter(failedAttemptsPerMinute, Duration.ofMinutes(1), 100_000, System::nanoTime);
    this.rateLimiter = new IngestionRateLimiter(tenant -> current().limitsFor(tenant), System::nanoTime);
    this.streamLimiter = new StreamLimiter(tenant -> current().limitsFor(tenant), streamIdleTimeout, System::nanoTime);
    this.evictor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "stream-limit-evictor");
      thread.setDaemon(true);
      return thread;
    });
    evictor.scheduleWithFixedDelay(streamLimiter::evictIdle, 1, 1, TimeUnit.MINUTES);
  }

  /**
   * Opens the tenancy state of a server.
   *
   * @throws IOException when the tenants files are invalid (every problem is in the message: a
   *     server must not start on a bad file) or the data directory is unusable
   */
  static TenancyServices open(ServerConfig config, Clock clock) throws IOException {
    TenantConfigLoader loader = new TenantConfigLoader(config.tenantDefaults(), TenancyServices::selectorProblem);
    TenantConfigWatcher watcher = null;
    TenantConfig staticConfig = null;
    if (config.tenantsFiles().isEmpty()) {
      staticConfig = new TenantConfig(config.tenantDefaults(), Map.of(), Optional.empty(), PriceSheet.free());
    } else {
      try {
        watcher = TenantConfigWatcher.open(config.tenantsFiles(), loader).start(config.tenantsReloadInterval());
      } catch (TenantConfigWatcher.InvalidConfigException e) {
        throw new IOException("invalid tenants config " + config.tenantsFiles() + ":\n" + e.getMessage(), e);
      }
    }
    AtomicReference<StoredBytesSource> storedBytes = new AtomicReference<>(Map::of);
    TokenStore tokens = null;
    AuditLog audit = null;
    UsageMeter meter = null;
    try {
      tokens = TokenStore.open(config.dataDir(), clock);
      audit = AuditLog.open(config.dataDir(), clock);
      meter = UsageMeter.open(config.dataDir(), clock, () -> storedBytes.get().storedBytesByTenant()).start(UsageMeter.DEFAULT_FLUSH_INTERVAL);
      return new TenancyServices(watcher, staticConfig, tokens, audit, meter, storedBytes, config.flushAge().isZero() ? Duration.ofMinutes(30) : config.flushAge(),
          config.authFailedAttemptsPerMinute());
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(e, watcher, audit, meter);
      throw e;
    }
  }

  private static void closeAfterFailure(Exception failure, AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          failure.addSuppressed(e);
        }
      }
    }
  }

  /** The LogQL parser's verdict on a {@code retention_stream} selector. */
  static Optional<String> selectorProblem(String selector) {
    try {
      LogqlParser.parseMatchers(selector);
      return Optional.empty();
    } catch (LogqlParseException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The tenants config in effect; one volatile read. */
  TenantConfig current() {
    return watcher != null ? watcher.current() : staticConfig;
  }

  /** Null when no tenants files are configured. */
  TenantConfigWatcher watcher() {
    return watcher;
  }

  /**
   * The retention the store applies to a tenant: its period and its {@code retention_stream}
   * rules, selectors compiled with LogQL. Compiled once per tenant and config version (the store
   * asks at every flush and retention round).
   */
  dev.tonari.store.engine.RetentionPolicy retentionPolicyFor(String tenant) {
    RetentionPolicy policy = current().retentionFor(tenant);
    CompiledRetention cached = compiledRetention.get(tenant);
    if (cached != null && cached.source().equals(policy)) {
      return cached.compiled();
    }
    dev.tonari.store.engine.RetentionPolicy compiled = compile(tenant, policy);
    compiledRetention.put(tenant, new CompiledRetention(policy, compiled));
    return compiled;
  }

  private record CompiledRetention(RetentionPolicy source, dev.tonari.store.engine.RetentionPolicy compiled) {}

  private static dev.tonari.store.engine.RetentionPolicy compile(String tenant, RetentionPolicy policy) {
    List<dev.tonari.store.engine.RetentionPolicy.StreamRule> rules = new ArrayList<>(policy.streamRules().size());
    for (RetentionPolicy.StreamRule rule : policy.streamRules()) {
      try {
        LabelSelector selector = LabelSelector.compile(LogqlParser.parseMatchers(rule.selector()));
        rules.add(new dev.tonari.store.engine.RetentionPolicy.StreamRule(rule.selector(), selector, rule.period(), rule.priority()));
      } catch (LogqlParseException e) {
        // The loader validated every selector, so this is a bug; keeping the longest period
        // never deletes what some rule meant to keep.
        log.error("retention_stream selector {} of tenant {} does not compile; keeping its longest period for every stream", rule.selector(), tenant, e);
        return dev.tonari.store.engine.RetentionPolicy.of(longestPeriod(policy));
      }
    }
    return new dev.tonari.store.engine.RetentionPolicy(policy.period(), rules);
  }

  /** The longest of a policy's periods (zero, forever, is the longest). */
  private static Duration longestPeriod(RetentionPolicy policy) {
    Duration longest = policy.period();
    if (longest.isZero()) {
      return longest;
    }
    for (RetentionPolicy.StreamRule rule : policy.streamRules()) {
      if (rule.period().isZero()) {
        return Duration.ZERO;
      }
      if (rule.period().compareTo(longest) > 0) {
        longest = rule.period();
      }
    }
    return longest;
  }

  void attachStoredBytes(StoredBytesSource source) {
    storedBytes.set(source);
  }

  @Override
  public void close() throws IOException {
    evictor.shutdownNow();
    IOException failure = null;
    for (AutoCloseable resource : new AutoCloseable[] {watcher, meter, audit}) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        log.error("closing {} failed", resource.getClass().getSimpleName(), e);
        if (failure == null) {
          failure = new IOException("closing tenancy state failed: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}

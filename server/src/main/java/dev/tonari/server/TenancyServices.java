package dev.tonari.server;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
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
import java.util.Map;
import java.util.Optional;
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
 * <p>The store is opened after this (its retention reads {@link #retentionFor}), and the usage
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
   * The retention the store applies to a tenant's parts. Parts mix a tenant's streams, so the
   * store cannot apply {@code retention_stream} rules per stream: the longest period among the
   * tenant's period and its rules is used, so that no rule ever loses data it was meant to keep
   * (shorter per-stream rules are not enforced yet).
   */
  Duration retentionFor(String tenant) {
    RetentionPolicy policy = current().retentionFor(tenant);
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

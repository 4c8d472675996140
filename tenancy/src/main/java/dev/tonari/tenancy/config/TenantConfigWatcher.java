package dev.tonari.tenancy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tenants configuration in effect current with its files: polls them (default every 2
 * s), and when their content changes (a SHA-256 over every file's path and bytes, so a same-second
 * edit that keeps the size is still seen and a touch without change is not a reload), loads them
 * again and swaps the new config in atomically. An invalid edit never takes effect: the last good
 * config stays, the problems are logged, and {@link #lastReloadSuccessful()}, {@link #lastError()}
 * and the counters say so for {@code /metrics}.
 *
 * <p>Readers call {@link #current()} on every request; it is one volatile read.
 */
public final class TenantConfigWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TenantConfigWatcher.class);
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  private final List<Path> paths;
  private final TenantConfigLoader loader;
  private final AtomicReference<TenantConfig> current;
  private final List<Consumer<TenantConfig>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong reloadCount = new AtomicLong();
  private final AtomicLong failedReloadCount = new AtomicLong();
  private volatile boolean lastReloadSuccessful = true;
  private volatile Optional<String> lastError = Optional.empty();
  private byte[] lastDigest;
  private ScheduledExecutorService scheduler;

  private TenantConfigWatcher(List<Path> paths, TenantConfigLoader loader, TenantConfig initial, byte[] digest) {
    this.paths = List.copyOf(paths);
    this.loader = loader;
    this.current = new AtomicReference<>(initial);
    this.lastDigest = digest;
  }

  /**
   * Loads the files once; a server must not start on an invalid config.
   *
   * @throws InvalidConfigException with every problem when the files are invalid
   */
  public static TenantConfigWatcher open(List<Path> paths, TenantConfigLoader loader) throws InvalidConfigException {
    Objects.requireNonNull(loader, "loader");
    byte[] digest = digest(paths);
    TenantConfigLoader.LoadResult result = loader.load(paths);
    return switch (result) {
      case TenantConfigLoader.LoadResult.Loaded loaded -> new TenantConfigWatcher(paths, loader, loaded.config(), digest);
      case TenantConfigLoader.LoadResult.Invalid invalid -> throw new InvalidConfigException(invalid.problems());
    };
  }

  /** Starts polling every {@code interval} on one daemon thread; {@link #close()} stops it. */
  public synchronized TenantConfigWatcher start(Duration interval) {
    if (scheduler != null) {
      throw new IllegalStateException("tenants config watcher already started for " + paths);
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tenant-config-watcher");
      thread.setDaemon(true);
      return thread;
    });
    long millis = Math.max(1, interval.toMillis());
    scheduler.scheduleWithFixedDelay(this::pollLogged, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  public TenantConfig current() {
    return current.get();
  }

  /** Called with every new config after it is swapped in (not for the initial one). */
  public void addListener(Consumer<TenantConfig> listener) {
    listeners.add(listener);
  }

  public boolean lastReloadSuccessful() {
    return lastReloadSuccessful;
  }

  /** The problems of the last failed reload, one per line, until a reload succeeds. */
  public Optional<String> lastError() {
    return lastError;
  }

  /** Reloads attempted since start because the files changed (successful or not). */
  public long reloadCount() {
    return reloadCount.get();
  }

  public long failedReloadCount() {
    return failedReloadCount.get();
  }

  public List<Path> paths() {
    return paths;
  }

  /**
   * Checks the files now and reloads when they changed; what the poller does every interval, and
   * what tests call to avoid waiting.
   *
   * @return true when a new config was swapped in
   */
  public synchronized boolean checkNow() {
    byte[] digest = digest(paths);
    if (MessageDigest.isEqual(digest, lastDigest)) {
      return false;
    }
    lastDigest = digest;
    reloadCount.incrementAndGet();
    TenantConfigLoader.LoadResult result = loader.load(paths);
    switch (result) {
      case TenantConfigLoader.LoadResult.Loaded loaded -> {
        current.set(loaded.config());
        lastReloadSuccessful = true;
        lastError = Optional.empty();
        LOG.info("tenants config reloaded from {}: {} declared tenants", paths, loaded.config().tenants().size());
        for (Consumer<TenantConfig> listener : listeners) {
          listener.accept(loaded.config());
        }
        return true;
      }
      case TenantConfigLoader.LoadResult.Invalid invalid -> {
        failedReloadCount.incrementAndGet();
        lastReloadSuccessful = false;
        String message = InvalidConfigException.describe(invalid.problems());
        lastError = Optional.of(message);
        LOG.error("tenants config in {} is invalid; keeping the last good config:\n{}", paths, message);
        return false;
      }
    }
  }

  private void pollLogged() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      // A listener or the file system failed; the next poll tries again, and the error is visible.
      lastReloadSuccessful = false;
      lastError = Optional.of("reload of " + paths + " failed: " + e);
      LOG.error("tenants config reload of {} failed", paths, e);
    }
  }

  /** A digest of every file's path and content; unreadable files contribute their error. */
  private static byte[] digest(List<Path> paths) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try {
      for (Path file : TenantConfigLoader.expand(paths)) {
        sha256.update(file.toString().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        try {
          sha256.update(Files.readAllBytes(file));
        } catch (IOException e) {
          sha256.update(("unreadable: " + e).getBytes(StandardCharsets.UTF_8));
        }
        sha256.update((byte) 0);
      }
    } catch (IOException e) {
      sha256.update(("unlistable: " + e).getBytes(StandardCharsets.UTF_8));
    }
    return sha256.digest();
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
          LOG.warn("tenants config watcher of {} did not stop within 5 s", paths);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }

  /** Tenants files that cannot be used; the message lists every problem as lint prints them. */
  public static final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
      super(describe(problems));
      this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
      return problems;
    }

    static String describe(List<ConfigProblem> problems) {
      StringBuilder text = new StringBuilder();
      for (ConfigProblem problem : problems) {
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(problem.format());
      }
      return text.toString();
    }
  }
}

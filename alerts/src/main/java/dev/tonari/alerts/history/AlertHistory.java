package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.TransitionListener;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every alert state change and acknowledgement, per tenant, in append-only day files on disk; the
 * episodes of each alert (pending or firing until resolved) with their acknowledgements.
 *
 * <p>The ruler calls {@link #onTransitions} after each group evaluation. Only the open episodes
 * are held in memory (to give each transition its episode); queries read the files.
 *
 * <h2>Durability</h2>
 *
 * A batch of transitions is written and fsynced (one {@code fdatasync} per day file touched)
 * before {@link #onTransitions} returns; an acknowledgement is written and fsynced before {@link
 * #acknowledge} returns, so an acknowledgement the API answered 200 for survives {@code kill -9}. A
 * day file is created whole with its header and first record by {@link
 * dev.tonari.tenancy.AtomicFiles} (temporary file, fsync, rename, fsync of the directory). After a
 * crash, the last frame of a file may be torn: readers stop at the first frame that is short, too
 * long, fails its CRC32 or does not decode, and the writer truncates the file there before it
 * appends again. A file whose header is unreadable is renamed {@code *.corrupt} and left alone.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * directory/                       {@code <data_dir>/alerts/history}
 *   history.lock                   held while a history is open: one process per directory
 *   &lt;tenant&gt;/&lt;YYYY-MM-DD&gt;.history    one file per tenant and UTC day of the records' times
 * </pre>
 *
 * Records go to the file of their time's UTC day, or to the tenant's newest file if that is later
 * (a clock that went back never reopens an older file). Retention deletes whole files whose day is
 * more than the retention period before today, but never a tenant's newest file, whose first record
 * is the tenant's open episodes.
 *
 * <h2>File format {@code tonari-alert-history}, version 1</h2>
 *
 * Integers big-endian; {@code time} is an i64 of nanoseconds since the epoch ({@code
 * Long.MIN_VALUE} for none); {@code string} is a u32 byte length and UTF-8; {@code map} is a u32
 * count and that many pairs of strings; {@code state} is a u8, 0 inactive, 1 pending, 2 firing.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 89 54 41 48 ("\x89TAH")
 * 4       1     u8 length of the format name = 20
 * 5       20    format name "tonari-alert-history" (ASCII)
 * 25      2     u16 version = 1
 * 27      2     u16 tenant length t
 * 29      t     tenant (UTF-8)
 * 29+t    4     i32 UTC day (days since 1970-01-01)
 * 33+t    4     u32 CRC32 of bytes 0 to 33+t
 * 37+t    ...   records, each framed as:
 *                 u32 payload length n (1 to 64 MiB)
 *                 u32 CRC32 of the payload
 *                 n   payload: u8 kind, then the fields of its kind
 *
 * kind 1, open episodes (always the first record of a file: the episodes open when it began)
 *   time at, u32 count, then per episode:
 *   string id, time startedAt, time firedAt, state (pending or firing), string namespace,
 *   string group, string rule, map labels, map annotations, f64 value,
 *   u8 acknowledged (0 or 1), then if 1: time at, string by, string comment
 * kind 2, transition
 *   string episode id, time episode startedAt, time at, string namespace, string group,
 *   string rule, state from, state to, f64 value (NaN for none), map labels, map annotations
 * kind 3, acknowledgement
 *   string episode id, time episode startedAt, time at, string by, string comment
 * </pre>
 *
 * <p>The first acknowledgement of an episode counts; later ones are kept in the file and ignored.
 */
public final class AlertHistory implements TransitionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertHistory.class);
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(400);
  static final String LOCK_FILE = "history.lock";

  private final HistoryDirectory directory;
  private final HistoryReader reader;
  private final Duration retention;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, TenantLog> logs = new LinkedHashMap<>();
  private final LongAdder transitionsWritten = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();
  private boolean closed;

  private AlertHistory(HistoryDirectory directory, Duration retention, Clock clock, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.reader = new HistoryReader(directory);
    this.retention = retention;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating it if needed) the history under {@code directory}, recovers every tenant's open
   * episodes from its newest file and applies retention.
   *
   * @param retention how long files are kept; positive
   * @throws IOException when the directory cannot be used or another process holds it
   */
  public static AlertHistory open(Path directory, Duration retention, Clock clock) throws IOException {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("alert history retention must be positive, got " + retention);
    }
    Files.createDirectories(directory);
    FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lockChannel.close();
      throw new IOException("alert history " + directory + " is in use by another history in this process", e);
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("alert history " + directory + " is in use by another process (" + directory.resolve(LOCK_FILE) + " is locked)");
    }
    AlertHistory history = new AlertHistory(new HistoryDirectory(directory), retention, clock, lockChannel, lock);
    try {
      for (String tenant : history.directory.tenants()) {
        if (TenantIds.isValid(tenant)) {
          history.logs.put(tenant, TenantLog.recover(history.directory, tenant));
        } else {
          log.warn("alert history: ignoring directory {}: not a tenant ID", history.directory.tenantDirectory(tenant));
        }
      }
      history.applyRetention();
    } catch (IOException | RuntimeException e) {
      try {
        history.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return history;
  }

  /** Records the transitions; never throws: a failure is logged with its tenant and rule and counted in {@link #writeFailures()}. */
  @Override
  public void onTransitions(List<AlertTransition> transitions) {
    try {
      record(transitions);
    } catch (IOException | RuntimeException e) {
      writeFailures.increment();
      AlertTransition first = transitions.isEmpty() ? null : transitions.getFirst();
      log.error("alert history: cannot record {} transitions (first: tenant {}, namespace {}, group {}, rule {})", transitions.size(),
          first == null ? "-" : first.tenant(), first == null ? "-" : first.namespace(), first == null ? "-" : first.group(),
          first == null ? "-" : first.rule(), e);
    }
  }

  /**
   * Records the transitions, each tenant's in order, durably (see the class comment) before
   * returning. Transitions of an invalid tenant ID are refused with an error naming it, before
   * anything is written.
   */
  public synchronized void record(List<AlertTransition> transitions) throws IOException {
    ensureOpen();
    Map<String, List<AlertTransition>> byTenant = new LinkedHashMap<>();
    for (AlertTransition transition : transitions) {
      Optional<String> problem = TenantIds.problem(transition.tenant());
      if (problem.isPresent()) {
        throw new IllegalArgumentException("alert history: transition of rule " + transition.rule() + " has an invalid tenant: " + problem.get());
      }
      try {
        HistoryCodec.nanosOf(transition.at());
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("alert history: transition of rule " + transition.rule() + " of tenant " + transition.tenant() + " at "
            + transition.at() + " is outside the years 1678 to 2262 that the history's nanosecond times hold", e);
      }
      byTenant.computeIfAbsent(transition.tenant(), tenant -> new ArrayList<>()).add(transition);
    }
    for (Map.Entry<String, List<AlertTransition>> entry : byTenant.entrySet()) {
      TenantLog tenantLog = logFor(entry.getKey());
      tenantLog.appendTransitions(entry.getValue());
      transitionsWritten.add(entry.getValue().size());
      if (tenantLog.takeCreatedFile()) {
        applyRetention(entry.getKey());
      }
    }
  }

  /**
   * Acknowledges an episode, open or over. Idempotent: an episode acknowledged already keeps its
   * first acknowledgement, which is returned, and nothing is written.
   *
   * @param by who acknowledges; must not be blank
   * @param comment free text, may be empty
   * @return the episode with its acknowledgement
   * @throws UnknownEpisodeException when the tenant has no episode with this id
   */
  public AlertEpisode acknowledge(String tenant, String id, String by, String comment, Instant at) throws UnknownEpisodeException, IOException {
    Objects.requireNonNull(at, "at");
    if (by == null || by.isBlank()) {
      throw new IllegalArgumentException("an acknowledgement needs who gives it (by)");
    }
    // Found outside the lock: an episode long over is read from the files, which must not hold up the ruler.
    Optional<AlertEpisode> episode = episode(tenant, id);
    if (episode.isEmpty()) {
      throw new UnknownEpisodeException("alert episode not found: tenant " + tenant + " has no episode '" + id + "'");
    }
    synchronized (this) {
      ensureOpen();
      Optional<AlertEpisode> open = logFor(tenant).openEpisodes().episode(id);
      AlertEpisode current = open.orElse(episode.get());
      if (current.acknowledgement().isPresent()) {
        return current;
      }
      Acknowledgement acknowledgement = new Acknowledgement(at, by.strip(), comment == null ? "" : comment.strip());
      logFor(tenant).appendAcknowledgement(new HistoryRecord.Acknowledged(id, current.startedAt(), acknowledgement));
      return new AlertEpisode(current.id(), current.tenant(), current.namespace(), current.group(), current.rule(), current.fingerprint(),
          current.labels(), current.annotations(), current.state(), current.startedAt(), current.firedAt(), current.resolvedAt(),
          Optional.of(acknowledgement), current.value());
    }
  }

  /**
   * The tenant's transitions at {@code from..to} (both included) that match {@code filter}: the
   * newest {@code limit} of them, newest first.
   */
  public List<HistoryEntry> transitions(String tenant, Instant from, Instant to, TransitionFilter filter, int limit) throws IOException {
    if (!TenantIds.isValid(tenant)) {
      return List.of();
    }
    return reader.transitions(tenant, from, to, filter, limit);
  }

  /**
   * The tenant's episodes active at some instant of {@code from..to} (started by {@code to}, not
   * resolved before {@code from}), newest start first, at most {@code limit}; acknowledgements given
   * up to a week after {@code to} are included.
   */
  public List<AlertEpisode> episodes(String tenant, Instant from, Instant to, int limit) throws IOException {
    if (!TenantIds.isValid(tenant)) {
      return List.of();
    }
    return reader.episodes(tenant, from, to, openEpisodes(tenant), limit);
  }

  /** As {@link #episodes(String, Instant, Instant, int)}, all of them. */
  public List<AlertEpisode> episodes(String tenant, Instant from, Instant to) throws IOException {
    return episodes(tenant, from, to, Integer.MAX_VALUE);
  }

  /** One episode by id, with its acknowledgement; empty when unknown. */
  public Optional<AlertEpisode> episode(String tenant, String id) throws IOException {
    synchronized (this) {
      TenantLog tenantLog = logs.get(tenant);
      Optional<AlertEpisode> open = tenantLog == null ? Optional.empty() : tenantLog.openEpisodes().episode(id);
      if (open.isPresent()) {
        return open;
      }
    }
    return TenantIds.isValid(tenant) ? reader.episode(tenant, id) : Optional.empty();
  }

  /** The tenant's open episodes, from memory. */
  public synchronized List<AlertEpisode> openEpisodes(String tenant) {
    TenantLog tenantLog = logs.get(tenant);
    return tenantLog == null ? List.of() : tenantLog.openEpisodes().openEpisodes();
  }

  /** Tenants with a history (files on disk or transitions since start). */
  public synchronized List<String> tenants() {
    TreeSet<String> tenants = new TreeSet<>(logs.keySet());
    return List.copyOf(tenants);
  }

  /**
   * Deletes every tenant's day files older than the retention period (whole files; never a
   * tenant's newest). Runs on open and whenever a new day file is started.
   *
   * @return how many files were deleted
   */
  public synchronized int applyRetention() throws IOException {
    int deleted = 0;
    for (String tenant : logs.keySet()) {
      deleted += applyRetention(tenant);
    }
    return deleted;
  }

  private int applyRetention(String tenant) throws IOException {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    long retentionDays = Math.max(1, retention.toDays());
    LocalDate oldestKept = today.minusDays(retentionDays);
    List<LocalDate> days = directory.days(tenant);
    int deleted = 0;
    for (int i = 0; i < days.size() - 1; i++) {
      if (days.get(i).isBefore(oldestKept)) {
        Files.deleteIfExists(directory.file(tenant, days.get(i)));
        deleted++;
      }
    }
    if (deleted > 0) {
      log.info("alert history of tenant {}: retention ({} days) deleted {} day files before {}", tenant, retentionDays, deleted, oldestKept);
    }
    return deleted;
  }

  /** Transitions written since start. */
  public long transitionsWritten() {
    return transitionsWritten.sum();
  }

  /** Batches {@link #onTransitions} could not write since start. */
  public long writeFailures() {
    return writeFailures.sum();
  }

  public Duration retention() {
    return retention;
  }

  private TenantLog logFor(String tenant) throws IOException {
    TenantLog tenantLog = logs.get(tenant);
    if (tenantLog == null) {
      tenantLog = TenantLog.recover(directory, tenant);
      logs.put(tenant, tenantLog);
    }
    return tenantLog;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("alert history " + directory.root() + " is closed");
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (TenantLog tenantLog : logs.values()) {
      try {
        tenantLog.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
    if (failure != null) {
      throw failure;
    }
  }
}

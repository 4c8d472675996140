package dev.tonari.query;

import dev.tonari.logql.LogqlUnits;
import dev.tonari.store.ScanAbortedException;
import dev.tonari.store.ScanListener;
import dev.tonari.store.SelectRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The running budget of one query: a deadline ({@code query_timeout}), a budget of bytes scanned
 * ({@code max_query_bytes_read}) and a cancelled flag that the HTTP layer sets when the client goes
 * away.
 *
 * <p>It is the {@link ScanListener} of the query's {@link SelectRequest}s (see {@link
 * #listening}): the store reports every block it decodes, with its lines and their bytes, and each
 * report counts them and checks the budget, throwing {@link QueryAbortedException} (a {@link
 * ScanAbortedException}, which the store passes to the consumer unchanged) when it is spent. So a
 * scan stops within a block of its deadline, byte limit or client's disconnect, also while the
 * store searches literals over whole blocks without testing lines one by one. Consumers also call
 * {@link #entryTaken()} for every entry they take, which checks every {@value #CHECK_INTERVAL}
 * calls, for work done after the scan. Checks allocate nothing; the probe of the client is asked at
 * most once per its interval.
 *
 * <p>Thread-safety: {@link #cancel()} may be called from any thread, and the store calls the
 * listener methods from its scan threads: the counters are {@link LongAdder}s, the first abort is
 * kept (so that every scan thread stops with it at its next block, before decoding), and the probe
 * interval is claimed atomically. {@link #entryTaken()} is for the consumer's thread only; its
 * interval counter is deliberately unsynchronised.
 */
public final class QueryContext implements ScanListener {
  /** Entries between two checks of the budget by {@link #entryTaken()}: rare enough to cost nothing, often enough to stop within milliseconds. */
  static final int CHECK_INTERVAL = 1024;

  private final Duration timeout;
  private final long deadlineNanos;
  private final long maxBytesRead;
  private final long maxMemoryBytes;
  /** What the query's series hold now, estimated (see {@link #memoryChanged}). */
  private final AtomicLong memoryHeld = new AtomicLong();
  private final LongSupplier nanoClock;
  private final LongAdder linesScanned = new LongAdder();
  private final LongAdder bytesScanned = new LongAdder();
  private volatile boolean cancelled;
  /** The first abort: later blocks, on any thread, stop with it before they are read. */
  private volatile QueryAbortedException aborted;
  private int untilCheck = CHECK_INTERVAL;
  private volatile BooleanSupplier clientGone;
  private volatile long probeIntervalNanos;
  private final AtomicLong nextProbeNanos = new AtomicLong();

  QueryContext(Duration timeout, long maxBytesRead, LongSupplier nanoClock) {
    this(timeout, maxBytesRead, 0, nanoClock);
  }

  QueryContext(Duration timeout, long maxBytesRead, long maxMemoryBytes, LongSupplier nanoClock) {
    this.timeout = timeout;
    this.maxBytesRead = maxBytesRead;
    this.maxMemoryBytes = maxMemoryBytes;
    this.nanoClock = nanoClock;
    long now = nanoClock.getAsLong();
    // A zero timeout means none; a huge one must not overflow into the past.
    this.deadlineNanos = timeout.isZero() || timeout.toNanos() > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : now + timeout.toNanos();
  }

  /** A client-gone probe that contexts started on this thread adopt (see {@link #cancelQueriesOfThisThreadWhen}). */
  private static final ThreadLocal<Probe> THREAD_PROBE = new ThreadLocal<>();

  private record Probe(BooleanSupplier clientGone, Duration interval) {}

  /**
   * A context for one query under these limits, its deadline counted from now; it adopts the
   * client-gone probe of this thread, if a request handler set one.
   */
  public static QueryContext start(QueryLimits limits) {
    QueryContext context = new QueryContext(limits.queryTimeout(), limits.maxQueryBytesRead(), limits.maxQueryMemoryBytes(), System::nanoTime);
    Probe probe = THREAD_PROBE.get();
    if (probe != null) {
      context.cancelWhen(probe.clientGone(), probe.interval());
    }
    return context;
  }

  /**
   * Until the returned scope is closed, every context started on this thread is cancelled when
   * {@code clientGone} answers true. This lets an HTTP handler make the queries it runs (through
   * layers that create their own contexts, such as per-tenant engines) stop when its client
   * disconnects; the handler runs the whole request on one thread.
   */
  public static CancellationScope cancelQueriesOfThisThreadWhen(BooleanSupplier clientGone, Duration interval) {
    Probe previous = THREAD_PROBE.get();
    THREAD_PROBE.set(new Probe(clientGone, interval));
    return () -> {
      if (previous == null) {
        THREAD_PROBE.remove();
      } else {
        THREAD_PROBE.set(previous);
      }
    };
  }

  /** Ends a {@link #cancelQueriesOfThisThreadWhen} scope; closing never fails. */
  public interface CancellationScope extends AutoCloseable {
    @Override
    void close();
  }

  /** A context with a given clock, so that tests decide when the deadline passes. */
  public static QueryContext start(QueryLimits limits, LongSupplier nanoClock) {
    return new QueryContext(limits.queryTimeout(), limits.maxQueryBytesRead(), limits.maxQueryMemoryBytes(), nanoClock);
  }

  /** Asks the query to stop; it does at its next check and fails with status 499. */
  public void cancel() {
    cancelled = true;
  }

  /**
   * Cancels the query as soon as {@code clientGone} answers true, asking it at most once per
   * {@code interval} (at the budget checks), since asking may cost a system call or a file read.
   */
  public void cancelWhen(BooleanSupplier clientGone, Duration interval) {
    this.probeIntervalNanos = interval.toNanos();
    this.nextProbeNanos.set(nanoClock.getAsLong() + probeIntervalNanos);
    this.clientGone = clientGone;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  public long linesScanned() {
    return linesScanned.sum();
  }

  public long bytesScanned() {
    return bytesScanned.sum();
  }

  /** The request with this context as its scan listener: what the engines send to the store. */
  public SelectRequest listening(SelectRequest request) {
    return request.withScanListener(this);
  }

  /** Stops a block before it is read when the query was already stopped (on any thread) or cancelled; reads no clock. */
  @Override
  public void beforeBlock() {
    QueryAbortedException stopped = aborted;
    if (stopped != null) {
      throw stopped;
    }
    if (cancelled) {
      check();
    }
  }

  /** Counts a block the store decoded (its lines in the query's range and their bytes) and checks the budget. */
  @Override
  public void blockScanned(int lines, long lineBytes) {
    linesScanned.add(lines);
    bytesScanned.add(lineBytes);
    check();
  }

  /**
   * Records that the query's series now hold {@code deltaBytes} more (or, negative, fewer) bytes;
   * called when their arrays grow or shrink, not per sample. Beyond {@code max_query_memory_bytes}
   * the query stops with a 400 naming the limit.
   */
  public void memoryChanged(long deltaBytes) {
    long held = memoryHeld.addAndGet(deltaBytes);
    if (maxMemoryBytes > 0 && held > maxMemoryBytes) {
      throw abort(
          400,
          String.format(
              "the query would hold too much memory (query: %s, limit: %s); consider adding more specific stream selectors, a coarser step,"
                  + " fewer series (a smaller by) or a shorter time range (max_query_memory_bytes)",
              HumanBytes.format(held),
              HumanBytes.format(maxMemoryBytes)));
    }
  }

  /** Records a log entry a log query keeps for its answer (object, line as UTF-16, metadata), estimated. */
  public void entryHeld(String line, dev.tonari.store.Labels metadata) {
    long bytes = 64 + 2L * line.length();
    for (int i = 0; i < metadata.size(); i++) {
      bytes += 80 + 2L * (metadata.name(i).length() + metadata.value(i).length());
    }
    memoryChanged(bytes);
  }

  /** The bytes the query's series (or log entries) hold now, estimated. */
  public long memoryHeld() {
    return memoryHeld.get();
  }

  /** Counts an entry taken from a cursor (for scans that never call a line filter); checks now and then. */
  public void entryTaken() {
    if (--untilCheck <= 0) {
      untilCheck = CHECK_INTERVAL;
      check();
    }
  }

  /**
   * Throws when the query was cancelled, ran past its deadline or read more bytes than allowed.
   *
   * @throws QueryAbortedException carrying the status and message Loki answers with
   */
  public void check() {
    QueryAbortedException stopped = aborted;
    if (stopped != null) {
      throw stopped;
    }
    BooleanSupplier probe = clientGone;
    if (probe != null && !cancelled) {
      long now = nanoClock.getAsLong();
      long due = nextProbeNanos.get();
      // Scan threads check at once: only the one that moves the next probe time asks the probe.
      if (now - due >= 0 && nextProbeNanos.compareAndSet(due, now + probeIntervalNanos) && probe.getAsBoolean()) {
        cancelled = true;
      }
    }
    if (cancelled) {
      throw abort(499, "The request was cancelled by the client.");
    }
    if (deadlineNanos != Long.MAX_VALUE && nanoClock.getAsLong() - deadlineNanos > 0) {
      throw abort(
          504,
          "Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce"
              + " the amount of data processed. (query_timeout: "
              + LogqlUnits.goDurationString(timeout.toNanos())
              + ")");
    }
    if (maxBytesRead > 0) {
      long read = bytesScanned.sum();
      if (read > maxBytesRead) {
        throw abort(
            400,
            String.format(
                "the query would read too many bytes (query: %s, limit: %s); consider adding more specific stream selectors or reduce the time"
                    + " range of the query (max_query_bytes_read)",
                HumanBytes.format(read),
                HumanBytes.format(maxBytesRead)));
      }
    }
  }

  /** The abort to throw: the first one, kept, so that every thread reports the same reason. */
  private QueryAbortedException abort(int status, String message) {
    QueryAbortedException candidate = new QueryAbortedException(status, message);
    synchronized (this) {
      if (aborted == null) {
        aborted = candidate;
      }
      return aborted;
    }
  }

  /**
   * A query stopped by its context: a {@link ScanAbortedException}, so that it leaves the store's
   * scan loops (on any thread) unchanged; the engine turns it into a {@link QueryException} with
   * the same status.
   */
  public static final class QueryAbortedException extends ScanAbortedException {
    private static final long serialVersionUID = 1L;
    private final int status;

    QueryAbortedException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }

    /** The abort behind a failure, when a store wrapped it (for example in an IOException of a worker thread); null when none. */
    public static QueryAbortedException findIn(Throwable failure) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof QueryAbortedException aborted) {
          return aborted;
        }
      }
      return null;
    }

    public QueryException toQueryException() {
      return new QueryException(status, getMessage(), this);
    }
  }
}

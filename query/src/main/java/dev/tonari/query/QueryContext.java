package dev.tonari.query;

import dev.tonari.logql.LogqlUnits;
import dev.tonari.store.LinePredicate;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The running budget of one query: a deadline ({@code query_timeout}), a budget of bytes scanned
 * ({@code max_query_bytes_read}) and a cancelled flag that the HTTP layer sets when the client goes
 * away. Scans call {@link #lineScanned(int)} for every line they test and {@link #entryTaken()}
 * for every entry they take from a cursor; both count, and every {@value #CHECK_INTERVAL} calls
 * check the budget and throw {@link QueryAbortedException} when it is spent, so a long scan stops
 * within a few thousand lines of its deadline, its byte limit or its client's disconnect. The
 * checks read the clock only then, and allocate nothing.
 *
 * <p>Thread-safety: {@link #cancel()} may be called from any thread. The counters are {@link
 * LongAdder}s, so a store may test lines from several threads; the check interval counter is
 * deliberately unsynchronised, since a lost increment only delays one check by a line.
 */
public final class QueryContext {
  /** Lines or entries between two checks of the budget: rare enough to cost nothing, often enough to stop within milliseconds. */
  static final int CHECK_INTERVAL = 1024;

  private final Duration timeout;
  private final long deadlineNanos;
  private final long maxBytesRead;
  private final LongSupplier nanoClock;
  private final LongAdder linesScanned = new LongAdder();
  private final LongAdder bytesScanned = new LongAdder();
  private volatile boolean cancelled;
  private int untilCheck = CHECK_INTERVAL;
  private volatile BooleanSupplier clientGone;
  private long probeIntervalNanos;
  private long nextProbeNanos;

  QueryContext(Duration timeout, long maxBytesRead, LongSupplier nanoClock) {
    this.timeout = timeout;
    this.maxBytesRead = maxBytesRead;
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
    QueryContext context = new QueryContext(limits.queryTimeout(), limits.maxQueryBytesRead(), System::nanoTime);
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
    return new QueryContext(limits.queryTimeout(), limits.maxQueryBytesRead(), nanoClock);
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
    this.nextProbeNanos = nanoClock.getAsLong() + probeIntervalNanos;
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

  /** Counts a line the store decoded and tested; checks the budget now and then. */
  public void lineScanned(int length) {
    linesScanned.increment();
    bytesScanned.add(length);
    if (--untilCheck <= 0) {
      untilCheck = CHECK_INTERVAL;
      check();
    }
  }

  /** Counts an entry taken from a cursor (for scans that never call a line filter); checks now and then. */
  public void entryTaken() {
    if (--untilCheck <= 0) {
      untilCheck = CHECK_INTERVAL;
      check();
    }
  }

  /** The filter wrapped so that every line it tests is counted against this context. */
  public LinePredicate counting(LinePredicate filter) {
    return (buffer, offset, length) -> {
      lineScanned(length);
      return filter.test(buffer, offset, length);
    };
  }

  /**
   * Throws when the query was cancelled, ran past its deadline or read more bytes than allowed.
   *
   * @throws QueryAbortedException carrying the status and message Loki answers with
   */
  public void check() {
    BooleanSupplier probe = clientGone;
    if (probe != null && !cancelled) {
      long now = nanoClock.getAsLong();
      if (now - nextProbeNanos >= 0) {
        nextProbeNanos = now + probeIntervalNanos;
        if (probe.getAsBoolean()) {
          cancelled = true;
        }
      }
    }
    if (cancelled) {
      throw new QueryAbortedException(499, "The request was cancelled by the client.");
    }
    if (deadlineNanos != Long.MAX_VALUE && nanoClock.getAsLong() - deadlineNanos > 0) {
      throw new QueryAbortedException(
          504,
          "Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce"
              + " the amount of data processed. (query_timeout: "
              + LogqlUnits.goDurationString(timeout.toNanos())
              + ")");
    }
    if (maxBytesRead > 0) {
      long read = bytesScanned.sum();
      if (read > maxBytesRead) {
        throw new QueryAbortedException(
            400,
            String.format(
                "the query would read too many bytes (query: %s, limit: %s); consider adding more specific stream selectors or reduce the time"
                    + " range of the query (max_query_bytes_read)",
                HumanBytes.format(read),
                HumanBytes.format(maxBytesRead)));
      }
    }
  }

  /**
   * A query stopped by its context: unchecked so that it can leave a store's scan loop through a
   * {@link LinePredicate}; the engine turns it into a {@link QueryException} with the same status.
   */
  public static final class QueryAbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    QueryAbortedException(int status, String message) {
      super(message, null, false, false);
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

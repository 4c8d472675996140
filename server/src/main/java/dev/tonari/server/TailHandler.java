package dev.tonari.server;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryException;
import dev.tonari.query.StreamResult;
import dev.tonari.query.StreamsResult;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsErrorContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /loki/api/v1/tail} over WebSocket: live tail of a log query, as Loki's querier answers
 * it.
 *
 * <p>Parameters as Loki: {@code query} (a log query, pipeline included), {@code limit} (default
 * 100), {@code start} (default an hour ago), {@code delay_for} (seconds, 0 to 5). Bad parameters
 * are refused with HTTP 400 before the upgrade; a tenant past its concurrent tails, or a failing
 * query, gets a close frame with status 1011 and Loki's message after it. The tenant is the one the
 * tenant gate resolved for the upgrade request ({@link RequestTenants}).
 *
 * <p>How it works: Tonari has no ingester push path to hook, so each tail is a poller on its own
 * daemon thread. It first sends the newest {@code limit} entries since {@code start}, then, every
 * poll interval, runs the query forward from the newest timestamp sent up to {@code now - delay_for}.
 * Entries at exactly that timestamp may arrive later than others of the same timestamp, so the
 * query starts at (not after) it and the entries already sent at it are remembered and skipped:
 * nothing is sent twice and nothing with a later or equal timestamp is missed. An entry pushed with
 * a timestamp older than one already sent is not sent; {@code delay_for} is the client's way to wait
 * for such stragglers, as in Loki. Each poll asks for {@code limit} new entries (plus the ones it
 * will skip); when it gets them all, more may be waiting and it polls again at once. When the socket closes the poller stops within one poll interval, and its
 * thread ends.
 *
 * <p>Frames: {@code {"streams":[{"stream":{...},"values":[["<ns>","line"],...]}]}}, structured
 * metadata folded into the stream labels as Loki shows it without {@code categorize-labels}.
 */
final class TailHandler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TailHandler.class);

  /** Loki's {@code maxDelayForInTailing}. */
  static final int MAX_DELAY_SECONDS = 5;

  /** Loki's default {@code max_concurrent_tail_requests}. */
  static final int DEFAULT_MAX_TAILS_PER_TENANT = 10;

  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** Loki's close code for a tail that fails: {@code websocket.CloseInternalServerErr}. */
  static final int CLOSE_INTERNAL_ERROR = 1011;

  private static final String REQUEST_ATTRIBUTE = "tonari.tail.request";
  private static final Duration DEFAULT_SINCE = Duration.ofHours(1);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  private static final long SECOND = 1_000_000_000L;

  private final QueryEngine engine;
  private final int maxEntriesPerQuery;
  private final LongSupplier nowNanos;
  private final int maxTailsPerTenant;
  private final Duration pollInterval;
  private final MultiTenantQuery usage;
  private final Map<String, Integer> tailsByTenant = new ConcurrentHashMap<>();
  private final Map<String, TailSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong threadNumber = new AtomicLong();

  /**
   * @param maxEntriesPerQuery the query engine's {@code max_entries_limit_per_query}, which bounds
   *     {@code limit}
   * @param usage meters a tail as one query when it opens ({@link MultiTenantQuery#recordRead})
   *     and the bytes of every poll ({@link MultiTenantQuery#recordTailPoll})
   */
  TailHandler(QueryEngine engine, int maxEntriesPerQuery, LongSupplier nowNanos, int maxTailsPerTenant, Duration pollInterval,
      MultiTenantQuery usage) {
    if (maxTailsPerTenant <= 0) {
      throw new IllegalArgumentException("max_concurrent_tail_requests must be positive, got " + maxTailsPerTenant);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("tail poll interval must be positive, got " + pollInterval);
    }
    this.engine = engine;
    this.maxEntriesPerQuery = maxEntriesPerQuery;
    this.nowNanos = nowNanos;
    this.maxTailsPerTenant = maxTailsPerTenant;
    this.pollInterval = pollInterval;
    this.usage = usage;
  }

  /** A validated tail request. */
  record TailRequest(String tenant, String query, int limit, long startNanos, long delayNanos) {}

  /**
   * Validates the upgrade request so that bad parameters are a plain HTTP 400, as in Loki, and
   * hands the validated request to {@link #connected} as an attribute of the upgrade request. Runs
   * after the tenant gate, which resolved the tenant.
   */
  void beforeUpgrade(Context ctx) {
    try {
      TailRequest request = parse(RequestTenants.tenantOf(ctx), ctx.queryParam("query"), ctx.queryParam("limit"), ctx.queryParam("start"),
          ctx.queryParam("delay_for"));
      ctx.attribute(REQUEST_ATTRIBUTE, request);
    } catch (RequestTenants.InvalidTenantException | QueryException | IllegalArgumentException e) {
      ctx.status(HttpStatus.BAD_REQUEST).contentType("text/plain; charset=utf-8").result(e.getMessage() + "\n");
      ctx.skipRemainingHandlers();
    }
  }

  /** The WebSocket handlers of the route. */
  void configure(WsConfig ws) {
    ws.onConnect(this::connected);
    ws.onClose(this::closed);
    ws.onError(this::failed);
  }

  /**
   * @param tenant as {@link RequestTenants#tenantOf} gives it
   */
  TailRequest parse(String tenant, String query, String limitText, String startText, String delayText) throws QueryException {
    String text = query == null ? "" : query;
    try {
      LogqlParser.parseLogSelector(text);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
    int limit = QueryHandlers.DEFAULT_LIMIT;
    if (limitText != null && !limitText.isEmpty()) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid limit parameter \"" + limitText + "\": expected a positive integer", e);
      }
      if (limit <= 0) {
        throw new IllegalArgumentException("limit must be a positive value");
      }
    }
    if (limit > maxEntriesPerQuery) {
      throw new QueryException(400, String.format("max entries limit per query exceeded, limit > max_entries_limit (%d > %d)", limit, maxEntriesPerQuery));
    }
    int delaySeconds = 0;
    if (delayText != null && !delayText.isEmpty()) {
      try {
        delaySeconds = Integer.parseInt(delayText.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid delay_for parameter \"" + delayText + "\": expected whole seconds", e);
      }
    }
    if (delaySeconds < 0) {
      throw new IllegalArgumentException("delay_for must not be negative, got " + delaySeconds);
    }
    if (delaySeconds > MAX_DELAY_SECONDS) {
      throw new IllegalArgumentException("delay_for can't be greater than " + MAX_DELAY_SECONDS);
    }
    long start = startText == null || startText.isEmpty()
        ? nowNanos.getAsLong() - DEFAULT_SINCE.toNanos()
        : LokiTime.parseNanos("start", startText);
    return new TailRequest(tenant, text, limit, start, delaySeconds * SECOND);
  }

  private void connected(WsConnectContext ws) {
    TailRequest request = ws.attribute(REQUEST_ATTRIBUTE);
    if (request == null) {
      // Wiring bug: the route was registered without beforeUpgrade; never guess the tenant.
      log.error("tail {} reached the socket without a validated request", ws.queryString());
      ws.closeSession(CLOSE_INTERNAL_ERROR, "tail request was not validated before the upgrade");
      return;
    }
    String refusal = acquire(request.tenant());
    if (refusal != null) {
      log.warn("tail refused for tenant {}: {}", request.tenant(), refusal);
      ws.closeSession(CLOSE_INTERNAL_ERROR, refusal);
      return;
    }
    TailSession session = new TailSession(ws, request);
    sessions.put(ws.sessionId(), session);
    try {
      Thread.ofPlatform().daemon(true).name("tonari-tail-" + threadNumber.incrementAndGet()).start(session);
    } catch (RuntimeException e) {
      session.finish();
      throw e;
    }
    log.info("tail started for tenant {}: {}", request.tenant(), request.query());
  }

  private void closed(WsCloseContext ws) {
    TailSession session = sessions.get(ws.sessionId());
    if (session != null) {
      session.stop();
    }
  }

  private void failed(WsErrorContext ws) {
    TailSession session = sessions.get(ws.sessionId());
    if (session != null) {
      log.warn("tail of tenant {} failed: {}", session.request.tenant(), String.valueOf(ws.error()));
      session.stop();
    }
  }

  /** Null when the tenant may start one more tail, otherwise Loki's refusal. */
  private String acquire(String tenant) {
    String[] refusal = new String[1];
    tailsByTenant.compute(tenant, (name, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxTailsPerTenant) {
        refusal[0] = String.format("max concurrent tail requests limit exceeded, count > limit (%d > %d)", current + 1, maxTailsPerTenant);
        return count;
      }
      return current + 1;
    });
    return refusal[0];
  }

  private void release(String tenant) {
    tailsByTenant.computeIfPresent(tenant, (name, count) -> count <= 1 ? null : count - 1);
  }

  /** Tails running now, for tests and shutdown. */
  int activeTails() {
    return sessions.size();
  }

  /** Stops every poller; the server's WebSocket sessions close with the server. */
  @Override
  public void close() {
    for (TailSession session : sessions.values()) {
      session.stop();
    }
  }

  /** An entry already sent, identified as the store deduplicates: stream, timestamp, line. */
  private record SentEntry(Labels labels, String line, Labels metadata) {}

  /** One live tail: its socket, its position and its poller. */
  private final class TailSession implements Runnable {
    private final WsContext ws;
    private final TailRequest request;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Newest timestamp sent; the next poll starts there. */
    private long cursorNanos;
    /** Entries sent at {@link #cursorNanos}, skipped when the next poll returns them again. */
    private final Set<SentEntry> sentAtCursor = new HashSet<>();

    TailSession(WsContext ws, TailRequest request) {
      this.ws = ws;
      this.request = request;
      this.cursorNanos = request.startNanos();
    }

    void stop() {
      stopSignal.countDown();
    }

    @Override
    public void run() {
      // The tail is one query however long it runs; its polls add only scanned bytes.
      usage.recordRead(request.tenant(), 0);
      try {
        boolean full = sendNewest();
        while (!stopped(full)) {
          if (!ws.session.isOpen()) {
            break;
          }
          full = sendSinceCursor();
        }
      } catch (QueryException e) {
        if (e.status() >= 500) {
          log.error("tail of tenant {} failed: {}", request.tenant(), request.query(), e);
        }
        closeWith(e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | TimeoutException | RuntimeException e) {
        log.error("tail of tenant {} for {} failed", request.tenant(), request.query(), e);
        closeWith("tail failed for tenant " + request.tenant() + ": " + e.getMessage());
      } finally {
        finish();
      }
    }

    /** Waits one poll interval unless the last frame was full; true once the tail must stop. */
    private boolean stopped(boolean full) throws InterruptedException {
      if (full) {
        return stopSignal.getCount() == 0;
      }
      return stopSignal.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Loki's first answer: the newest {@code limit} entries since start, oldest first. */
    private boolean sendNewest() throws QueryException, IOException, InterruptedException, TimeoutException {
      long end = pollEnd();
      if (end <= cursorNanos) {
        return false;
      }
      StreamsResult result = engine.logQuery(request.tenant(), request.query(), cursorNanos, end, request.limit(), Direction.BACKWARD);
      usage.recordTailPoll(request.tenant(), result.statistics().bytesScanned());
      List<StreamResult> forward = new ArrayList<>(result.streams().size());
      for (StreamResult stream : result.streams()) {
        forward.add(new StreamResult(stream.labels(), stream.entries().reversed()));
      }
      send(forward);
      return false;
    }

    /** One poll; true when it filled a frame, so more may be waiting. */
    private boolean sendSinceCursor() throws QueryException, IOException, InterruptedException, TimeoutException {
      long end = pollEnd();
      if (end <= cursorNanos) {
        ping();
        return false;
      }
      // The entries already sent at the cursor come back first; ask for that many more.
      int limit = (int) Math.min((long) request.limit() + sentAtCursor.size(), maxEntriesPerQuery);
      StreamsResult result = engine.logQuery(request.tenant(), request.query(), cursorNanos, end, limit, Direction.FORWARD);
      usage.recordTailPoll(request.tenant(), result.statistics().bytesScanned());
      int returned = 0;
      List<StreamResult> unsent = new ArrayList<>(result.streams().size());
      for (StreamResult stream : result.streams()) {
        List<LogEntry> entries = new ArrayList<>(stream.entries().size());
        for (LogEntry entry : stream.entries()) {
          returned++;
          if (entry.timestampNanos() != cursorNanos || !sentAtCursor.contains(new SentEntry(stream.labels(), entry.line(), entry.metadata()))) {
            entries.add(entry);
          }
        }
        if (!entries.isEmpty()) {
          unsent.add(new StreamResult(stream.labels(), entries));
        }
      }
      if (unsent.isEmpty()) {
        ping();
      } else {
        send(unsent);
      }
      return returned >= limit && !unsent.isEmpty();
    }

    private long pollEnd() {
      return nowNanos.getAsLong() - request.delayNanos();
    }

    /** Sends entries (oldest first within each stream) and moves the cursor past them. */
    private void send(List<StreamResult> streams) throws IOException, InterruptedException, TimeoutException {
      long newest = cursorNanos;
      List<LokiJson.Stream> frame = new ArrayList<>();
      for (StreamResult stream : streams) {
        frame.addAll(QueryHandlers.foldMetadata(stream.labels(), stream.entries()));
        for (LogEntry entry : stream.entries()) {
          newest = Math.max(newest, entry.timestampNanos());
        }
      }
      if (frame.isEmpty()) {
        return;
      }
      if (newest != cursorNanos) {
        sentAtCursor.clear();
        cursorNanos = newest;
      }
      for (StreamResult stream : streams) {
        for (LogEntry entry : stream.entries()) {
          if (entry.timestampNanos() == cursorNanos) {
            sentAtCursor.add(new SentEntry(stream.labels(), entry.line(), entry.metadata()));
          }
        }
      }
      Callback.Completable sent = new Callback.Completable();
      ws.session.sendText(ReadApiJson.tailFrame(frame), sent);
      await(sent);
    }

    /** Finds dead connections when there is nothing to send, as Loki pings its tail sockets. */
    private void ping() throws IOException, InterruptedException, TimeoutException {
      Callback.Completable sent = new Callback.Completable();
      ws.session.sendPing(ByteBuffer.allocate(0), sent);
      await(sent);
    }

    private void await(Callback.Completable sent) throws IOException, InterruptedException, TimeoutException {
      try {
        sent.get(SEND_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new IOException("sending to the tail socket of tenant " + request.tenant() + ": " + e.getCause().getMessage(), e.getCause());
      }
    }

    private void closeWith(String message) {
      if (ws.session.isOpen()) {
        // A close reason is at most 123 bytes in a WebSocket frame.
        String reason = message.length() > 120 ? message.substring(0, 120) : message;
        ws.closeSession(CLOSE_INTERNAL_ERROR, reason);
      }
    }

    void finish() {
      if (finished.compareAndSet(false, true)) {
        sessions.remove(ws.sessionId(), this);
        release(request.tenant());
        log.info("tail stopped for tenant {}: {}", request.tenant(), request.query());
      }
    }
  }
}

package dev.tonari.server;

import dev.tonari.store.Utf8;
import dev.tonari.ingest.Limits;
import dev.tonari.ingest.PushDecoder;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.PushValidator;
import dev.tonari.ingest.ValidationResult;
import dev.tonari.ingest.agent.LogDiscovery;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.HeadFullException;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.config.RoutingRule;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantLimits;
import dev.tonari.tenancy.limits.IngestionRateLimiter;
import dev.tonari.tenancy.limits.LimitRefusal;
import dev.tonari.tenancy.limits.StreamLimiter;
import dev.tonari.tenancy.usage.UsageMeter;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /loki/api/v1/push}: the tenant from {@link RequestTenants} (or, with a routing rule,
 * each stream's tenant from its routing label), body read up to the limit, decoded, then for each
 * tenant's part: validated against that tenant's limits, charged to its ingestion rate bucket
 * (429 with Loki's message when it is empty; the part is refused whole), checked stream by stream
 * against its active stream limit (429, Loki's message), stored durably and metered. 204 only when
 * every part of every tenant was stored whole; otherwise the highest status among the parts (a
 * 429 tells the agent to retry, and the store keeps re-pushed identical entries once) and every
 * part's message. When some entries of a part are refused, its good ones are stored first, as
 * Loki does.
 */
final class PushHandler {
  private static final Logger log = LoggerFactory.getLogger(PushHandler.class);

  private final LogStore store;
  private final PushValidator validator;
  private final Limits limits;
  private final Supplier<TenantConfig> tenantConfig;
  private final IngestionRateLimiter rateLimiter;
  private final StreamLimiter streamLimiter;
  private final UsageMeter meter;
  private final ServerMetrics metrics;

  /**
   * @param limits the server-wide limits: body size, label name and value lengths, truncation; the
   *     per-tenant ones (line size, labels per stream, sample age) come from the tenant's config
   */
  PushHandler(LogStore store, PushValidator validator, Limits limits, Supplier<TenantConfig> tenantConfig, IngestionRateLimiter rateLimiter,
      StreamLimiter streamLimiter, UsageMeter meter, ServerMetrics metrics) {
    this.store = store;
    this.validator = validator;
    this.limits = limits;
    this.tenantConfig = tenantConfig;
    this.rateLimiter = rateLimiter;
    this.streamLimiter = streamLimiter;
    this.meter = meter;
    this.metrics = metrics;
  }

  void handle(Context ctx) {
    long started = System.nanoTime();
    int status = push(ctx);
    metrics.recordPush(status, System.nanoTime() - started);
  }

  /**
   * The result of pushing one tenant's part: 204, or a status and message, and for a refusal
   * that passes with time the seconds to tell the client to wait ({@code Retry-After}; 0: none).
   */
  record Outcome(int status, String message, long retryAfterSeconds) {
    static final Outcome STORED = new Outcome(204, "");

    Outcome(int status, String message) {
      this(status, message, 0);
    }
  }

  private int push(Context ctx) {
    List<String> tenants = RequestTenants.tenantsOf(ctx);
    Principal principal = RequestTenants.principalOf(ctx);
    String requestTenants = String.join(RequestTenants.SEPARATOR, tenants);
    byte[] body;
    try {
      body = readBody(ctx);
    } catch (PushException e) {
      return answer(ctx, e.status(), e.getMessage());
    } catch (IOException e) {
      return answer(ctx, 400, "error reading push request body of tenant " + requestTenants + ": " + e.getMessage());
    }
    PushRequest request;
    try {
      request = PushDecoder.decode(ctx.header("Content-Type"), ctx.header("Content-Encoding"), body, limits.maxBodyBytes());
    } catch (PushException e) {
      return answer(ctx, e.status(), e.getMessage());
    }
    Outcome outcome = pushDecoded(tenants, principal, request);
    if (outcome.status() == 204) {
      ctx.status(204);
      return 204;
    }
    if (outcome.retryAfterSeconds() > 0) {
      ctx.header("Retry-After", Long.toString(outcome.retryAfterSeconds()));
    }
    return answer(ctx, outcome.status(), outcome.message());
  }

  /**
   * Pushes an already decoded request of the tenants the gate admitted: per tenant (or routed
   * part) discovery, validation, limits, storage and metering, as for a Loki push. The agents'
   * endpoints (OTLP, Elasticsearch bulk, JSON lines) decode their own formats and come here.
   *
   * @return 204, or the highest status among the parts with every part's message
   */
  Outcome pushDecoded(List<String> tenants, Principal principal, PushRequest request) {
    TenantConfig config = tenantConfig.get();
    List<Outcome> outcomes = new ArrayList<>();
    if (config.routing().isEmpty()) {
      outcomes.add(pushTenant(tenants.get(0), request, config));
    } else {
      outcomes.addAll(pushRouted(principal, request, config, config.routing().get()));
    }
    int status = 204;
    long retryAfterSeconds = 0;
    StringBuilder message = new StringBuilder();
    for (Outcome outcome : outcomes) {
      retryAfterSeconds = Math.max(retryAfterSeconds, outcome.retryAfterSeconds());
      if (outcome.status() != 204) {
        status = Math.max(status == 204 ? 0 : status, outcome.status());
        if (!message.isEmpty()) {
          message.append('\n');
        }
        message.append(outcome.message());
      }
    }
    return status == 204 ? Outcome.STORED : new Outcome(status, message.toString(), retryAfterSeconds);
  }

  /** Records the status and time of an agent's push in the same metrics as a Loki push. */
  void recordPush(int status, long elapsedNanos) {
    metrics.recordPush(status, elapsedNanos);
  }

  /** The server-wide limits (the body size bound applies to every push endpoint). */
  Limits limits() {
    return limits;
  }

  /**
   * Splits the streams by the routing label and pushes each tenant's part on its own; a part for a
   * tenant the token does not hold is refused with 403, streams that route nowhere with 400.
   */
  private List<Outcome> pushRouted(Principal principal, PushRequest request, TenantConfig config, RoutingRule rule) {
    Map<String, List<StreamBatch>> parts = new TreeMap<>();
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, Integer> unrouted = new TreeMap<>();
    for (StreamBatch stream : request.streams()) {
      switch (rule.route(stream.labels().get(rule.label()))) {
        case RoutingRule.Decision.Routed routed -> parts.computeIfAbsent(routed.tenant(), key -> new ArrayList<>()).add(stream);
        case RoutingRule.Decision.Refused refused -> unrouted.merge(refused.message(), stream.entries().size(), Integer::sum);
      }
    }
    for (Map.Entry<String, Integer> refused : unrouted.entrySet()) {
      metrics.recordRefused("unrouted", "unrouted", refused.getValue());
      outcomes.add(new Outcome(400, refused.getValue() + (refused.getValue() == 1 ? " entry" : " entries") + " refused: " + refused.getKey()));
    }
    if (!request.rejectedStreams().isEmpty()) {
      // Streams whose labels could not be parsed have no routing label; they are refused as Loki refuses them.
      ValidationResult result = validator.validate("unrouted", new PushRequest(List.of(), request.rejectedStreams()), limits);
      metrics.recordRefused("unrouted", refusalReason(result.reasons()), result.rejectedEntries());
      outcomes.add(new Outcome(result.status(), result.message()));
    }
    for (Map.Entry<String, List<StreamBatch>> part : parts.entrySet()) {
      String tenant = part.getKey();
      if (!principal.holds(tenant)) {
        int entries = part.getValue().stream().mapToInt(stream -> stream.entries().size()).sum();
        metrics.recordRefused(tenant, "forbidden", entries);
        outcomes.add(new Outcome(403, "token '" + principal.name() + "' is not granted tenant '" + tenant + "', where label " + rule.label()
            + " routes " + entries + (entries == 1 ? " entry" : " entries")));
        continue;
      }
      outcomes.add(pushTenant(tenant, new PushRequest(part.getValue()), config));
    }
    return outcomes;
  }

  /** Validates, rate- and stream-limits, stores and meters one tenant's part of a push. */
  private Outcome pushTenant(String tenant, PushRequest request, TenantConfig config) {
    TenantLimits tenantLimits = config.limitsFor(tenant);
    // Loki's distributor discovers service_name and detected_level before validating.
    PushRequest discovered = LogDiscovery.apply(request, tenantLimits.discoverServiceName(), tenantLimits.discoverLogLevels());
    ValidationResult result = validator.validate(tenant, discovered, ingestLimits(tenantLimits, limits));
    List<StreamBatch> accepted = result.accepted();
    List<String> messages = new ArrayList<>();
    int status = result.status();
    if (result.rejectedEntries() > 0) {
      messages.add(result.message());
      recordRefused(tenant, refusalReason(result.reasons()), result.rejectedEntries());
    }
    long bytes = lineBytes(accepted);
    if (!accepted.isEmpty()) {
      // Charged on the validated bytes, before the streams are looked at, as Loki's distributor does.
      Optional<LimitRefusal> rateRefusal = rateLimiter.tryAcquire(tenant, bytes, result.acceptedEntries());
      if (rateRefusal.isPresent()) {
        recordRefused(tenant, "rate_limited", result.acceptedEntries());
        messages.add(rateRefusal.get().message());
        return new Outcome(rateRefusal.get().status(), String.join("\n", messages));
      }
    }
    List<StreamBatch> admitted = new ArrayList<>(accepted.size());
    int streamRefusedEntries = 0;
    LimitRefusal streamRefusal = null;
    for (StreamBatch stream : accepted) {
      Optional<LimitRefusal> refusal = streamLimiter.admit(tenant, stream.labels().fingerprint());
      if (refusal.isPresent()) {
        streamRefusal = refusal.get();
        streamRefusedEntries += stream.entries().size();
      } else {
        admitted.add(stream);
      }
    }
    if (!admitted.isEmpty()) {
      try {
        store.append(tenant, admitted);
      } catch (HeadFullException e) {
        // Refused before anything was written: the whole part is to be sent again, as after a 429 of the rate limiter.
        int entries = result.acceptedEntries() - streamRefusedEntries;
        recordRefused(tenant, "head_full", entries);
        messages.add(headFullMessage(e, entries));
        return new Outcome(429, String.join("\n", messages), e.retryAfterSeconds());
      } catch (IOException | RuntimeException e) {
        java.util.Optional<ClusterUnavailable> unavailable = ClusterUnavailable.of(e);
        if (unavailable.isPresent()) {
          // Kafka did not take the batch in time: nothing of this part is acknowledged, the agent sends it again.
          log.warn("a push of tenant {} ({} streams) answered 503: {}", tenant, admitted.size(), unavailable.get().message());
          metrics.recordClusterUnavailable(unavailable.get().kind());
          messages.add(unavailable.get().message());
          return new Outcome(503, String.join("\n", messages), unavailable.get().retryAfterSeconds());
        }
        log.error("storing a push of tenant {} ({} streams) failed", tenant, admitted.size(), e);
        return new Outcome(500, "storing the push of tenant " + tenant + " failed: " + e.getMessage());
      }
      int entries = result.acceptedEntries() - streamRefusedEntries;
      long storedBytes = streamRefusal == null ? bytes : lineBytes(admitted);
      metrics.recordIngested(tenant, entries, storedBytes);
      meter.recordIngested(tenant, entries, storedBytes);
    }
    if (streamRefusal != null) {
      recordRefused(tenant, "stream_limit", streamRefusedEntries);
      messages.add(streamRefusal.message());
      status = streamRefusal.status();
    }
    return status == 204 ? Outcome.STORED : new Outcome(status, String.join("\n", messages));
  }

  /** Names the limit that was hit by its config key, so that an operator knows what to raise. */
  static String headFullMessage(HeadFullException e, int entries) {
    String key = e.scope() == HeadFullException.Scope.TENANT ? "storage.max_head_size_per_tenant" : "storage.max_head_size";
    String holder = e.scope() == HeadFullException.Scope.TENANT ? "tenant " + e.tenant() + "'s" : "the";
    return "ingestion refused, " + entries + (entries == 1 ? " entry" : " entries") + " of tenant " + e.tenant() + " not stored: " + holder
        + " in-memory head holds " + e.heldBytes() + " bytes not yet flushed to disk and the push adds about " + e.incomingBytes()
        + ", limit (" + key + ") is " + e.limitBytes() + " bytes; a flush is under way, retry after " + e.retryAfterSeconds() + " s";
  }

  private void recordRefused(String tenant, String reason, int entries) {
    metrics.recordRefused(tenant, reason, entries);
    meter.recordRefused(tenant, entries);
  }

  /**
   * The validator's limits for a tenant: line size, labels per stream and sample age from the
   * tenant's config; body size, label name and value lengths and truncation stay server-wide.
   */
  static Limits ingestLimits(TenantLimits tenant, Limits server) {
    return new Limits(tenant.rejectOldSamples(), tenant.rejectOldSamplesMaxAge(), tenant.creationGracePeriod(),
        (int) Math.min(tenant.maxLineSize(), Integer.MAX_VALUE), server.maxLineSizeTruncate(), tenant.maxLabelNamesPerSeries(),
        server.maxLabelNameLength(), server.maxLabelValueLength(), server.maxBodyBytes());
  }

  /** Reads at most the limit plus one byte, so an oversized body costs no more than the limit. */
  private byte[] readBody(Context ctx) throws IOException, PushException {
    long limit = Math.min(limits.maxBodyBytes(), Integer.MAX_VALUE - 16);
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw tooLarge(declared, limit);
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] body = RequestBodies.readAtMost(in, declared, (int) limit);
      if (body.length > limit) {
        throw tooLarge(body.length, limit);
      }
      return body;
    }
  }

  private static PushException tooLarge(long size, long limit) {
    String sizeText = size > limit ? "more than " + limit : Long.toString(size);
    return new PushException(413, "request body too large: " + sizeText + " bytes, limit (limits.max_push_body_size) is " + limit + " bytes");
  }

  private static int answer(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    return status;
  }

  private static long lineBytes(List<StreamBatch> batches) {
    long bytes = 0;
    for (StreamBatch batch : batches) {
      for (LogEntry entry : batch.entries()) {
        bytes += Utf8.length(entry.line());
      }
    }
    return bytes;
  }

  /**
   * Loki's {@code reason} label for its discarded-samples metric, recognised from the validator's
   * messages (Loki's texts). The validator reports messages, not counts per reason, so a request
   * refused for several kinds of problem is counted under {@code multiple}.
   */
  static String refusalReason(List<String> messages) {
    String reason = null;
    for (String message : messages) {
      String kind = reasonOf(message);
      if (reason == null) {
        reason = kind;
      } else if (!reason.equals(kind)) {
        return "multiple";
      }
    }
    return reason == null ? "other" : reason;
  }

  static String reasonOf(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (text.startsWith("max entry size")) {
      return "line_too_long";
    } else if (text.contains("timestamp too old")) {
      return "greater_than_max_sample_age";
    } else if (text.contains("timestamp too new")) {
      return "too_far_in_future";
    } else if (text.contains("label names; limit")) {
      return "max_label_names_per_series";
    } else if (text.contains("label name too long")) {
      return "label_name_too_long";
    } else if (text.contains("label value too long")) {
      return "label_value_too_long";
    } else if (text.contains("duplicate label name")) {
      return "duplicate_label_names";
    } else if (text.contains("at least one label pair")) {
      return "missing_labels";
    } else if (text.contains("error parsing labels")) {
      return "invalid_labels";
    }
    return "other";
  }

}

package dev.tonari.server;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.FieldMapping;
import dev.tonari.ingest.otlp.OtlpMapping;
import dev.tonari.tenancy.config.OtlpConfig;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantLimits;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import com.google.re2j.Pattern;

/**
 * What the agents' push endpoints (OTLP, Elasticsearch bulk, JSON lines) share: the bounded body
 * read, the request tenant's mapping settings, and the hand-over of the decoded request to {@link
 * PushHandler#pushDecoded}, so validation, limits, authorization of routed parts, storage and
 * metering are exactly a Loki push's.
 */
final class AgentPushSupport {
  /** The server-wide key that bounds every push body, compressed and decompressed. */
  static final String BODY_LIMIT_KEY = "limits.max_push_body_size";

  private final PushHandler push;
  private final Supplier<TenantConfig> tenantConfig;
  private final LongSupplier nowNanos;

  AgentPushSupport(PushHandler push, Supplier<TenantConfig> tenantConfig, LongSupplier nowNanos) {
    this.push = push;
    this.tenantConfig = tenantConfig;
    this.nowNanos = nowNanos;
  }

  long nowNanos() {
    return nowNanos.getAsLong();
  }

  long maxBodyBytes() {
    return push.limits().maxBodyBytes();
  }

  /** Reads at most the limit plus one byte: an oversized body costs no more than the limit. */
  byte[] readBody(Context ctx) throws PushException {
    long limit = Math.min(maxBodyBytes(), Integer.MAX_VALUE - 16);
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
    } catch (IOException e) {
      throw new PushException(400, "error reading the request body of tenant " + String.join(RequestTenants.SEPARATOR, RequestTenants.tenantsOf(ctx))
          + ": " + e.getMessage(), e);
    }
  }

  private static PushException tooLarge(long size, long limit) {
    String sizeText = size > limit ? "more than " + limit : Long.toString(size);
    return new PushException(413, "request body too large: " + sizeText + " bytes, limit (" + BODY_LIMIT_KEY + ") is " + limit + " bytes");
  }

  /** The limits of the tenant the request names first (with routing, the mapping of the pushing tenant applies to every part). */
  TenantLimits limitsOf(Context ctx) {
    return tenantConfig.get().limitsFor(RequestTenants.tenantsOf(ctx).get(0));
  }

  PushHandler.Outcome store(Context ctx, PushRequest request) {
    return push.pushDecoded(RequestTenants.tenantsOf(ctx), RequestTenants.principalOf(ctx), request);
  }

  void recordPush(int status, long startedNanos) {
    push.recordPush(status, System.nanoTime() - startedNanos);
  }

  /** The tenant's {@code otlp_config} as the decoder's mapping (regexes were checked by the loader). */
  static OtlpMapping otlpMapping(TenantLimits limits) {
    OtlpConfig config = limits.otlpConfig();
    return new OtlpMapping(config.ignoreDefaults(), rules(config.resourceAttributes()), rules(config.scopeAttributes()),
        rules(config.logAttributes()), limits.discoverServiceName());
  }

  private static List<OtlpMapping.Rule> rules(List<OtlpConfig.AttributeRule> rules) {
    List<OtlpMapping.Rule> out = new ArrayList<>(rules.size());
    for (OtlpConfig.AttributeRule rule : rules) {
      OtlpMapping.Action action = switch (rule.action()) {
        case INDEX_LABEL -> OtlpMapping.Action.INDEX_LABEL;
        case STRUCTURED_METADATA -> OtlpMapping.Action.STRUCTURED_METADATA;
        case DROP -> OtlpMapping.Action.DROP;
      };
      out.add(new OtlpMapping.Rule(action, java.util.Set.copyOf(rule.attributes()), rule.regex().map(Pattern::compile)));
    }
    return out;
  }

  /**
   * The field mapping of a JSON request, as VictoriaLogs chooses it: the query argument ({@code
   * _msg_field}, {@code _time_field}, {@code _stream_fields}, {@code ignore_fields}), else the
   * header ({@code VL-Msg-Field}, ...), else the tenant's {@code json_*} keys, else the built-in names.
   */
  static FieldMapping fieldMapping(Context ctx, TenantLimits limits) {
    List<String> message = choose(ctx, "_msg_field", "VL-Msg-Field", limits.jsonMessageFields(), FieldMapping.DEFAULT_MESSAGE_FIELDS);
    List<String> time = choose(ctx, "_time_field", "VL-Time-Field", limits.jsonTimeFields(), FieldMapping.DEFAULT_TIME_FIELDS);
    List<String> stream = choose(ctx, "_stream_fields", "VL-Stream-Fields", limits.jsonStreamFields(), List.of());
    List<String> ignore = choose(ctx, "ignore_fields", "VL-Ignore-Fields", List.of(), List.of());
    return new FieldMapping(message, time, stream, ignore, Map.of());
  }

  private static List<String> choose(Context ctx, String argument, String header, List<String> tenant, List<String> builtIn) {
    Optional<String> given = Optional.ofNullable(ctx.queryParam(argument)).or(() -> Optional.ofNullable(ctx.header(header)));
    if (given.isPresent()) {
      return FieldMapping.splitList(given.get());
    }
    return tenant.isEmpty() ? builtIn : tenant;
  }
}

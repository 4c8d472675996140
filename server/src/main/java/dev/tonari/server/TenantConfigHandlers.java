package dev.tonari.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.auth.Action;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.tenancy.config.RetentionPolicy;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantLimits;
import dev.tonari.tenancy.config.TenantSettings;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code GET /tonari/api/v1/tenants}: what the tenants files say, read-only, for the UI's admin
 * page: the files, the defaults, and for each tenant the caller may see its limits (Loki's names)
 * and retention. Changes go through the files (configuration as code), never through this API.
 *
 * <p>Platform admins see every declared tenant; others see the tenants their token or session
 * holds, declared or not (an undeclared tenant has the defaults).
 */
final class TenantConfigHandlers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<TenantConfig> config;
  private final List<Path> files;
  private final boolean authEnabled;

  TenantConfigHandlers(Supplier<TenantConfig> config, List<Path> files, boolean authEnabled) {
    this.config = config;
    this.files = List.copyOf(files);
    this.authEnabled = authEnabled;
  }

  /** The tenants the request names in X-Scope-OrgID (the UI names the one it shows), or with auth off the single user's. */
  private List<String> named(Context ctx) {
    String header = ctx.header(RequestTenants.HEADER);
    if (header != null && !header.isBlank()) {
      try {
        return dev.tonari.tenancy.config.TenantIds.splitMultiTenant(header.trim());
      } catch (IllegalArgumentException e) {
        return List.of();
      }
    }
    return authEnabled ? List.of() : List.of(dev.tonari.tenancy.config.TenantIds.SINGLE_USER_TENANT);
  }

  void list(Context ctx) throws java.io.IOException {
    Principal who = RequestTenants.principalOf(ctx);
    if (!who.role().allows(Action.USAGE_OWN) && !who.role().allows(Action.USAGE_ALL)) {
      ctx.status(403).contentType("text/plain; charset=utf-8")
          .result("token '" + who.name() + "' has role " + who.role().text() + ", which may not read the tenants' settings\n");
      return;
    }
    TenantConfig current = config.get();
    TreeSet<String> visible = new TreeSet<>();
    if (who.holdsAllTenants()) {
      visible.addAll(current.declaredTenants());
      visible.addAll(named(ctx));
    } else {
      visible.addAll(who.tenants());
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode sources = body.putArray("files");
    files.forEach(file -> sources.add(file.toString()));
    body.put("managed_as_code", true);
    body.put("how_to_change", files.isEmpty()
        ? "no tenants files are configured: every tenant has the server config's limits; set tenants.files to manage them as code"
        : "edit the tenants files through a pull request, check them with ./tonari lint, the server reloads them");
    if (who.holdsAllTenants()) {
      write(body.putObject("defaults"), current.defaults());
    }
    ArrayNode tenants = body.putArray("tenants");
    for (String tenant : visible) {
      ObjectNode node = tenants.addObject();
      node.put("tenant", tenant);
      node.put("declared", current.isDeclared(tenant));
      write(node, current.settingsFor(tenant));
    }
    ctx.contentType("application/json; charset=utf-8").result(JSON.writeValueAsBytes(body));
  }

  private static void write(ObjectNode node, TenantSettings settings) {
    TenantLimits limits = settings.limits();
    ObjectNode out = node.putObject("limits");
    out.put("ingestion_rate_mb", limits.ingestionRateMb());
    out.put("ingestion_burst_size_mb", limits.ingestionBurstSizeMb());
    out.put("max_global_streams_per_user", limits.maxGlobalStreamsPerUser());
    out.put("max_line_size", limits.maxLineSize());
    out.put("max_label_names_per_series", limits.maxLabelNamesPerSeries());
    out.put("reject_old_samples", limits.rejectOldSamples());
    out.put("reject_old_samples_max_age", LokiUnits.formatDuration(limits.rejectOldSamplesMaxAge()));
    out.put("creation_grace_period", LokiUnits.formatDuration(limits.creationGracePeriod()));
    out.put("max_entries_limit_per_query", limits.maxEntriesLimitPerQuery());
    out.put("max_query_length", LokiUnits.formatDuration(limits.maxQueryLength()));
    out.put("max_query_series", limits.maxQuerySeries());
    out.put("max_query_bytes_read", limits.maxQueryBytesRead());
    out.put("max_query_memory_bytes", limits.maxQueryMemoryBytes());
    out.put("query_timeout", LokiUnits.formatDuration(limits.queryTimeout()));
    RetentionPolicy retention = settings.retention();
    ObjectNode kept = node.putObject("retention");
    kept.put("period", LokiUnits.formatDuration(retention.period()));
    ArrayNode streams = kept.putArray("retention_stream");
    for (RetentionPolicy.StreamRule rule : retention.streamRules()) {
      streams.addObject().put("selector", rule.selector()).put("period", LokiUnits.formatDuration(rule.period())).put("priority", rule.priority());
    }
  }
}

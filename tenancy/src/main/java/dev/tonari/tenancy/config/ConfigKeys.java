package dev.tonari.tenancy.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of the tenants file format, section by section, with its value kind and a one-line
 * description. The loader checks keys against these tables (and suggests the nearest one for a
 * typo), and {@link TenantConfigSchema} generates {@code docs/tenants.schema.json} from them, so
 * the format, the lint and the published schema cannot drift apart.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** What a key's value must be. */
  public enum Kind {
    /** A mapping with the keys of another table. */
    SECTION,
    /** A mapping from tenant ID to a settings section. */
    TENANT_MAP,
    /** A list of {@code retention_stream} rules. */
    RULE_LIST,
    /** A mapping from label value to tenant ID. */
    ROUTE_MAP,
    /** Group name -> (tenant ID or *) -> role, for single sign-on. */
    GROUP_MAP,
    DURATION,
    SIZE,
    COUNT,
    MEGABYTES,
    BOOLEAN,
    PRICE,
    CURRENCY,
    LABEL_NAME,
    SELECTOR,
    /** A declared tenant ID, or {@code reject}. */
    DEFAULT_TENANT,
    PRIORITY,
    /** An {@code http} or {@code https} URL. */
    URL,
    /** A non-empty string sent in an HTTP header (a username, an org ID). */
    TEXT,
    /** A non-empty string that is a secret: never quoted in a problem. */
    SECRET,
    /** The path of a file holding a secret, read at load time; relative to the tenants file's directory. */
    SECRET_FILE,
    /** A list of names, or one string of comma-separated names; an empty list is allowed. */
    NAME_LIST,
    /** {@code index_label}, {@code structured_metadata} or {@code drop}. */
    ATTRIBUTE_ACTION,
    /** A regular expression (Java syntax, RE2's subset recommended), matched against whole names. */
    REGEX
  }

  /** One key: its name, its kind, the table of its nested keys for sections, its description. */
  public record Key(String name, Kind kind, String section, String description) {}

  public static final String ROOT = "root";
  public static final String SETTINGS = "settings";
  public static final String LIMITS = "limits";
  public static final String RETENTION = "retention";
  public static final String RETENTION_STREAM = "retention_stream";
  public static final String ROUTING = "routing";
  public static final String PRICING = "pricing";
  public static final String PROMETHEUS = "prometheus";
  public static final String OTLP_CONFIG = "otlp_config";
  public static final String OTLP_RESOURCE_ATTRIBUTES = "otlp_resource_attributes";
  public static final String OTLP_ATTRIBUTE_RULE = "otlp_attribute_rule";

  public static final String SSO = "sso";

  private static final Map<String, Map<String, Key>> TABLES = new LinkedHashMap<>();

  static {
    table(ROOT,
        new Key("defaults", Kind.SECTION, SETTINGS, "Limits and retention of every tenant that does not override them."),
        new Key("tenants", Kind.TENANT_MAP, SETTINGS, "Declared tenants (Loki tenant IDs) and their overrides; an empty value takes the defaults."),
        new Key("routing", Kind.SECTION, ROUTING, "Routes a shared agent's streams to tenants by the value of one label."),
        new Key("pricing", Kind.SECTION, PRICING, "Price sheet that turns usage into cost."),
        new Key("sso", Kind.SECTION, SSO, "Which tenants and roles people signed in through OpenID Connect hold, by the groups in their ID token."));
    table(SETTINGS,
        new Key("limits", Kind.SECTION, LIMITS, "Limits, named as Loki's limits_config."),
        new Key("retention", Kind.SECTION, RETENTION, "How long entries are kept."),
        new Key("prometheus", Kind.SECTION, PROMETHEUS, "Prometheus-compatible HTTP API of PromQL SLIs that name no OpenSLO DataSource; "
            + "without it the server's slo.prometheus."));
    table(LIMITS,
        new Key("ingestion_rate_mb", Kind.MEGABYTES, null, "Per-tenant push rate in MB/s (MB = 2^20 bytes, as Loki). Default 4."),
        new Key("ingestion_burst_size_mb", Kind.MEGABYTES, null, "Per-tenant burst in MB. Default 6."),
        new Key("max_global_streams_per_user", Kind.COUNT, null, "Active streams per tenant; 0 means no limit. Default 5000."),
        new Key("max_line_size", Kind.SIZE, null, "Longest line, e.g. 256KB; 0 means no limit. Default 256KB."),
        new Key("max_label_names_per_series", Kind.COUNT, null, "Labels per stream. Default 15."),
        new Key("reject_old_samples", Kind.BOOLEAN, null, "Refuse entries older than reject_old_samples_max_age. Default true."),
        new Key("reject_old_samples_max_age", Kind.DURATION, null, "Oldest accepted entry, e.g. 168h. Default 168h."),
        new Key("creation_grace_period", Kind.DURATION, null, "How far in the future an entry may be. Default 10m."),
        new Key("max_entries_limit_per_query", Kind.COUNT, null, "Most entries a log query returns. Default 5000."),
        new Key("max_query_length", Kind.DURATION, null, "Widest time range of a query; 0 means no limit. Default 721h."),
        new Key("max_query_series", Kind.COUNT, null, "Most series a metric query returns. Default 500."),
        new Key("max_query_bytes_read", Kind.SIZE, null, "Most bytes one query may read (Loki's query-frontend limit of the same name); 0 means no limit. Default 0."),
        new Key("query_timeout", Kind.DURATION, null, "Longest a query may run. Default 1m."),
        new Key("max_query_memory_bytes", Kind.SIZE, null, "Most memory a metric query's series may hold (samples in windows, per-step counters, "
            + "points), estimated, e.g. 256MB (Tonari's own; refused with 400 naming the limit); 0 means no limit. Default 0."),
        new Key("discover_service_name", Kind.NAME_LIST, null, "Labels whose value becomes service_name when a stream has none (first present wins, "
            + "else unknown_service); [] turns it off. Default Loki's: service, app, application, app_name, name, app_kubernetes_io_name, container, "
            + "container_name, k8s_container_name, component, workload, job, k8s_job_name."),
        new Key("discover_log_levels", Kind.BOOLEAN, null, "Add detected_level (structured metadata) to every entry, from OTLP severity, "
            + "a level field or the line. Default true."),
        new Key("otlp_config", Kind.SECTION, OTLP_CONFIG, "Where OTLP attributes go (index label, structured metadata, drop), as Loki's otlp_config."),
        new Key("json_msg_field", Kind.NAME_LIST, null, "Elasticsearch bulk and JSON lines: fields holding the line, first present wins "
            + "(VictoriaLogs' _msg_field). Default _msg, message, msg, log."),
        new Key("json_time_field", Kind.NAME_LIST, null, "Elasticsearch bulk and JSON lines: fields holding the time (VictoriaLogs' _time_field). "
            + "Default _time, @timestamp, timestamp, time."),
        new Key("json_stream_fields", Kind.NAME_LIST, null, "Elasticsearch bulk and JSON lines: fields that become stream labels "
            + "(VictoriaLogs' _stream_fields). Default none."));
    table(OTLP_CONFIG,
        new Key("resource_attributes", Kind.SECTION, OTLP_RESOURCE_ATTRIBUTES, "Rules for resource attributes."),
        new Key("scope_attributes", Kind.RULE_LIST, OTLP_ATTRIBUTE_RULE, "Rules for scope attributes: structured_metadata or drop."),
        new Key("log_attributes", Kind.RULE_LIST, OTLP_ATTRIBUTE_RULE, "Rules for log record attributes; index_label is allowed but multiplies streams."));
    table(OTLP_RESOURCE_ATTRIBUTES,
        new Key("ignore_defaults", Kind.BOOLEAN, null, "Drop Loki's default index labels (service.name, k8s.namespace.name, ...) and use only these rules. Default false."),
        new Key("attributes_config", Kind.RULE_LIST, OTLP_ATTRIBUTE_RULE, "Rules, tried in order; the first that matches an attribute decides."));
    table(OTLP_ATTRIBUTE_RULE,
        new Key("action", Kind.ATTRIBUTE_ACTION, null, "index_label, structured_metadata or drop. Required."),
        new Key("attributes", Kind.NAME_LIST, null, "Attribute names, e.g. [k8s.node.name]."),
        new Key("regex", Kind.REGEX, null, "Regular expression matched against the whole attribute name, e.g. 'k8s\\..*'."));
    table(RETENTION,
        new Key("period", Kind.DURATION, null, "Tenant-wide retention, e.g. 744h; 0 keeps everything. Default 744h."),
        new Key("retention_stream", Kind.RULE_LIST, RETENTION_STREAM, "Per-stream retention rules, as Loki's retention_stream; replaces the defaults' list."));
    table(RETENTION_STREAM,
        new Key("selector", Kind.SELECTOR, null, "Stream selector, e.g. {app=\"debug\"}. Required."),
        new Key("period", Kind.DURATION, null, "Retention of matching streams, e.g. 24h. Required."),
        new Key("priority", Kind.PRIORITY, null, "The highest priority among matching rules wins. Default 0."));
    table(ROUTING,
        new Key("label", Kind.LABEL_NAME, null, "Label whose value picks the tenant, e.g. namespace. Required."),
        new Key("map", Kind.ROUTE_MAP, null, "Label value -> declared tenant."),
        new Key("default_tenant", Kind.DEFAULT_TENANT, null, "Tenant of unmapped values, or reject (the default) to refuse them."));
    table(PRICING,
        new Key("currency", Kind.CURRENCY, null, "ISO 4217 code, e.g. EUR. Default EUR."),
        new Key("ingested_per_gb", Kind.PRICE, null, "Price per GB (10^9 bytes) ingested. Default 0."),
        new Key("stored_per_gb_month", Kind.PRICE, null, "Price per GB-month (730 hours) stored after compression. Default 0."),
        new Key("scanned_per_gb", Kind.PRICE, null, "Price per GB read by queries. Default 0."),
        new Key("write_requests_per_1000", Kind.PRICE, null, "Price per 1000 object-store write requests (S3 PUT, COPY, POST, LIST). Default 0."),
        new Key("read_requests_per_1000", Kind.PRICE, null, "Price per 1000 object-store read requests (S3 GET, HEAD). Default 0."));
    table(SSO,
        new Key("groups_claim", Kind.TEXT, null, "ID-token claim that lists the person's groups. Default groups."),
        new Key("groups", Kind.GROUP_MAP, null, "Group -> {tenant ID or \"*\" (admins only): role}; a person in several groups holds the union, "
            + "the strongest role per tenant."));
    table(PROMETHEUS,
        new Key("url", Kind.URL, null, "Base URL, e.g. http://prometheus:9090 or https://mimir/prometheus; /api/v1/query_range is appended. "
            + "Required in defaults; a tenant without it keeps the defaults' server and overrides the other keys."),
        new Key("bearer_token", Kind.SECRET, null, "Sent as Authorization: Bearer. Prefer bearer_token_file."),
        new Key("bearer_token_file", Kind.SECRET_FILE, null, "File holding the bearer token, read at load time; relative to this file's directory."),
        new Key("username", Kind.TEXT, null, "HTTP Basic username; needs password or password_file; excludes a bearer token."),
        new Key("password", Kind.SECRET, null, "HTTP Basic password. Prefer password_file."),
        new Key("password_file", Kind.SECRET_FILE, null, "File holding the HTTP Basic password, read at load time; relative to this file's directory."),
        new Key("org_id", Kind.TEXT, null, "Sent as X-Scope-OrgID (Mimir, Cortex, Thanos)."));
  }

  private static void table(String name, Key... keys) {
    Map<String, Key> table = new LinkedHashMap<>();
    for (Key key : keys) {
      table.put(key.name(), key);
    }
    TABLES.put(name, java.util.Collections.unmodifiableMap(table));
  }

  /** The keys of one section table, in documentation order. */
  public static Map<String, Key> table(String name) {
    Map<String, Key> table = TABLES.get(name);
    if (table == null) {
      throw new IllegalArgumentException("no key table named '" + name + "'");
    }
    return table;
  }

  /** All tables, by name. */
  public static Map<String, Map<String, Key>> tables() {
    return java.util.Collections.unmodifiableMap(TABLES);
  }

  /** The known key nearest to a misspelt one, if one is near enough to be a plausible typo. */
  public static java.util.Optional<String> suggestion(String unknown, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = editDistance(unknown, candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    int tolerated = Math.max(2, unknown.length() / 3);
    if (best != null && (bestDistance <= tolerated || best.startsWith(unknown) || unknown.startsWith(best))) {
      return java.util.Optional.of(best);
    }
    return java.util.Optional.empty();
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

package dev.tonari.slo.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of both SLO spec forms, table by table, with its value kind, whether it is required
 * and a one-line description. {@link SloSpecParser} reads keys only through these tables (a key
 * missing here cannot be read, a key present here but unknown to the reader fails the build's
 * tests), reports unknown keys with the nearest known one, and {@link SloSchema} generates
 * {@code docs/slo.schema.json} from them, so the parser, the lint and the schema cannot drift.
 */
public final class SpecKeys {
  private SpecKeys() {}

  /** What a key's value must be. */
  public enum Kind {
    /** A mapping with the keys of another table. */
    SECTION,
    /** A list of mappings with the keys of another table. */
    SECTION_LIST,
    STRING,
    NUMBER,
    BOOLEAN,
    /** A Prometheus-style duration: 5m, 1h30m, 30d, 1w. */
    DURATION,
    /** A duration, or a bare number of minutes (OpenSLO {@code timeSliceWindow}). */
    DURATION_OR_MINUTES,
    /** A query template (LogQL or PromQL, see docs/slo-specs.md). */
    QUERY,
    /** A mapping from name to string. */
    STRING_MAP,
    /** A mapping from name to a string or a list of strings (OpenSLO {@code metadata.labels}). */
    LABELS,
    /** A list of label names (the {@code group_by} extension). */
    LABEL_LIST,
    /** Accepted as written and not interpreted (Sloth's plugin settings). */
    OPAQUE
  }

  /** One key: its name, its kind, the table of its nested keys for sections, required or not, its description. */
  public record Key(String name, Kind kind, String section, boolean required, String description) {}

  public static final String SLOTH = "sloth";
  public static final String SLOTH_SLO = "sloth_slo";
  public static final String SLOTH_SLI = "sloth_sli";
  public static final String SLOTH_EVENTS = "sloth_events";
  public static final String SLOTH_RAW = "sloth_raw";
  public static final String SLOTH_SLI_PLUGIN = "sloth_sli_plugin";
  public static final String SLOTH_ALERTING = "sloth_alerting";
  public static final String SLOTH_ALERT = "sloth_alert";
  public static final String SLOTH_INTERVAL = "sloth_interval";

  public static final String OPENSLO_OBJECT = "openslo_object";
  public static final String OPENSLO_METADATA = "openslo_metadata";
  public static final String OPENSLO_SLO = "openslo_slo";
  public static final String OPENSLO_INLINE_SLI = "openslo_inline_sli";
  public static final String OPENSLO_SLI = "openslo_sli";
  public static final String OPENSLO_RATIO_METRIC = "openslo_ratio_metric";
  public static final String OPENSLO_METRIC = "openslo_metric";
  public static final String OPENSLO_METRIC_SOURCE = "openslo_metric_source";
  public static final String OPENSLO_METRIC_SOURCE_SPEC = "openslo_metric_source_spec";
  public static final String OPENSLO_TIME_WINDOW = "openslo_time_window";
  public static final String OPENSLO_CALENDAR = "openslo_calendar";
  public static final String OPENSLO_OBJECTIVE = "openslo_objective";
  public static final String OPENSLO_ALERT_POLICY_ITEM = "openslo_alert_policy_item";
  public static final String OPENSLO_ALERT_POLICY = "openslo_alert_policy";
  public static final String OPENSLO_CONDITION_ITEM = "openslo_condition_item";
  public static final String OPENSLO_ALERT_CONDITION = "openslo_alert_condition";
  public static final String OPENSLO_CONDITION = "openslo_condition";
  public static final String OPENSLO_TARGET_ITEM = "openslo_target_item";
  public static final String OPENSLO_NOTIFICATION_TARGET = "openslo_notification_target";
  public static final String OPENSLO_SERVICE = "openslo_service";
  public static final String OPENSLO_DATA_SOURCE = "openslo_data_source";
  public static final String OPENSLO_CONNECTION = "openslo_connection";

  /** The spec table of each OpenSLO kind. */
  public static final Map<String, String> OPENSLO_KINDS;

  private static final Map<String, Map<String, Key>> TABLES = new LinkedHashMap<>();

  static {
    Map<String, String> kinds = new LinkedHashMap<>();
    kinds.put("SLO", OPENSLO_SLO);
    kinds.put("SLI", OPENSLO_SLI);
    kinds.put("Service", OPENSLO_SERVICE);
    kinds.put("DataSource", OPENSLO_DATA_SOURCE);
    kinds.put("AlertPolicy", OPENSLO_ALERT_POLICY);
    kinds.put("AlertCondition", OPENSLO_ALERT_CONDITION);
    kinds.put("AlertNotificationTarget", OPENSLO_NOTIFICATION_TARGET);
    OPENSLO_KINDS = Collections.unmodifiableMap(kinds);

    table(SLOTH,
        key("version", Kind.STRING, true, "Always \"prometheus/v1\"."),
        key("service", Kind.STRING, true, "The service the SLOs belong to; the first half of each SLO id."),
        key("labels", Kind.STRING_MAP, false, "Labels of every SLO of the file (an SLO's own labels win)."),
        section("slos", Kind.SECTION_LIST, SLOTH_SLO, true, "The SLOs of the service."),
        key("slo_plugins", Kind.OPAQUE, false, "Sloth's SLO plugin chain; accepted and not run (Tonari generates no Prometheus rules)."));
    table(SLOTH_SLO,
        key("name", Kind.STRING, true, "The SLO's name; the id is <service>-<name>."),
        key("objective", Kind.NUMBER, true, "The objective as a percentage in (0, 100], e.g. 99.9."),
        key("description", Kind.STRING, false, "Free text."),
        key("labels", Kind.STRING_MAP, false, "Labels of this SLO, merged over the file's labels."),
        key("infoLabels", Kind.STRING_MAP, false, "Labels Sloth adds to sloth_slo_info only; accepted and not used."),
        section("sli", Kind.SECTION, SLOTH_SLI, true, "The indicator: exactly one of events, raw, plugin."),
        section("alerting", Kind.SECTION, SLOTH_ALERTING, false, "Burn-rate alerting: names, labels, annotations, page and ticket alerts."),
        key("plugins", Kind.OPAQUE, false, "Sloth's per-SLO plugin chain; accepted and not run."),
        section("interval", Kind.SECTION, SLOTH_INTERVAL, false, "Sloth's rule group intervals; accepted and not used (Tonari evaluates every minute)."),
        key("group_by", Kind.LABEL_LIST, false, "Tonari extension: one SLO per value of these labels."));
    table(SLOTH_SLI,
        section("events", Kind.SECTION, SLOTH_EVENTS, false, "Bad events over all events."),
        section("raw", Kind.SECTION, SLOTH_RAW, false, "A query that already yields the error ratio."),
        section("plugin", Kind.SECTION, SLOTH_SLI_PLUGIN, false, "A Sloth SLI plugin; refused, since plugins are Go code Tonari cannot run."));
    table(SLOTH_EVENTS,
        key("error_query", Kind.QUERY, true, "Bad events over {{.window}} (LogQL or PromQL)."),
        key("total_query", Kind.QUERY, true, "All events over {{.window}} (LogQL or PromQL)."));
    table(SLOTH_RAW,
        key("error_ratio_query", Kind.QUERY, true, "The error ratio (0-1) over {{.window}}."));
    table(SLOTH_SLI_PLUGIN,
        key("id", Kind.STRING, true, "The plugin id."),
        key("options", Kind.OPAQUE, false, "The plugin's options."));
    table(SLOTH_ALERTING,
        key("name", Kind.STRING, false, "The alert name."),
        key("labels", Kind.STRING_MAP, false, "Labels of every alert of this SLO."),
        key("annotations", Kind.STRING_MAP, false, "Annotations of every alert of this SLO."),
        section("page_alert", Kind.SECTION, SLOTH_ALERT, false, "The page tiers (1h/5m and 6h/30m for 30 days)."),
        section("ticket_alert", Kind.SECTION, SLOTH_ALERT, false, "The ticket tiers (1d/2h and 3d/6h for 30 days)."));
    table(SLOTH_ALERT,
        key("disable", Kind.BOOLEAN, false, "Leave these tiers out."),
        key("labels", Kind.STRING_MAP, false, "Labels of these tiers' alerts."),
        key("annotations", Kind.STRING_MAP, false, "Annotations of these tiers' alerts."),
        key("for", Kind.DURATION, false, "How long a tier must hold before it fires (Sloth's alert_for plugin)."));
    table(SLOTH_INTERVAL,
        key("all", Kind.DURATION, false, "Interval of every rule group."),
        key("slierror", Kind.DURATION, false, "Interval of the SLI error recording rules."),
        key("metadata", Kind.DURATION, false, "Interval of the metadata recording rules."),
        key("alert", Kind.DURATION, false, "Interval of the alert rules."));

    table(OPENSLO_OBJECT,
        key("apiVersion", Kind.STRING, true, "Always openslo/v1."),
        key("kind", Kind.STRING, true, "SLO, SLI, Service, DataSource, AlertPolicy, AlertCondition or AlertNotificationTarget."),
        section("metadata", Kind.SECTION, OPENSLO_METADATA, true, "Name, display name, labels, annotations."),
        key("spec", Kind.SECTION, true, "The kind's spec."));
    table(OPENSLO_METADATA,
        key("name", Kind.STRING, true, "The object's name; refs name it. For an SLO, the second half of its id."),
        key("displayName", Kind.STRING, false, "A human-readable name."),
        key("labels", Kind.LABELS, false, "Labels; a list value is joined with commas."),
        key("annotations", Kind.STRING_MAP, false, "Implementation metadata; accepted and not used."));
    table(OPENSLO_SLO,
        key("description", Kind.STRING, false, "Free text."),
        key("service", Kind.STRING, true, "The service; the first half of the SLO id."),
        section("indicator", Kind.SECTION, OPENSLO_INLINE_SLI, false, "The SLI inline (or indicatorRef)."),
        key("indicatorRef", Kind.STRING, false, "The name of an SLI object in the files parsed together."),
        section("timeWindow", Kind.SECTION_LIST, OPENSLO_TIME_WINDOW, false, "Exactly one window, rolling or calendar; default rolling 30d."),
        key("budgetingMethod", Kind.STRING, true, "Occurrences, Timeslices or RatioTimeslices."),
        section("objectives", Kind.SECTION_LIST, OPENSLO_OBJECTIVE, true, "One SLO per objective."),
        section("alertPolicies", Kind.SECTION_LIST, OPENSLO_ALERT_POLICY_ITEM, false, "Alert policies inline, by alertPolicyRef, or by name."),
        key("group_by", Kind.LABEL_LIST, false, "Tonari extension: one SLO per value of these labels."));
    table(OPENSLO_INLINE_SLI,
        section("metadata", Kind.SECTION, OPENSLO_METADATA, false, "The SLI's name and labels."),
        section("spec", Kind.SECTION, OPENSLO_SLI, true, "The SLI spec."));
    table(OPENSLO_SLI,
        key("description", Kind.STRING, false, "Free text."),
        section("ratioMetric", Kind.SECTION, OPENSLO_RATIO_METRIC, false, "good or bad over total, or raw."),
        section("thresholdMetric", Kind.SECTION, OPENSLO_METRIC, false, "A metric compared with the objective's op and value."));
    table(OPENSLO_RATIO_METRIC,
        key("counter", Kind.BOOLEAN, false, "True when the queries return cumulative counters: they must then hold {{.window}}."),
        section("good", Kind.SECTION, OPENSLO_METRIC, false, "Good events (with total)."),
        section("bad", Kind.SECTION, OPENSLO_METRIC, false, "Bad events (with total)."),
        section("total", Kind.SECTION, OPENSLO_METRIC, false, "All events."),
        key("rawType", Kind.STRING, false, "success or failure: what the raw ratio counts."),
        section("raw", Kind.SECTION, OPENSLO_METRIC, false, "A precomputed ratio."));
    table(OPENSLO_METRIC,
        section("metricSource", Kind.SECTION, OPENSLO_METRIC_SOURCE, true, "Where the query runs."));
    table(OPENSLO_METRIC_SOURCE,
        key("metricSourceRef", Kind.STRING, false, "The name of a DataSource."),
        key("type", Kind.STRING, false, "Prometheus (PromQL); Loki, Tonari or LogQL (LogQL over the tenant's logs); omitted: detected."),
        section("spec", Kind.SECTION, OPENSLO_METRIC_SOURCE_SPEC, true, "The query."));
    table(OPENSLO_METRIC_SOURCE_SPEC,
        key("query", Kind.QUERY, true, "A LogQL or PromQL query, optionally with {{.window}}."));
    table(OPENSLO_TIME_WINDOW,
        key("duration", Kind.STRING, true, "Rolling: 28d, 4w; calendar: 1d, 1w, 1M, 1Q, 1Y."),
        key("isRolling", Kind.BOOLEAN, false, "True for a rolling window; default false when calendar is given."),
        section("calendar", Kind.SECTION, OPENSLO_CALENDAR, false, "Start time and time zone of a calendar window."));
    table(OPENSLO_CALENDAR,
        key("startTime", Kind.STRING, true, "yyyy-MM-dd HH:mm:ss in timeZone."),
        key("timeZone", Kind.STRING, true, "An IANA time zone, e.g. America/New_York."));
    table(OPENSLO_OBJECTIVE,
        key("displayName", Kind.STRING, false, "Names the objective; with several objectives it suffixes the SLO id."),
        key("op", Kind.STRING, false, "lte, gte, lt or gt: a thresholdMetric value is good when value op threshold holds."),
        key("value", Kind.NUMBER, false, "The threshold of a thresholdMetric."),
        key("target", Kind.NUMBER, false, "The target ratio in (0, 1)."),
        key("targetPercent", Kind.NUMBER, false, "The target in percent, in (0, 100)."),
        key("timeSliceTarget", Kind.NUMBER, false, "Timeslices: the ratio a slice must meet to be good, in (0, 1]."),
        key("timeSliceWindow", Kind.DURATION_OR_MINUTES, false, "Timeslices and RatioTimeslices: the slice length, whole minutes (a bare number is minutes)."));
    table(OPENSLO_ALERT_POLICY_ITEM,
        key("alertPolicyRef", Kind.STRING, false, "The name of an AlertPolicy object."),
        key("apiVersion", Kind.STRING, false, "openslo/v1, for an inline policy."),
        key("kind", Kind.STRING, false, "AlertPolicy, for an inline policy."),
        section("metadata", Kind.SECTION, OPENSLO_METADATA, false, "An inline policy's name."),
        section("spec", Kind.SECTION, OPENSLO_ALERT_POLICY, false, "An inline policy's spec."));
    table(OPENSLO_ALERT_POLICY,
        key("description", Kind.STRING, false, "Free text."),
        key("alertWhenNoData", Kind.BOOLEAN, false, "Accepted; delivery decides."),
        key("alertWhenResolved", Kind.BOOLEAN, false, "Accepted; delivery decides."),
        key("alertWhenBreaching", Kind.BOOLEAN, false, "Accepted; delivery decides."),
        section("conditions", Kind.SECTION_LIST, OPENSLO_CONDITION_ITEM, true, "Burn-rate conditions inline or by conditionRef; one tier each."),
        section("notificationTargets", Kind.SECTION_LIST, OPENSLO_TARGET_ITEM, false, "Notification targets inline or by targetRef."));
    table(OPENSLO_CONDITION_ITEM,
        key("conditionRef", Kind.STRING, false, "The name of an AlertCondition object."),
        key("apiVersion", Kind.STRING, false, "openslo/v1, for an inline condition."),
        key("kind", Kind.STRING, false, "AlertCondition, for an inline condition."),
        section("metadata", Kind.SECTION, OPENSLO_METADATA, false, "An inline condition's name."),
        section("spec", Kind.SECTION, OPENSLO_ALERT_CONDITION, false, "An inline condition's spec."));
    table(OPENSLO_ALERT_CONDITION,
        key("description", Kind.STRING, false, "Free text."),
        key("severity", Kind.STRING, true, "The tier's severity, e.g. page or ticket."),
        section("condition", Kind.SECTION, OPENSLO_CONDITION, true, "The burn-rate condition."));
    table(OPENSLO_CONDITION,
        key("kind", Kind.STRING, false, "burnrate (the default and only kind)."),
        key("op", Kind.STRING, true, "gt or gte: fire when the burn rate rises to the threshold."),
        key("threshold", Kind.NUMBER, true, "The burn-rate factor."),
        key("lookbackWindow", Kind.DURATION, true, "The long window; the short window is a twelfth of it, in whole minutes."),
        key("alertAfter", Kind.DURATION, false, "How long the condition must hold before it fires; default 0m."));
    table(OPENSLO_TARGET_ITEM,
        key("targetRef", Kind.STRING, false, "The name of an AlertNotificationTarget object."),
        key("apiVersion", Kind.STRING, false, "openslo/v1, for an inline target."),
        key("kind", Kind.STRING, false, "AlertNotificationTarget, for an inline target."),
        section("metadata", Kind.SECTION, OPENSLO_METADATA, false, "An inline target's name."),
        section("spec", Kind.SECTION, OPENSLO_NOTIFICATION_TARGET, false, "An inline target's spec."));
    table(OPENSLO_NOTIFICATION_TARGET,
        key("description", Kind.STRING, false, "Free text."),
        key("target", Kind.STRING, true, "The target kind, e.g. slack or email."));
    table(OPENSLO_SERVICE,
        key("description", Kind.STRING, false, "Free text."));
    table(OPENSLO_DATA_SOURCE,
        key("description", Kind.STRING, false, "Free text."),
        key("type", Kind.STRING, true, "Prometheus (a Prometheus-compatible HTTP API); Loki, Tonari or LogQL (the tenant's own logs); other types are accepted and cannot be queried."),
        section("connectionDetails", Kind.SECTION, OPENSLO_CONNECTION, false, "For Prometheus: url and optional auth (a mapping, or a list of one-key mappings)."));
    table(OPENSLO_CONNECTION,
        key("url", Kind.STRING, true, "Base URL of the Prometheus HTTP API, e.g. http://prometheus:9090."),
        key("bearerToken", Kind.STRING, false, "Sent as Authorization: Bearer."),
        key("username", Kind.STRING, false, "HTTP Basic user name (with password; ignored when bearerToken is set)."),
        key("password", Kind.STRING, false, "HTTP Basic password."),
        key("orgId", Kind.STRING, false, "Sent as X-Scope-OrgID (Mimir, Cortex, Thanos)."));
  }

  private static Key key(String name, Kind kind, boolean required, String description) {
    return new Key(name, kind, null, required, description);
  }

  private static Key section(String name, Kind kind, String section, boolean required, String description) {
    return new Key(name, kind, section, required, description);
  }

  private static void table(String name, Key... keys) {
    Map<String, Key> table = new LinkedHashMap<>();
    for (Key key : keys) {
      table.put(key.name(), key);
    }
    TABLES.put(name, Collections.unmodifiableMap(table));
  }

  /** The keys of one table, in documentation order. */
  public static Map<String, Key> table(String name) {
    Map<String, Key> table = TABLES.get(name);
    if (table == null) {
      throw new IllegalArgumentException("no key table named '" + name + "'");
    }
    return table;
  }

  /** All tables, by name. */
  public static Map<String, Map<String, Key>> tables() {
    return Collections.unmodifiableMap(TABLES);
  }

  /** The names of one table's keys, in documentation order. */
  static List<String> names(String table) {
    return List.copyOf(table(table).keySet());
  }
}

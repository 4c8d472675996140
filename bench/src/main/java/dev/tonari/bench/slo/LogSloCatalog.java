package dev.tonari.bench.slo;

import dev.tonari.cli.generate.LogGenerator.GeneratedStream;
import dev.tonari.cli.generate.LogStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LogQL SLOs over the streams of {@code LogGenerator}, the kind a team writes for its own apps:
 * availability (share of requests without a 5xx, read with the parser of the app's log style),
 * latency (share of requests over a threshold: {@code duration > 250ms} in logfmt, {@code
 * latency_ms > 250} in JSON, the nginx request time over 0.25 s with {@code pattern}), the same
 * availability split per pod ({@code group_by: [pod]}), and for Java apps, which log no requests,
 * the share of ERROR lines. Each SLO renders as a Sloth file for the engine and as the plain LogQL
 * queries a baseline runs directly.
 */
final class LogSloCatalog {
  private static final String NGINX_PATTERN = "`<_> - - [<_>] \"<_>\" <status> <_> \"<_>\" \"<_>\" <duration> <_>`";

  private LogSloCatalog() {}

  /** What an SLO measures. */
  enum Kind {
    AVAILABILITY("availability", 99.5, false),
    LATENCY("latency", 99.0, false),
    AVAILABILITY_PER_POD("availability-per-pod", 99.5, true),
    ERROR_LOG("error-log", 99.0, false),
    ERROR_LOG_PER_POD("error-log-per-pod", 99.0, true);

    final String sloName;
    final double objective;
    final boolean perPod;

    Kind(String sloName, double objective, boolean perPod) {
      this.sloName = sloName;
      this.objective = objective;
      this.perPod = perPod;
    }
  }

  /**
   * One SLO: its tenant, Sloth service and name, the stream selector of its app, and the pipeline
   * that picks the bad lines.
   */
  record LogSlo(String tenant, String service, String app, Kind kind, String selector, String badPipeline) {
    String id() {
      return service + "-" + kind.sloName;
    }

    /** The bad-events query as the engine runs it for {@code range} (with {@code by (pod)} for a per-pod SLO). */
    String badQuery(String range) {
      return aggregation() + "(count_over_time(" + selector + " " + badPipeline + " [" + range + "]))";
    }

    /** The total-events query as the engine runs it for {@code range}. */
    String totalQuery(String range) {
      return aggregation() + "(count_over_time(" + selector + " [" + range + "]))";
    }

    private String aggregation() {
      return kind.perPod ? "sum by (pod) " : "sum";
    }
  }

  /** The SLO kinds that make sense for an app of this style. */
  static List<Kind> kindsOf(LogStyle style) {
    return switch (style) {
      case LOGFMT, JSON, NGINX_ACCESS -> List.of(Kind.AVAILABILITY, Kind.LATENCY, Kind.AVAILABILITY_PER_POD);
      case JAVA_TEXT -> List.of(Kind.ERROR_LOG, Kind.ERROR_LOG_PER_POD);
      // A node's journal serves no requests and has no ERROR level to count.
      case SYSLOG -> List.of();
    };
  }

  static String badPipeline(LogStyle style, Kind kind) {
    return switch (kind) {
      case AVAILABILITY, AVAILABILITY_PER_POD -> switch (style) {
        case LOGFMT -> "| logfmt | status>=500";
        case JSON -> "| json | status>=500";
        case NGINX_ACCESS -> "| pattern " + NGINX_PATTERN + " | status>=500";
        case JAVA_TEXT, SYSLOG -> throw new IllegalArgumentException("a " + style + " app logs no requests to take availability from");
      };
      case LATENCY -> switch (style) {
        case LOGFMT -> "| logfmt | duration > 250ms";
        case JSON -> "| json | latency_ms > 250";
        case NGINX_ACCESS -> "| pattern " + NGINX_PATTERN + " | duration > 0.25";
        case JAVA_TEXT, SYSLOG -> throw new IllegalArgumentException("a " + style + " app logs no request durations");
      };
      case ERROR_LOG, ERROR_LOG_PER_POD -> "|= \" ERROR [\"";
    };
  }

  /**
   * Every SLO kind for every (tenant, app, env) of the generator's streams, in the streams' order;
   * with the benchmark's generator options (3 teams, 6 apps, 2 envs) exactly 100.
   */
  static List<LogSlo> perAppAndEnv(List<GeneratedStream> streams) {
    Map<String, GeneratedStream> firstOfEach = new LinkedHashMap<>();
    for (GeneratedStream stream : streams) {
      firstOfEach.putIfAbsent(stream.tenant() + "\u0000" + stream.app() + "\u0000" + stream.labels().get("env"), stream);
    }
    List<LogSlo> slos = new ArrayList<>();
    for (GeneratedStream stream : firstOfEach.values()) {
      String env = stream.labels().get("env");
      for (Kind kind : kindsOf(stream.style())) {
        slos.add(new LogSlo(stream.tenant(), stream.app() + "-" + env, stream.app(), kind,
            "{app=\"" + stream.app() + "\", env=\"" + env + "\"}", badPipeline(stream.style(), kind)));
      }
    }
    return slos;
  }

  /** {@code count} of the SLOs, spread evenly over the list (all of them when count is its size). */
  static List<LogSlo> spread(List<LogSlo> slos, int count) {
    if (count > slos.size()) {
      throw new IllegalArgumentException("asked for " + count + " SLOs, the generator's streams give " + slos.size());
    }
    List<LogSlo> chosen = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      chosen.add(slos.get((int) ((long) i * slos.size() / count)));
    }
    return chosen;
  }

  /** One Sloth file per (tenant, service), keyed by tenant. */
  static Map<String, List<String>> slothFiles(List<LogSlo> slos) {
    Map<String, Map<String, List<LogSlo>>> byTenantAndService = new LinkedHashMap<>();
    for (LogSlo slo : slos) {
      byTenantAndService.computeIfAbsent(slo.tenant(), t -> new LinkedHashMap<>()).computeIfAbsent(slo.service(), s -> new ArrayList<>()).add(slo);
    }
    Map<String, List<String>> files = new LinkedHashMap<>();
    byTenantAndService.forEach((tenant, services) -> services.forEach((service, ofService) -> {
      StringBuilder yaml = new StringBuilder();
      yaml.append("version: \"prometheus/v1\"\nservice: \"").append(service).append("\"\nlabels:\n  team: \"").append(tenant).append("\"\nslos:\n");
      for (LogSlo slo : ofService) {
        // The engine adds "by (pod)" to an ungrouped sum itself for a group_by SLO, as Sloth users write it.
        String bad = "sum(count_over_time(" + slo.selector() + " " + slo.badPipeline() + " [{{.window}}]))";
        String total = "sum(count_over_time(" + slo.selector() + " [{{.window}}]))";
        yaml.append("  - name: \"").append(slo.kind().sloName).append("\"\n")
            .append("    objective: ").append(String.format(Locale.ROOT, "%.1f", slo.kind().objective)).append('\n');
        if (slo.kind().perPod) {
          yaml.append("    group_by: [pod]\n");
        }
        yaml.append("    sli:\n      events:\n")
            .append("        error_query: '").append(bad.replace("'", "''")).append("'\n")
            .append("        total_query: '").append(total.replace("'", "''")).append("'\n")
            .append("    alerting:\n      name: ").append(camel(slo.id())).append('\n');
      }
      files.computeIfAbsent(tenant, t -> new ArrayList<>()).add(yaml.toString());
    }));
    return files;
  }

  private static String camel(String id) {
    StringBuilder name = new StringBuilder();
    for (String part : id.split("-")) {
      if (!part.isEmpty()) {
        name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return name.toString();
  }
}

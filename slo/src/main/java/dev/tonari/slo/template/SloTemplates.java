package dev.tonari.slo.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The golden-signal SLOs every service gets, written as a Sloth {@code prometheus/v1} file over
 * the service's logs, so that every team's monitoring items look alike (what {@code tonari slo
 * init} writes):
 *
 * <ul>
 *   <li><b>availability</b>: the share of requests that did not fail with a 5xx status;
 *   <li><b>latency</b>: the share of requests answered under a threshold (taken from the sample: the
 *       99th percentile rounded up to a round number, so the SLO holds today and catches a slowdown);
 *   <li><b>error-logs</b>: the share of lines that are not errors (a fallback for services without
 *       an HTTP status; {@code level} when the lines have one, else a line filter).
 * </ul>
 *
 * Objectives are proposals from the sample (the highest of 99.9, 99.5, 99, 98, 95 that the sample
 * meets with half its budget to spare); a team reviews them in the pull request that adds the file.
 */
public final class SloTemplates {
  private static final double[] OBJECTIVES = {99.9, 99.5, 99.0, 98.0, 95.0, 90.0};
  private static final double[] ROUND_MILLIS = {10, 20, 50, 100, 200, 250, 300, 500, 750, 1000, 1500, 2000, 2500, 5000, 10_000, 30_000, 60_000};

  private SloTemplates() {}

  /** One generated SLO: its Sloth {@code slos[]} entry and a line saying why it looks as it does. */
  public record GeneratedSlo(String name, Map<String, Object> sloth, String explanation) {}

  /** The SLOs the sample supports: availability and latency for request logs, else error-log rate. */
  public static List<GeneratedSlo> propose(String service, String selector, LogSample sample) {
    List<GeneratedSlo> slos = new ArrayList<>();
    if (sample.statusField().isPresent()) {
      slos.add(availability(service, selector, sample));
    }
    if (sample.durationField().isPresent() && sample.durationsMillis().length > 0) {
      slos.add(latency(service, selector, sample));
    }
    if (slos.isEmpty()) {
      slos.add(errorLogs(service, selector, sample));
    }
    return slos;
  }

  /**
   * A whole Sloth file for the service. Written by hand rather than by a YAML library so that the
   * queries stay on one line each, single-quoted, exactly as a person would write them (a
   * library folds long strings and escapes every double quote).
   */
  public static String slothFile(String service, String selector, LogSample sample) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# SLOs for ").append(service).append(" over ").append(selector).append(", proposed by `tonari slo init` from ")
        .append(sample.lines()).append(" sampled lines (").append(sample.format().name().toLowerCase(Locale.ROOT)).append(").\n");
    List<GeneratedSlo> slos = propose(service, selector, sample);
    for (GeneratedSlo slo : slos) {
      yaml.append("# ").append(slo.name()).append(": ").append(slo.explanation()).append('\n');
    }
    yaml.append("version: \"prometheus/v1\"\n");
    yaml.append("service: ").append(quote(service)).append('\n');
    yaml.append("labels:\n  generated_by: tonari-slo-init\n");
    yaml.append("slos:\n");
    for (GeneratedSlo slo : slos) {
      writeMapping(yaml, slo.sloth(), 2, true);
    }
    return yaml.toString();
  }

  /** A YAML block mapping of strings, numbers and nested maps; {@code listItem} starts it with {@code - }. */
  @SuppressWarnings("unchecked")
  private static void writeMapping(StringBuilder yaml, Map<String, Object> map, int indent, boolean listItem) {
    boolean first = true;
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      String pad = " ".repeat(indent);
      if (listItem && first) {
        pad = " ".repeat(indent - 2) + "- ";
      }
      first = false;
      yaml.append(pad).append(entry.getKey()).append(':');
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> nested) {
        yaml.append('\n');
        writeMapping(yaml, (Map<String, Object>) nested, indent + 2, false);
      } else if (value instanceof Number number) {
        yaml.append(' ').append(trim(number.doubleValue())).append('\n');
      } else {
        yaml.append(' ').append(quote(String.valueOf(value))).append('\n');
      }
    }
  }

  /** A single-quoted YAML scalar: only {@code '} needs escaping (doubled). */
  static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  static GeneratedSlo availability(String service, String selector, LogSample sample) {
    String status = sample.statusField().orElseThrow();
    String parse = parserStage(sample);
    double objective = objectiveFor(sample.errorShare());
    Map<String, Object> events = new LinkedHashMap<>();
    events.put("error_query", "sum(count_over_time(" + selector + parse + " | " + status + " >= 500 [{{.window}}]))");
    events.put("total_query", "sum(count_over_time(" + selector + parse + " | " + status + " != \"\" [{{.window}}]))");
    String explanation = String.format(Locale.ROOT, "5xx share of lines with a %s; %.2f%% in the sample, so objective %s", status,
        sample.errorShare() * 100, trim(objective));
    return new GeneratedSlo("requests-availability", slo("requests-availability", objective,
        "Share of requests of " + service + " answered without a 5xx status.", events, service, "availability"), explanation);
  }

  static GeneratedSlo latency(String service, String selector, LogSample sample) {
    LogSample.DurationField field = sample.durationField().orElseThrow();
    double thresholdMillis = roundUp(sample.durationQuantileMillis(0.99));
    String comparison;
    if (field.hasUnitSuffix()) {
      comparison = field.name() + " > " + durationText(thresholdMillis);
    } else if (field.unit().equals("s")) {
      comparison = field.name() + " > " + trim(thresholdMillis / 1000);
    } else {
      comparison = field.name() + " > " + trim(thresholdMillis);
    }
    String parse = parserStage(sample);
    Map<String, Object> events = new LinkedHashMap<>();
    events.put("error_query", "sum(count_over_time(" + selector + parse + " | " + comparison + " [{{.window}}]))");
    events.put("total_query", "sum(count_over_time(" + selector + parse + " | " + field.name() + " != \"\" [{{.window}}]))");
    String explanation = String.format(Locale.ROOT, "share of requests slower than %s (the sample's p99 is %.1f ms, rounded up)",
        durationText(thresholdMillis), sample.durationQuantileMillis(0.99));
    return new GeneratedSlo("requests-latency", slo("requests-latency", 99.0,
        "Share of requests of " + service + " answered within " + durationText(thresholdMillis) + ".", events, service, "latency"),
        explanation);
  }

  static GeneratedSlo errorLogs(String service, String selector, LogSample sample) {
    Map<String, Object> events = new LinkedHashMap<>();
    String errors = sample.format() == LogSample.Format.LOGFMT || sample.format() == LogSample.Format.JSON
        ? parserStage(sample) + " | level=~\"(?i)(error|fatal|critical|panic)\""
        : " |~ \"(?i)\\\\b(error|exception|fatal|panic)\\\\b\"";
    events.put("error_query", "sum(count_over_time(" + selector + errors + " [{{.window}}]))");
    events.put("total_query", "sum(count_over_time(" + selector + " [{{.window}}]))");
    return new GeneratedSlo("error-logs", slo("error-logs", 99.0, "Share of log lines of " + service + " that are not errors.", events,
        service, "error-logs"), "no HTTP status found in the sample, so the share of error lines");
  }

  private static Map<String, Object> slo(String name, double objective, String description, Map<String, Object> events, String service,
      String category) {
    Map<String, Object> slo = new LinkedHashMap<>();
    slo.put("name", name);
    slo.put("objective", objective);
    slo.put("description", description);
    slo.put("labels", Map.of("category", category));
    slo.put("sli", Map.of("events", events));
    Map<String, Object> alerting = new LinkedHashMap<>();
    alerting.put("name", pascal(service) + pascal(name));
    alerting.put("labels", Map.of("category", category));
    alerting.put("annotations", Map.of("summary", "High error budget burn for " + service + " " + name));
    alerting.put("page_alert", Map.of("labels", Map.of("severity", "critical")));
    alerting.put("ticket_alert", Map.of("labels", Map.of("severity", "warning")));
    slo.put("alerting", alerting);
    return slo;
  }

  private static String parserStage(LogSample sample) {
    return switch (sample.format()) {
      case LOGFMT -> " | logfmt";
      case JSON -> " | json";
      case ACCESS_LOG -> " | pattern `" + LogSample.ACCESS_LOG_PATTERN + "`";
      case UNKNOWN -> "";
    };
  }

  static double objectiveFor(double errorShare) {
    if (Double.isNaN(errorShare)) {
      return 99.0;
    }
    for (double objective : OBJECTIVES) {
      if (errorShare <= (1 - objective / 100) / 2) {
        return objective;
      }
    }
    return OBJECTIVES[OBJECTIVES.length - 1];
  }

  static double roundUp(double millis) {
    for (double round : ROUND_MILLIS) {
      if (millis <= round) {
        return round;
      }
    }
    return Math.ceil(millis / 60_000) * 60_000;
  }

  static String durationText(double millis) {
    return millis >= 1000 && millis % 1000 == 0 ? trim(millis / 1000) + "s" : trim(millis) + "ms";
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String pascal(String text) {
    StringBuilder result = new StringBuilder();
    boolean upper = true;
    for (char c : text.toCharArray()) {
      if (!Character.isLetterOrDigit(c)) {
        upper = true;
      } else {
        result.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return result.toString();
  }
}

package dev.tonari.bench.rules;

import dev.tonari.cli.generate.LogGenerator.GeneratedStream;
import dev.tonari.cli.generate.LogStyle;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's rules: what teams write over {@code LogGenerator}'s apps, about 28 per app and
 * environment. For each (tenant, app, env) selector: error-ratio alerts over 5m and 1h-ish windows
 * in the app's log style (logfmt, JSON, nginx pattern, Java text), latency alerts, a "rare word"
 * alert, per-pod rates and byte counts as recording rules, at several ranges. So most rules of a
 * selector read it, which is what shared scans are for. One namespace per tenant and app, one
 * group per environment (so a tenant's cycle spans many groups).
 */
final class RuleCorpus {
  private static final String NGINX_PATTERN = "`<_> - - [<_>] \"<_>\" <status> <_> \"<_>\" \"<_>\" <duration> <_>`";
  private static final String[] RANGES = {"1m", "2m", "5m", "10m", "15m"};

  private RuleCorpus() {}

  /** One rule with its tenant, namespace and group. */
  record Placed(String tenant, String namespace, String group, Rule rule) {}

  /** Up to {@code count} rules over the streams' (tenant, app, env) selectors, spread evenly. */
  static List<Placed> rules(List<GeneratedStream> streams, int count) {
    Map<String, GeneratedStream> firstOfEach = new LinkedHashMap<>();
    for (GeneratedStream stream : streams) {
      firstOfEach.putIfAbsent(stream.tenant() + "\u0000" + stream.app() + "\u0000" + stream.labels().get("env"), stream);
    }
    List<List<Placed>> perSelector = new ArrayList<>();
    for (GeneratedStream stream : firstOfEach.values()) {
      perSelector.add(rulesOf(stream));
    }
    // Round-robin over selectors so that a small count still covers many selectors.
    List<Placed> all = new ArrayList<>();
    for (int index = 0; all.size() < count; index++) {
      boolean any = false;
      for (List<Placed> rules : perSelector) {
        if (index < rules.size() && all.size() < count) {
          all.add(rules.get(index));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return all;
  }

  private static List<Placed> rulesOf(GeneratedStream stream) {
    String env = stream.labels().get("env");
    String selector = "{app=\"" + stream.app() + "\", env=\"" + env + "\"}";
    String namespace = stream.app();
    String group = stream.app() + "-" + env;
    List<Rule> rules = new ArrayList<>();
    String bad = badPipeline(stream.style());
    String slow = slowPipeline(stream.style());
    String name = camel(stream.app()) + camel(env);
    for (String range : RANGES) {
      rules.add(alert(name + "ErrorRatio" + range, "sum(count_over_time(" + selector + " " + bad + " [" + range + "])) / sum(count_over_time(" + selector + " [" + range
          + "])) > 0.01", range.equals("1m") ? Duration.ZERO : Duration.ofMinutes(2)));
      rules.add(record(stream.app() + ":lines:rate" + range + ":" + env, "sum by (pod) (rate(" + selector + " [" + range + "]))"));
      rules.add(record(stream.app() + ":bytes:" + range + ":" + env, "sum(bytes_over_time(" + selector + " [" + range + "]))"));
      rules.add(record(stream.app() + ":errors:" + range + ":" + env, "sum by (pod) (count_over_time(" + selector + " " + bad + " [" + range + "]))"));
      if (slow != null) {
        rules.add(alert(name + "Slow" + range, "sum(count_over_time(" + selector + " " + slow + " [" + range + "])) > 10", Duration.ofMinutes(1)));
      }
      rules.add(alert(name + "Deadlock" + range, "sum by (pod) (count_over_time(" + selector + " |= \"deadlock\" [" + range + "])) > 0", Duration.ZERO));
      rules.add(record(stream.app() + ":warnings:" + range + ":" + env, "sum(count_over_time(" + selector + " |~ \"(?i)warn\" [" + range + "]))"));
    }
    List<Placed> placed = new ArrayList<>(rules.size());
    for (Rule rule : rules) {
      placed.add(new Placed(stream.tenant(), namespace, group, rule));
    }
    return placed;
  }

  /** The rules as namespaces, by tenant (groups in the order their first rule came). */
  static Map<String, List<RuleNamespace>> namespaces(List<Placed> rules) {
    Map<String, Map<String, Map<String, List<Rule>>>> byTenant = new LinkedHashMap<>();
    for (Placed rule : rules) {
      byTenant.computeIfAbsent(rule.tenant(), t -> new LinkedHashMap<>()).computeIfAbsent(rule.namespace(), n -> new LinkedHashMap<>())
          .computeIfAbsent(rule.group(), g -> new ArrayList<>()).add(rule.rule());
    }
    Map<String, List<RuleNamespace>> result = new LinkedHashMap<>();
    byTenant.forEach((tenant, namespaces) -> {
      List<RuleNamespace> list = new ArrayList<>();
      new java.util.TreeMap<>(namespaces).forEach((namespace, groups) -> {
        List<RuleGroup> ruleGroups = new ArrayList<>();
        groups.forEach((group, groupRules) -> ruleGroups.add(new RuleGroup(group, Optional.empty(), 0, groupRules)));
        list.add(new RuleNamespace(namespace, ruleGroups, RuleNamespace.Origin.FILE));
      });
      result.put(tenant, list);
    });
    return result;
  }

  private static AlertingRule alert(String name, String expr, Duration forDuration) {
    return new AlertingRule(name, expr, forDuration, Duration.ZERO, Map.of("severity", "page"),
        Map.of("summary", "{{ $labels.pod }} at {{ humanize $value }}"));
  }

  private static RecordingRule record(String name, String expr) {
    return new RecordingRule(name, expr, Map.of("source", "bench"));
  }

  private static String badPipeline(LogStyle style) {
    return switch (style) {
      case LOGFMT -> "| logfmt | status>=500";
      case JSON -> "| json | status>=500";
      case NGINX_ACCESS -> "| pattern " + NGINX_PATTERN + " | status>=500";
      case JAVA_TEXT -> "|= \" ERROR [\"";
      case SYSLOG -> "|~ \"EXT4-fs error|out of memory\"";
    };
  }

  private static String slowPipeline(LogStyle style) {
    return switch (style) {
      case LOGFMT -> "| logfmt | duration > 250ms";
      case JSON -> "| json | latency_ms > 250";
      case NGINX_ACCESS -> "| pattern " + NGINX_PATTERN + " | duration > 0.25";
      case JAVA_TEXT, SYSLOG -> null;
    };
  }

  private static String camel(String text) {
    StringBuilder out = new StringBuilder();
    for (String part : text.split("[-_]")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }
}

package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.model.RuleNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Prometheus' {@code /api/v1/rules} and {@code /api/v1/alerts} show, as records; {@link
 * PrometheusRulesJson} writes them in Prometheus' JSON.
 */
public final class RuleViews {
  private RuleViews() {}

  /**
   * One alert as the APIs show it.
   *
   * @param labels its labels ({@code alertname} included)
   * @param annotations its annotations, expanded
   * @param state pending or firing
   * @param activeAt when it became active
   * @param keepFiringSince since when {@code keep_firing_for} holds it firing without its series
   * @param value the expression's value at the last evaluation
   */
  public record Alert(Map<String, String> labels, Map<String, String> annotations, AlertState state, Instant activeAt,
      Optional<Instant> keepFiringSince, double value) {
    public Alert {
      labels = sorted(labels);
      annotations = sorted(annotations);
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(activeAt, "activeAt");
      Objects.requireNonNull(keepFiringSince, "keepFiringSince");
    }
  }

  /** An alerting or a recording rule. */
  public sealed interface Rule permits AlertingRule, RecordingRule {
    String name();

    String query();

    RuleHealth health();

    /** Empty when healthy. */
    String lastError();

    Duration evaluationTime();

    /** Empty before the first evaluation (Prometheus shows Go's zero time). */
    Optional<Instant> lastEvaluation();
  }

  /**
   * @param state the highest state of its alerts ({@code inactive} without any)
   * @param duration {@code for}
   */
  public record AlertingRule(AlertState state, String name, String query, Duration duration, Duration keepFiringFor, Map<String, String> labels,
      Map<String, String> annotations, List<Alert> alerts, RuleHealth health, String lastError, Duration evaluationTime,
      Optional<Instant> lastEvaluation) implements Rule {
    public AlertingRule {
      labels = sorted(labels);
      annotations = sorted(annotations);
      alerts = List.copyOf(alerts);
    }
  }

  public record RecordingRule(String name, String query, Map<String, String> labels, RuleHealth health, String lastError, Duration evaluationTime,
      Optional<Instant> lastEvaluation) implements Rule {
    public RecordingRule {
      labels = sorted(labels);
    }
  }

  /**
   * One rule group.
   *
   * @param file the namespace (Prometheus shows the rule file)
   * @param origin where the namespace comes from (not in Prometheus' JSON)
   */
  public record Group(String name, String file, RuleNamespace.Origin origin, List<Rule> rules, Duration interval, int limit,
      Duration evaluationTime, Optional<Instant> lastEvaluation) {
    public Group {
      rules = List.copyOf(rules);
    }
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }
}

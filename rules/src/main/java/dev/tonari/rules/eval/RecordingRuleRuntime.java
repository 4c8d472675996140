package dev.tonari.rules.eval;

import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.model.RecordingRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A recording rule as Prometheus' {@code RecordingRule.Eval} runs it: every series of the result
 * is renamed ({@code __name__} = {@code record}, replacing the input's name) and takes the rule's
 * labels (not templated; an empty value removes the label); two series with the same labels
 * afterwards, or more series than the group's {@code limit}, fail the evaluation and nothing is
 * recorded.
 */
final class RecordingRuleRuntime extends RuleRuntime {
  private final RecordingRule rule;

  RecordingRuleRuntime(RecordingRule rule) {
    this.rule = rule;
  }

  @Override
  RecordingRule rule() {
    return rule;
  }

  /** The samples to record at {@code now}, or the reason the evaluation fails. */
  Result record(List<Sample> samples, Instant now, int limit) {
    List<RecordedSample> recorded = new ArrayList<>(samples.size());
    Set<Map<String, String>> seen = new HashSet<>();
    for (Sample sample : samples) {
      Map<String, String> labels = new TreeMap<>(sample.labels());
      labels.put("__name__", rule.record());
      rule.labels().forEach((name, value) -> {
        if (value.isEmpty()) {
          labels.remove(name);
        } else {
          labels.put(name, value);
        }
      });
      if (!seen.add(labels)) {
        return new Result(List.of(), "vector contains metrics with the same labelset after applying rule labels");
      }
      recorded.add(new RecordedSample(labels, now.toEpochMilli(), sample.value()));
    }
    if (limit > 0 && recorded.size() > limit) {
      return new Result(List.of(), "exceeded limit of " + limit + " with " + recorded.size() + " series");
    }
    return new Result(recorded, "");
  }

  /**
   * @param samples what to write
   * @param failure empty on success, else the rule's error
   */
  record Result(List<RecordedSample> samples, String failure) {}
}

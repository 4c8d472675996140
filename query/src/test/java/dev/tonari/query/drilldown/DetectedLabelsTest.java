package dev.tonari.query.drilldown;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loki's choice of labels to break down by: static labels kept, identifier-only labels left out. */
class DetectedLabelsTest {
  @Test
  void keepsStaticLabelsAndLabelsWithWordsAndLeavesOutIdentifiers() {
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put("pod", List.of("checkout-1"));
    values.put("cluster", List.of("1", "2", "3"));
    values.put("service_name", List.of("checkout", "cart"));
    values.put("build", List.of("101", "102", "103"));
    values.put("request_id", List.of("0b9b6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "7d9f6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "12"));
    values.put("canary", List.of("0", "1"));
    values.put("shard", List.of("0", "7"));
    values.put("mixed", List.of("12", "eu"));
    values.put("empty", List.of());
    assertThat(DetectedLabels.select(values)).containsExactly(
        new DetectedLabels.DetectedLabel("canary", 2),
        new DetectedLabels.DetectedLabel("cluster", 3),
        new DetectedLabels.DetectedLabel("mixed", 2),
        new DetectedLabels.DetectedLabel("pod", 1),
        new DetectedLabels.DetectedLabel("service_name", 2));
  }

  @Test
  void aStaticLabelWithoutValuesIsLeftOut() {
    assertThat(DetectedLabels.select(Map.of("namespace", List.of()))).isEmpty();
  }
}

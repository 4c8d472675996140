package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random alert templates, built from Go template syntax and Prometheus' functions, never fail a
 * rule: expansion always yields a text (the result, or Prometheus' {@code <error expanding
 * template: ...>}), whatever is parsed or run.
 */
class AlertTemplatesFuzzTest {
  private static final String[] PIECES = {
    "{{", "}}", "{{-", "-}}", " ", "$value", "$labels", "$labels.pod", "$externalLabels", "$externalURL", ".Labels", ".Value", "|", "(", ")",
    "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "toTime", "title", "toUpper", "toLower", "match",
    "reReplaceAll", "stripPort", "stripDomain", "parseDuration", "args", "safeHtml", "printf", "len", "index", "eq", "gt", "and", "or", "not",
    "if", "else", "end", "range", "with", "$x :=", "\"a+\"", "\"(\"", "\"1h\"", "\"%.2f\"", "1e400", "-1", "0", "3.5", "'x'", "`raw`", "nil", "true",
    "text", "\n", "é", "{{/* c */}}",
  };

  @Test
  void randomTemplatesAlwaysExpandToAText() {
    AlertTemplates templates = new AlertTemplates(Map.of("cluster", "eu"), "https://x.example");
    Random random = new Random(424242);
    double[] values = {0, 1, -1, 1e30, Double.NaN, Double.POSITIVE_INFINITY, 1234567, 1e-9};
    for (int round = 0; round < 5000; round++) {
      StringBuilder text = new StringBuilder();
      for (int pieces = random.nextInt(14); pieces > 0; pieces--) {
        text.append(PIECES[random.nextInt(PIECES.length)]).append(random.nextInt(3) == 0 ? " " : "");
      }
      String template = text.toString();
      Map<String, String> expanded = templates.compile("Fuzz", Map.of("l", template), Map.of("a", template))
          .annotations(Map.of("pod", "p-1", "__name__", "m"), values[random.nextInt(values.length)]);
      assertThat(expanded.get("a")).as(template).isNotNull().doesNotContain("internal error");
      if (expanded.get("a").startsWith("<error expanding template: ")) {
        assertThat(expanded.get("a")).as(template).containsPattern("^<error expanding template: error (parsing|executing) template __alert_Fuzz: template: __alert_Fuzz:");
      }
    }
  }
}

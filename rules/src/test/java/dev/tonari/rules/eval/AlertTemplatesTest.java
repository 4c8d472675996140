package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' documented template examples (the template reference and its examples page:
 * {@code humanize 1234567.0} is {@code 1.235M}, ...), and what promtool cannot show: external
 * labels and the external URL.
 */
class AlertTemplatesTest {
  private final AlertTemplates templates = new AlertTemplates(Map.of("cluster", "eu-1"), "https://grafana.example/tonari");

  private String expand(String text, Map<String, String> labels, double value) {
    return templates.compile("Example", Map.of(), Map.of("a", text)).annotations(labels, value).get("a");
  }

  @ParameterizedTest(name = "{0} of {1} -> {2}")
  @CsvSource(delimiterString = " => ", value = {
    "{{ humanize $value }} => 1234567.0 => 1.235M",
    "{{ humanize1024 $value }} => 1048576.0 => 1Mi",
    "{{ humanizeDuration $value }} => 899.99 => 14m 59s",
    "{{ humanizePercentage $value }} => 0.1234567 => 12.35%",
    "{{ $value | humanizeTimestamp }} => 1435065584.128 => 2015-06-23 13:19:44.128 +0000 UTC",
    "{{ humanize $value }} => 0.001234 => 1.234m",
    "{{ humanizeDuration $value }} => 0.5 => 500ms",
    "{{ humanizeDuration $value }} => 90061 => 1d 1h 1m 1s",
    "{{ humanize1024 $value }} => 1 => 1",
  })
  void humanizingAsTheTemplateReferenceDocumentsIt(String template, double value, String expected) {
    assertThat(expand(template, Map.of(), value)).isEqualTo(expected);
  }

  @Test
  void stringFunctionsAsDocumented() {
    Map<String, String> labels = Map.of("instance", "localhost:3000");
    assertThat(expand("{{ \"aa bb CC\" | title }}|{{ \"aa bb CC\" | toUpper }}|{{ \"aA bB CC\" | toLower }}", labels, 0)).isEqualTo("Aa Bb CC|AA BB CC|aa bb cc");
    assertThat(expand("{{ match \"a+\" $labels.instance }}", Map.of("instance", "aa"), 0)).isEqualTo("true");
    assertThat(expand("{{ reReplaceAll \"localhost:(.*)\" \"my.domain:$1\" $labels.instance }}", labels, 0)).isEqualTo("my.domain:3000");
    assertThat(expand("{{ stripDomain \"foo.example.com:9100\" }} {{ stripDomain \"10.0.0.1:80\" }} {{ stripDomain \"[::1]:80\" }}", labels, 0))
        .isEqualTo("foo:9100 10.0.0.1:80 [::1]:80");
    assertThat(expand("{{ parseDuration \"1h30m\" }} {{ parseDuration \"x\" }}", labels, 0))
        .isEqualTo("<error expanding template: error executing template __alert_Example: template: __alert_Example:1:143: executing \"__alert_Example\""
            + " at <parseDuration \"x\">: error calling parseDuration: not a valid duration string: \"x\">");
    assertThat(expand("{{ parseDuration \"1h30m\" }}", labels, 0)).isEqualTo("5400");
  }

  @Test
  void externalLabelsAndTheExternalUrlAreAvailableAsInPrometheus() {
    assertThat(expand("{{ $externalLabels.cluster }} {{ .ExternalLabels.cluster }} {{ $externalURL }} {{ externalURL }} {{ pathPrefix }}", Map.of(), 0))
        .isEqualTo("eu-1 eu-1 https://grafana.example/tonari https://grafana.example/tonari /tonari");
  }

  @Test
  void aTemplateThatFailsGivesPrometheusErrorTextInsteadOfFailingTheRule() {
    // What Prometheus 2.42 wrote for this annotation (its /api/v1/alerts).
    assertThat(expand("{{ humanize \"abc\" }}", Map.of(), 0)).isEqualTo(
        "<error expanding template: error executing template __alert_Example: template: __alert_Example:1:115: executing \"__alert_Example\" at <humanize \"abc\">:"
            + " error calling humanize: strconv.ParseFloat: parsing \"abc\": invalid syntax>");
    assertThat(expand("{{ nope }}", Map.of(), 0))
        .isEqualTo("<error expanding template: error parsing template __alert_Example: template: __alert_Example:1: function \"nope\" not defined>");
    assertThat(expand("no template here {{", Map.of(), 0)).startsWith("<error expanding template: error parsing template");
    assertThat(expand("plain text", Map.of(), 0)).isEqualTo("plain text");
  }
}

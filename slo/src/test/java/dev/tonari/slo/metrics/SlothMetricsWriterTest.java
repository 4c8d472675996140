package dev.tonari.slo.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tonari.slo.alert.BurnRateConditions;
import dev.tonari.slo.alert.ConditionState;
import dev.tonari.slo.alert.SlothGettingStarted;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.MinuteSeries;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlothMetricsWriterTest {
  private static final long NOW = 29_000_000; // an epoch minute in 2025
  private static final int DAYS = 33; // the 30-day period plus the 3-day window
  private static final SlothMetricsWriter WRITER = new SlothMetricsWriter("0.1.0");

  @TempDir Path directory;

  /** Every minute of the last 33 days with {@code bad} of 100 events bad. */
  private static MinuteSeries steady(double bad) {
    MinuteSeries series = new MinuteSeries(NOW - DAYS * 1440L, DAYS * 1440);
    for (long minute = series.startMinute(); minute < series.endMinute(); minute++) {
      series.set(minute, bad, 100);
    }
    return series;
  }

  private static SlothMetricsInput input(SloSpec spec, Map<String, String> group, MinuteSeries series, String policy) {
    List<ConditionState> states = BurnRateConditions.step(List.of(), spec, series, NOW).states();
    return SlothMetricsInput.of("team-a", spec, group, series, NOW, states, policy, "prometheus/v1");
  }

  private static String write(List<SlothMetricsInput> inputs) throws IOException {
    StringBuilder out = new StringBuilder();
    WRITER.write(inputs, out);
    return out.toString();
  }

  @Test
  void aSteadyOnePercentGivesTheSameRatioInEveryWindowAndBurnTenForNinetyNinePointNine() throws IOException {
    SloSpec spec = SlothGettingStarted.spec();
    String text = write(List.of(input(spec, Map.of(), steady(1), "healthy")));
    Map<String, Map<Map<String, String>, Double>> parsed = ExpositionParser.parse(text);

    Map<String, String> slo = new TreeMap<>(Map.of("owner", "myteam", "repo", "myorg/myservice", "tier", "2", "tenant", "team-a",
        "sloth_id", "myservice-requests-availability", "sloth_service", "myservice", "sloth_slo", "requests-availability"));
    Map<String, String> tonari = new TreeMap<>(Map.of("tenant", "team-a", "sloth_id", "myservice-requests-availability",
        "sloth_service", "myservice", "sloth_slo", "requests-availability"));
    // Worked by hand: 1 bad in 100 every minute is a ratio of 0.01 over any window; Sloth's error
    // budget for 99.9 is 1 - 99.9 / 100, so the burn rate is 0.01 over that, about 10.
    double errorBudget = 1 - 99.9 / 100;
    double burn = 0.01 / errorBudget;
    Map<String, Map<Map<String, String>, Double>> expected = new LinkedHashMap<>();
    for (String window : List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")) {
      expected.put("slo:sli_error:ratio_rate" + window, Map.of(with(slo, "sloth_window", window), 0.01));
    }
    expected.put("slo:current_burn_rate:ratio", Map.of(with(slo, "sloth_window", "5m"), burn));
    expected.put("slo:period_burn_rate:ratio", Map.of(with(slo, "sloth_window", "30d"), burn));
    expected.put("slo:period_error_budget_remaining:ratio", Map.of(with(slo, "sloth_window", "30d"), 1 - burn));
    expected.put("slo:objective:ratio", Map.of(slo, 99.9 / 100));
    expected.put("slo:error_budget:ratio", Map.of(slo, errorBudget));
    expected.put("slo:time_period:days", Map.of(slo, 30.0));
    Map<String, String> info = new TreeMap<>(slo);
    info.putAll(Map.of("sloth_version", "0.1.0", "sloth_mode", "tonari", "sloth_spec", "prometheus/v1", "sloth_objective", "99.9"));
    expected.put("sloth_slo_info", Map.of(info, 1.0));
    expected.put("tonari_slo_sli_no_data", Map.of(tonari, 0.0));
    expected.put("tonari_slo_budget_policy_state", Map.of(with(tonari, "state", "healthy"), 1.0, with(tonari, "state", "at_risk"), 0.0,
        with(tonari, "state", "exhausted"), 0.0, with(tonari, "state", "no_data"), 0.0));
    // Burn 10 is above 6, 3 and 1, not above 14.4: with no alertAfter those three fire at once.
    Map<String, Double> factors = Map.of("page-1h", 14.4, "page-6h", 6.0, "ticket-1d", 3.0, "ticket-3d", 1.0);
    Map<Map<String, String>, Double> states = new HashMap<>();
    Map<Map<String, String>, Double> firing = new HashMap<>();
    Map<Map<String, String>, Double> burns = new HashMap<>();
    Map<Map<String, String>, Double> factorSamples = new HashMap<>();
    Map<Map<String, String>, Double> since = new HashMap<>();
    factors.forEach((tier, factor) -> {
      Map<String, String> condition = with(with(tonari, "tier", tier), "severity", tier.substring(0, tier.indexOf('-')));
      boolean fires = burn > factor;
      states.put(with(condition, "state", "inactive"), fires ? 0.0 : 1.0);
      states.put(with(condition, "state", "pending"), 0.0);
      states.put(with(condition, "state", "firing"), fires ? 1.0 : 0.0);
      firing.put(condition, fires ? 1.0 : 0.0);
      burns.put(with(condition, "window_kind", "short"), 0.01 / (1 - 0.999));
      burns.put(with(condition, "window_kind", "long"), 0.01 / (1 - 0.999));
      factorSamples.put(condition, factor);
      since.put(condition, (double) NOW * 60);
    });
    expected.put("tonari_slo_burn_rate_condition_state", states);
    expected.put("tonari_slo_condition_firing", firing);
    expected.put("tonari_slo_burn_rate_condition_burn_rate", burns);
    expected.put("tonari_slo_burn_rate_condition_factor", factorSamples);
    expected.put("tonari_slo_burn_rate_condition_since_timestamp_seconds", since);

    assertThat(parsed.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((name, samples) -> {
      assertThat(parsed.get(name).keySet()).as(name).containsExactlyInAnyOrderElementsOf(samples.keySet());
      samples.forEach((labels, value) -> assertThat(parsed.get(name).get(labels)).as(name + labels).isCloseTo(value,
          org.assertj.core.api.Assertions.within(Math.abs(value) * 1e-12)));
    });
    // And the text itself, for one family: HELP, TYPE, labels sorted, Go's spelling of the number.
    assertThat(text).contains("# TYPE slo:sli_error:ratio_rate5m gauge\n"
        + "slo:sli_error:ratio_rate5m{owner=\"myteam\",repo=\"myorg/myservice\",sloth_id=\"myservice-requests-availability\","
        + "sloth_service=\"myservice\",sloth_slo=\"requests-availability\",sloth_window=\"5m\",tenant=\"team-a\",tier=\"2\"} 0.01\n");
  }

  @Test
  void everySeriesSlothRecordsIsThereWithSlothsLabelsAndTenant() throws IOException {
    String text = write(List.of(input(SlothGettingStarted.spec(), Map.of(), steady(1), "healthy")));
    Map<String, Map<Map<String, String>, Double>> parsed = ExpositionParser.parse(text);
    JsonNode sloth = new ObjectMapper(new YAMLFactory()).readTree(SlothGettingStarted.generatedRules());
    Set<String> sliLabels = null;
    int records = 0;
    for (JsonNode group : sloth.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        if (!rule.has("record")) {
          continue;
        }
        records++;
        String name = rule.get("record").asText();
        Set<String> labels = new HashSet<>();
        rule.get("labels").fieldNames().forEachRemaining(labels::add);
        labels.remove("cmd"); // added by Sloth's example generator script, not by the spec
        labels.add("tenant");
        if (name.startsWith("slo:sli_error:") && sliLabels == null) {
          sliLabels = new HashSet<>(labels);
        }
        // A Prometheus series keeps the labels of what its rule computes from: the 30d ratio those
        // of the 5m ratio, and the burn rates the sloth_window of the ratio they divide.
        if (name.equals("slo:sli_error:ratio_rate30d")) {
          labels = sliLabels;
        }
        if (name.contains("burn_rate") || name.contains("remaining")) {
          labels.add("sloth_window");
        }
        assertThat(parsed).as(name).containsKey(name);
        for (Map<String, String> sample : parsed.get(name).keySet()) {
          assertThat(sample.keySet()).as(name).containsExactlyInAnyOrderElementsOf(labels);
        }
      }
    }
    assertThat(records).isEqualTo(15);
  }

  @Test
  void labelValuesAreEscaped() throws IOException {
    SloSpec base = SlothGettingStarted.spec();
    SloSpec spec = new SloSpec(base.id(), base.service(), base.name(), base.description(), Map.of("owner", "back\\slash \"quoted\"\nnext line"),
        base.indicator(), base.target(), base.window(), base.budgeting(), base.timeSlices(), List.of("path"), base.alerting(), base.origin());
    String text = write(List.of(input(spec, Map.of("path", "/a\"b\\c\nd"), steady(1), "healthy")));
    assertThat(text).contains("owner=\"back\\\\slash \\\"quoted\\\"\\nnext line\"").contains("path=\"/a\\\"b\\\\c\\nd\"");
    Map<String, Map<Map<String, String>, Double>> parsed = ExpositionParser.parse(text);
    assertThat(parsed.get("slo:sli_error:ratio_rate5m").keySet()).singleElement()
        .satisfies(labels -> assertThat(labels).containsEntry("owner", "back\\slash \"quoted\"\nnext line").containsEntry("path", "/a\"b\\c\nd"));
  }

  @Test
  void windowsWithoutDataHaveNoSample() throws IOException {
    SloSpec spec = SlothGettingStarted.spec();
    // Events only from 20 to 10 days ago: the period has data, no alert window does.
    MinuteSeries series = new MinuteSeries(NOW - DAYS * 1440L, DAYS * 1440);
    for (long minute = NOW - 20 * 1440L; minute < NOW - 10 * 1440L; minute++) {
      series.set(minute, 2, 100);
    }
    Map<String, Map<Map<String, String>, Double>> parsed = ExpositionParser.parse(write(List.of(input(spec, Map.of(), series, "healthy"))));
    assertThat(parsed).doesNotContainKeys("slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate3d", "slo:current_burn_rate:ratio",
        "tonari_slo_burn_rate_condition_burn_rate");
    assertThat(parsed.get("slo:sli_error:ratio_rate30d").values()).containsExactly(0.02);
    assertThat(parsed.get("tonari_slo_sli_no_data").values()).containsExactly(0.0);

    Map<String, Map<Map<String, String>, Double>> empty = ExpositionParser.parse(write(List.of(
        input(spec, Map.of(), new MinuteSeries(NOW - DAYS * 1440L, DAYS * 1440), "no_data"))));
    assertThat(empty.keySet()).noneMatch(name -> name.startsWith("slo:sli_error:")).doesNotContain("slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio");
    assertThat(empty).containsKeys("slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days", "sloth_slo_info");
    assertThat(empty.get("tonari_slo_sli_no_data").values()).containsExactly(1.0);
    assertThat(empty.get("tonari_slo_condition_firing").values()).containsOnly(0.0);
  }

  @Test
  void eachGroupHasItsSeriesAndTheSloItsMetadataOnce() throws IOException {
    SloSpec base = SlothGettingStarted.spec();
    SloSpec spec = new SloSpec(base.id(), base.service(), base.name(), base.description(), base.labels(), base.indicator(), base.target(),
        base.window(), base.budgeting(), base.timeSlices(), List.of("pod"), base.alerting(), base.origin());
    Map<String, Map<Map<String, String>, Double>> parsed = ExpositionParser.parse(write(List.of(
        input(spec, Map.of("pod", "a"), steady(1), "healthy"), input(spec, Map.of("pod", "b"), steady(3), "at_risk"))));
    Map<String, Double> byPod = new TreeMap<>();
    parsed.get("slo:sli_error:ratio_rate1h").forEach((labels, value) -> byPod.put(labels.get("pod"), value));
    assertThat(byPod).containsExactly(Map.entry("a", 0.01), Map.entry("b", 0.03));
    assertThat(parsed.get("slo:objective:ratio")).hasSize(1);
    assertThat(parsed.get("slo:objective:ratio").keySet()).allSatisfy(labels -> assertThat(labels).doesNotContainKey("pod"));
    assertThat(parsed.get("sloth_slo_info")).hasSize(1);
    Map<String, String> atRisk = new TreeMap<>();
    parsed.get("tonari_slo_budget_policy_state").forEach((labels, value) -> {
      if (value == 1.0) {
        atRisk.put(labels.get("pod"), labels.get("state"));
      }
    });
    assertThat(atRisk).containsExactly(Map.entry("a", "healthy"), Map.entry("b", "at_risk"));
    assertThat(parsed.get("tonari_slo_condition_firing")).hasSize(8);
  }

  @Test
  void theClientRegistryExposesTheSameSeries() throws IOException {
    List<SlothMetricsInput> inputs = List.of(input(SlothGettingStarted.spec(), Map.of(), steady(1), "exhausted"));
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new SlothMetricsCollector(WRITER, () -> inputs));
    ByteArrayOutputStream client = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(client, registry.scrape());
    Map<String, Map<Map<String, String>, Double>> viaClient = ExpositionParser.parse(client.toString(StandardCharsets.UTF_8));
    assertThat(viaClient).isEqualTo(ExpositionParser.parse(write(inputs)));
  }

  @Test
  void promtoolReadsTheExposition() throws IOException, InterruptedException {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(Files.isExecutable(promtool), "skipped: promtool not installed");
    SloSpec spec = SlothGettingStarted.spec();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WRITER.write(List.of(input(spec, Map.of(), steady(1), "healthy")), out);
    Path file = directory.resolve("metrics.txt");
    Files.write(file, out.toByteArray());
    Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // Exit 1 is a parse error; 3 is lint problems only. The one lint problem allowed is the colon
    // in Sloth's recording-rule names, which dashboards need as they are.
    assertThat(process.exitValue()).as(output).isIn(0, 3);
    List<String> problems = new ArrayList<>(output.lines().filter(line -> !line.isBlank()).toList());
    assertThat(problems).isNotEmpty().allSatisfy(problem -> assertThat(problem).startsWith("slo:").endsWith("metric names should not contain ':'"));
  }

  @Test
  void badInputIsRefusedWithTheTenantAndSlo() {
    SloSpec base = SlothGettingStarted.spec();
    SloSpec dotted = new SloSpec(base.id(), base.service(), base.name(), base.description(), Map.of("app.kubernetes.io/name", "x"),
        base.indicator(), base.target(), base.window(), base.budgeting(), base.timeSlices(), List.of(), base.alerting(), base.origin());
    assertThatThrownBy(() -> input(dotted, Map.of(), steady(1), "healthy")).hasMessageContaining("team-a")
        .hasMessageContaining(base.id()).hasMessageContaining("app.kubernetes.io/name");
    SloSpec reserved = new SloSpec(base.id(), base.service(), base.name(), base.description(), Map.of("tenant", "x"), base.indicator(),
        base.target(), base.window(), base.budgeting(), base.timeSlices(), List.of(), base.alerting(), base.origin());
    assertThatThrownBy(() -> input(reserved, Map.of(), steady(1), "healthy")).hasMessageContaining("tenant is set by Tonari");
    assertThatThrownBy(() -> input(base, Map.of("severity", "x"), steady(1), "healthy")).hasMessageContaining("group label severity");
    assertThatThrownBy(() -> input(base, Map.of(), steady(1), "frozen")).hasMessageContaining("unknown budget policy state frozen");
    SlothMetricsInput once = input(base, Map.of(), steady(1), "healthy");
    assertThatThrownBy(() -> write(List.of(once, once))).hasMessageContaining("given twice");
  }

  @Test
  void aTwentyEightDayPeriodIsSlothsFourWeeks() throws IOException {
    SloSpec spec = SlothGettingStarted.spec(Duration.ofDays(28));
    Map<String, Map<Map<String, String>, Double>> parsed = ExpositionParser.parse(write(List.of(input(spec, Map.of(), steady(1), "healthy"))));
    assertThat(parsed).containsKey("slo:sli_error:ratio_rate4w").doesNotContainKey("slo:sli_error:ratio_rate30d");
    assertThat(parsed.get("slo:time_period:days").values()).containsExactly(28.0);
    assertThat(parsed.get("slo:period_burn_rate:ratio").keySet()).singleElement()
        .satisfies(labels -> assertThat(labels).containsEntry("sloth_window", "4w"));
  }

  @Test
  void aCalendarPeriodStartsAtTheLocalMidnightThatBeganIt() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    TimeWindow.Calendar month = new TimeWindow.Calendar(TimeWindow.CalendarUnit.MONTH, 1,
        ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, berlin).toInstant(), berlin);
    long now = ZonedDateTime.of(2025, 4, 15, 12, 30, 0, 0, berlin).toEpochSecond() / 60;
    assertThat(Instant.ofEpochSecond(SlothMetricsInput.periodStart(month, now) * 60))
        .isEqualTo(ZonedDateTime.of(2025, 4, 1, 0, 0, 0, 0, berlin).toInstant());
    TimeWindow.Calendar quarter = new TimeWindow.Calendar(TimeWindow.CalendarUnit.QUARTER, 1,
        ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, berlin).toInstant(), berlin);
    assertThat(Instant.ofEpochSecond(SlothMetricsInput.periodStart(quarter, now) * 60))
        .isEqualTo(ZonedDateTime.of(2025, 4, 1, 0, 0, 0, 0, berlin).toInstant());
    // Before the start time the periods run backwards: March 2025 for a start in April.
    TimeWindow.Calendar later = new TimeWindow.Calendar(TimeWindow.CalendarUnit.MONTH, 1,
        ZonedDateTime.of(2025, 4, 1, 0, 0, 0, 0, berlin).toInstant(), berlin);
    long march = ZonedDateTime.of(2025, 3, 30, 12, 0, 0, 0, berlin).toEpochSecond() / 60;
    assertThat(Instant.ofEpochSecond(SlothMetricsInput.periodStart(later, march) * 60))
        .isEqualTo(ZonedDateTime.of(2025, 3, 1, 0, 0, 0, 0, berlin).toInstant());
    assertThat(SlothMetricsInput.periodStart(new TimeWindow.Rolling(Duration.ofDays(30)), now)).isEqualTo(now - 30 * 1440);
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> copy = new TreeMap<>(labels);
    copy.put(name, value);
    return copy;
  }
}

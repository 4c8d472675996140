package dev.tonari.slo.alert;

import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sloth's getting-started example (test resource {@code sloth/getting-started.yml}) as the model
 * holds it, written out by hand here so these tests do not depend on the spec parser; and the rules
 * Sloth generates for it ({@code sloth/getting-started.gen.yml}).
 */
public final class SlothGettingStarted {
  public static final String GENERATED_RESOURCE = "/sloth/getting-started.gen.yml";

  private SlothGettingStarted() {}

  public static SloSpec spec(Duration period) {
    return new SloSpec(
        "myservice-requests-availability",
        "myservice",
        "requests-availability",
        "Common SLO based on availability for HTTP request responses.",
        Map.of("owner", "myteam", "repo", "myorg/myservice", "tier", "2"),
        new Indicator.Ratio(
            SliQuery.promql("sum(rate(http_request_duration_seconds_count{job=\"myservice\",code=~\"(5..|429)\"}[{{.window}}]))", Optional.empty()),
            SliQuery.promql("sum(rate(http_request_duration_seconds_count{job=\"myservice\"}[{{.window}}]))", Optional.empty()),
            false),
        0.999,
        new TimeWindow.Rolling(period),
        BudgetingMethod.OCCURRENCES,
        Optional.empty(),
        List.of(),
        new Alerting("MyServiceHighErrorRate", Map.of("category", "availability"),
            Map.of("summary", "High error rate on 'myservice' requests responses"),
            BurnRateTiers.sloth(period, true, Map.of("severity", "pageteam", "routing_key", "myteam"), Map.of(), true,
                Map.of("severity", "slack", "slack_channel", "#alerts-myteam"), Map.of())),
        SloSpec.Origin.file("sloth/getting-started.yml", 11, 5));
  }

  public static SloSpec spec() {
    return spec(Duration.ofDays(30));
  }

  public static String generatedRules() {
    try (InputStream in = SlothGettingStarted.class.getResourceAsStream(GENERATED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + GENERATED_RESOURCE + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

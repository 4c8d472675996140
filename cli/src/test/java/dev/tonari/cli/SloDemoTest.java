package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.query.QueryLimits;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.slo.engine.SloView;
import dev.tonari.slo.rollup.InMemoryRollupStore;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's SLO files measure what they say on the demo's own logs: twenty minutes of the
 * generator's traffic, as {@code tonari demo} pushes it, evaluated by the engine over the shipped
 * files; each SLO's events equal a count made here from the generated lines themselves.
 */
class SloDemoTest {
  private static final long SECOND = 1_000_000_000L;
  private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
  private static final int MINUTES = 20;
  private static final Pattern NGINX_STATUS = Pattern.compile("HTTP/1\\.1\" (\\d{3}) ");
  private static final Pattern JSON_STATUS = Pattern.compile("\"status\":(\\d{3})");
  private static final Pattern LOGFMT_STATUS = Pattern.compile(" status=(\\d{3}) ");
  private static final Pattern LOGFMT_DURATION = Pattern.compile(" duration=([0-9.]+)ms ");

  @TempDir Path directory;

  /** The lines of one app in prod, of one tenant. */
  record Lines(List<String> lines) {
    long count(Predicate<String> predicate) {
      return lines.stream().filter(predicate).count();
    }
  }

  private static int status(Pattern pattern, String line) {
    Matcher matcher = pattern.matcher(line);
    assertThat(matcher.find()).as(line).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  @Test
  void theDemoSlosCountTheGeneratedRequests() throws Exception {
    InMemoryLogStore logs = new InMemoryLogStore();
    LogGenerator generator = new LogGenerator(42, GeneratorOptions.defaults());
    Map<String, List<String>> prodLinesByApp = new TreeMap<>();
    Map<String, Integer> prodPodsByApp = new TreeMap<>();
    int linesPerSecond = 100;
    for (int second = 0; second < MINUTES * 60; second++) {
      long startNanos = (START.getEpochSecond() + second) * SECOND;
      Map<String, List<StreamBatch>> byTenant = generator.nextByTenant(linesPerSecond, startNanos, SECOND / linesPerSecond);
      for (Map.Entry<String, List<StreamBatch>> tenant : byTenant.entrySet()) {
        logs.append(tenant.getKey(), tenant.getValue());
        for (StreamBatch batch : tenant.getValue()) {
          if (batch.labels().get("env").equals("prod")) {
            List<String> lines = prodLinesByApp.computeIfAbsent(tenant.getKey() + "/" + batch.labels().get("app"), key -> new java.util.ArrayList<>());
            batch.entries().stream().map(LogEntry::line).forEach(lines::add);
          }
        }
      }
    }
    for (LogGenerator.GeneratedStream stream : generator.streams()) {
      if (stream.labels().get("env").equals("prod")) {
        prodPodsByApp.merge(stream.tenant() + "/" + stream.app(), 1, Integer::sum);
      }
    }
    Path sloDir = DemoCommand.writeDemoSlos(directory.resolve("slos"));
    Clock clock = Clock.fixed(START.plusSeconds(MINUTES * 60 + 30), ZoneOffset.UTC);
    try (SloService slos = new SloService(SloSettings.defaults().withDirectory(sloDir), directory.resolve("data"),
        new LogQlSliSource(logs, QueryLimits.defaults()), new InMemoryRollupStore(), new SloDataSources(), clock)) {
      slos.evaluateAllNow();

      assertThat(slos.all()).hasSize(6);
      for (SloView view : slos.all()) {
        assertThat(view.evaluation().lastError()).as(view.spec().id()).isEmpty();
        assertThat(view.overall().hasData()).as(view.spec().id() + " has data").isTrue();
        assertThat(view.overall().sli().getAsDouble()).as(view.spec().id()).isBetween(0.5, 1.0);
      }

      Lines checkout = new Lines(prodLinesByApp.get("payments/checkout-api"));
      SloView.Figures availability = slos.get("payments", "checkout-api-requests-availability").orElseThrow().overall();
      assertThat(availability.totalEvents()).isEqualTo(checkout.lines().size()).isPositive();
      assertThat(availability.badEvents()).isEqualTo(checkout.count(line -> status(LOGFMT_STATUS, line) >= 500)).isPositive();
      SloView.Figures latency = slos.get("payments", "checkout-api-requests-latency").orElseThrow().overall();
      assertThat(latency.totalEvents()).isEqualTo(checkout.lines().size());
      assertThat(latency.badEvents()).isEqualTo(checkout.count(line -> {
        Matcher matcher = LOGFMT_DURATION.matcher(line);
        assertThat(matcher.find()).as(line).isTrue();
        return Double.parseDouble(matcher.group(1)) > 250;
      }));

      Lines gateway = new Lines(prodLinesByApp.get("payments/payments-gateway"));
      SloView gatewayView = slos.get("payments", "payments-gateway-requests-availability").orElseThrow();
      assertThat(gatewayView.overall().totalEvents()).isEqualTo(gateway.lines().size()).isPositive();
      assertThat(gatewayView.overall().badEvents()).isEqualTo(gateway.count(line -> status(NGINX_STATUS, line) >= 500)).isPositive();
      assertThat(gatewayView.groups()).hasSize(prodPodsByApp.get("payments/payments-gateway"));
      assertThat(gatewayView.groups().stream().mapToDouble(group -> group.figures().totalEvents()).sum()).isEqualTo(gateway.lines().size());

      Lines auth = new Lines(prodLinesByApp.get("platform/auth-service"));
      SloView.Figures authAvailability = slos.get("platform", "auth-service-requests-availability").orElseThrow().overall();
      assertThat(authAvailability.totalEvents()).isEqualTo(auth.lines().size()).isPositive();
      assertThat(authAvailability.badEvents()).isEqualTo(auth.count(line -> status(LOGFMT_STATUS, line) >= 500));
      SloView.Figures errorLogs = slos.get("platform", "auth-service-error-logs").orElseThrow().overall();
      assertThat(errorLogs.totalEvents()).isEqualTo(auth.lines().size());
      assertThat(errorLogs.badEvents()).isEqualTo(auth.count(line -> line.contains(" level=error "))).isPositive();

      SloView.Figures search = slos.get("search", "query-api-availability").orElseThrow().overall();
      assertThat(search.eventUnit()).isEqualTo("slices");
      // Twenty minutes from 10:00 UTC are four five-minute slices of the month (aligned to local midnight in Berlin).
      assertThat(search.totalEvents()).isEqualTo(4);
      assertThat(new Lines(prodLinesByApp.get("search/query-api")).count(line -> status(JSON_STATUS, line) > 0)).isPositive();
    }
  }
}

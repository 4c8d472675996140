package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.config.TenantConfigLoader.LoadResult;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantConfigLoaderTest {
  private final TenantConfigLoader loader = new TenantConfigLoader();

  private TenantConfig valid(String yaml) {
    return LoadResults.valid(loader, yaml);
  }

  private List<String> problems(String yaml) {
    return LoadResults.problems(loader, yaml);
  }

  @Test
  void emptyFileIsLokisDefaults() {
    TenantConfig config = valid("");
    assertThat(config.defaults()).isEqualTo(TenantSettings.defaults());
    assertThat(config.limitsFor("anyone").ingestionRateBytesPerSecond()).isEqualTo(4.0 * 1048576);
    assertThat(config.routing()).isEmpty();
    assertThat(config.pricing()).isEqualTo(PriceSheet.free());
  }

  @Test
  void prometheusOfTheDefaultsMergesUnderEachTenantsOverrides(@TempDir Path directory) throws Exception {
    Path token = directory.resolve("mimir-token");
    Files.writeString(token, "s3cret-token\n");
    TenantConfig config = valid("""
        defaults:
          prometheus:
            url: https://mimir.example/prometheus
            bearer_token_file: %s
            org_id: platform
        tenants:
          team-a:
            prometheus: {org_id: team-a}
          team-b:
            prometheus: {username: team-b, password: pw-b}
          team-c:
            prometheus: {url: 'http://prometheus-c:9090'}
          plain:
        """.formatted(token));
    URI mimir = URI.create("https://mimir.example/prometheus");
    Optional<String> fileToken = Optional.of("s3cret-token");
    // Same server, own org ID: the defaults' token stays.
    assertThat(config.prometheusFor("team-a")).contains(
        new PrometheusSettings(mimir, fileToken, Optional.empty(), Optional.empty(), Optional.of("team-a")));
    // Same server, own credentials: they replace the defaults' as a group (no bearer token left beside Basic).
    assertThat(config.prometheusFor("team-b")).contains(
        new PrometheusSettings(mimir, Optional.empty(), Optional.of("team-b"), Optional.of("pw-b"), Optional.of("platform")));
    // Another server: nothing of the defaults', so their token is never sent to it.
    assertThat(config.prometheusFor("team-c")).contains(PrometheusSettings.of(URI.create("http://prometheus-c:9090")));
    PrometheusSettings defaults = new PrometheusSettings(mimir, fileToken, Optional.empty(), Optional.empty(), Optional.of("platform"));
    assertThat(config.prometheusFor("plain")).contains(defaults);
    assertThat(config.prometheusFor("undeclared")).contains(defaults);
    // Limits and retention are untouched by a prometheus override.
    assertThat(config.settingsFor("team-a").limits()).isEqualTo(config.defaults().limits());

    String printed = config.toString();
    assertThat(printed).contains("https://mimir.example/prometheus", "basic auth as team-b", "X-Scope-OrgID team-a")
        .doesNotContain("s3cret-token").doesNotContain("pw-b");
  }

  @Test
  void withoutPrometheusInTheFilesNoTenantHasOne() {
    TenantConfig config = valid("tenants: {team-a: {limits: {max_query_series: 10}}}\n");
    assertThat(config.prometheusFor("team-a")).isEmpty();
    assertThat(config.prometheusFor("undeclared")).isEmpty();
  }

  @Test
  void secretFilesAreReadRelativeToTheTenantsFileAndStripped(@TempDir Path directory) throws Exception {
    Path conf = Files.createDirectories(directory.resolve("conf"));
    Files.createDirectories(conf.resolve("secrets"));
    Files.writeString(conf.resolve("secrets").resolve("password"), "  hunter2\r\n");
    Files.writeString(conf.resolve("tenants.yaml"), """
        tenants:
          team-a:
            prometheus:
              url: http://prometheus:9090/
              username: reader
              password_file: secrets/password
        """);
    TenantConfig config = ((LoadResult.Loaded) loader.load(List.of(conf))).config();
    assertThat(config.prometheusFor("team-a")).contains(new PrometheusSettings(URI.create("http://prometheus:9090/"), Optional.empty(),
        Optional.of("reader"), Optional.of("hunter2"), Optional.empty()));
  }

  @Test
  void invalidPrometheusSectionsNameTheKeyAndNeverQuoteASecret(@TempDir Path directory) throws Exception {
    Path missing = directory.resolve("missing");
    Path twoLines = directory.resolve("two-lines");
    Files.writeString(twoLines, "first\nsecond\n");
    Path blank = directory.resolve("blank");
    Files.writeString(blank, " \n");
    List<String> problems = problems("""
        defaults:
          prometheus:
            url: ftp://prometheus
            bearer_token: abc
            username: me
            org_id: 42
            urll: x
        tenants:
          a:
            prometheus:
              url: http://user:pw@host
              password: 12345
          b:
            prometheus: {bearer_token: t, bearer_token_file: /nonexistent/file}
          c:
            prometheus: {username: 'a:b', password: p}
          d:
            prometheus: {password_file: %s}
          e:
            prometheus: {bearer_token_file: %s}
          f:
            prometheus: {bearer_token_file: %s}
          g:
            prometheus: [http://prometheus]
        """.formatted(missing, twoLines, blank));
    assertThat(problems).containsExactly(
        "t.yaml:3:10: error: defaults.prometheus.url: expected an http or https URL such as http://prometheus:9090",
        "t.yaml:5:5: error: defaults.prometheus.username: cannot be combined with 'bearer_token' (at line 4 column 5): a request carries one "
            + "Authorization header, a bearer token or HTTP Basic (username and password)",
        "t.yaml:6:13: error: defaults.prometheus.org_id: expected a string, got the number 42; write it in quotes",
        "t.yaml:7:5: error: unknown key 'urll' in defaults.prometheus; did you mean 'url'?",
        "t.yaml:11:12: error: tenants.a.prometheus.url: credentials do not belong in the URL: use username and password_file (or bearer_token_file)",
        "t.yaml:12:7: error: tenants.a.prometheus.password: needs username",
        "t.yaml:12:17: error: tenants.a.prometheus.password: expected a string, got a number; write it in quotes",
        "t.yaml:14:35: error: tenants.b.prometheus.bearer_token_file: 'bearer_token' is already set (at line 14 column 18); give the secret "
            + "inline or in a file, not both",
        "t.yaml:14:54: error: tenants.b.prometheus.bearer_token_file: cannot read /nonexistent/file: file does not exist",
        "t.yaml:16:28: error: tenants.c.prometheus.username: must not contain ':' (HTTP Basic separates the username from the password with one)",
        "t.yaml:18:18: error: tenants.d.prometheus.password_file: needs username",
        "t.yaml:18:33: error: tenants.d.prometheus.password_file: cannot read " + missing + ": file does not exist",
        "t.yaml:20:37: error: tenants.e.prometheus.bearer_token_file: the secret in " + twoLines + " contains a line break",
        "t.yaml:22:37: error: tenants.f.prometheus.bearer_token_file: the secret in " + blank + " is empty",
        "t.yaml:24:17: error: tenants.g.prometheus: expected a mapping with the keys url, bearer_token, bearer_token_file, username, password, "
            + "password_file, org_id, got a list");
    assertThat(problems).noneMatch(problem -> problem.contains("12345") || problem.contains(":pw@") || problem.contains("first"));
  }

  @Test
  void aPrometheusWithoutUrlNeedsOneInTheDefaults() {
    assertThat(problems("""
        tenants:
          a:
            prometheus:
              org_id: a
        """)).containsExactly("t.yaml:4:7: error: tenants.a.prometheus: missing required key 'url' (without it a tenant keeps the defaults' "
        + "server, and the defaults set no prometheus)");
    assertThat(problems("defaults: {prometheus: {org_id: x}}\n")).containsExactly(
        "t.yaml:1:24: error: defaults.prometheus: missing required key 'url'");
    // Under base defaults that have a Prometheus (a caller's own), a url is not needed anywhere.
    TenantConfigLoader withBase = new TenantConfigLoader(new TenantSettings(TenantLimits.lokiDefaults(), RetentionPolicy.defaults(),
        Optional.of(PrometheusSettings.of(URI.create("http://base:9090")))), SelectorSyntax::problem);
    LoadResult result = withBase.parse("tenants: {a: {prometheus: {org_id: a}}}\n", "t.yaml");
    assertThat(((LoadResult.Loaded) result).config().prometheusFor("a")).contains(
        new PrometheusSettings(URI.create("http://base:9090"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("a")));
  }

  @Test
  void tenantOverridesApplyKeyByKeyOverTheDefaults() {
    TenantConfig config = valid("""
        defaults:
          limits:
            ingestion_rate_mb: 2
            max_line_size: 1MiB
            query_timeout: 1h30m
          retention:
            period: 336h
            retention_stream:
              - {selector: '{app="debug"}', period: 24h, priority: 1}
        tenants:
          team-a:
            limits:
              ingestion_burst_size_mb: 0.5
              max_query_bytes_read: 256KB
            retention:
              period: 168h
          plain:
        """);
    TenantLimits teamA = config.limitsFor("team-a");
    assertThat(teamA.ingestionRateMb()).isEqualTo(2.0);
    assertThat(teamA.ingestionBurstSizeBytes()).isEqualTo(524288);
    assertThat(teamA.maxLineSize()).isEqualTo(1048576);
    assertThat(teamA.maxQueryBytesRead()).isEqualTo(256_000);
    assertThat(teamA.queryTimeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(config.retentionFor("team-a").period()).isEqualTo(Duration.ofHours(168));
    assertThat(config.retentionFor("team-a").streamRules())
        .containsExactly(new RetentionPolicy.StreamRule("{app=\"debug\"}", Duration.ofHours(24), 1));
    assertThat(config.settingsFor("plain")).isEqualTo(config.defaults());
    assertThat(config.settingsFor("undeclared")).isEqualTo(config.defaults());
    assertThat(config.declaredTenants()).containsExactly("plain", "team-a");
  }

  @Test
  void routingAndPricing() {
    TenantConfig config = valid("""
        tenants: {team-a: , shared: }
        routing: {label: namespace, map: {team-a-ns: team-a}, default_tenant: shared}
        pricing: {currency: EUR, ingested_per_gb: 0.50, stored_per_gb_month: 0.02, scanned_per_gb: 0.005}
        """);
    RoutingRule routing = config.routing().orElseThrow();
    assertThat(routing.route("team-a-ns")).isEqualTo(new RoutingRule.Decision.Routed("team-a"));
    assertThat(routing.route("other")).isEqualTo(new RoutingRule.Decision.Routed("shared"));
    assertThat(routing.route(null)).isEqualTo(new RoutingRule.Decision.Routed("shared"));
    assertThat(config.pricing()).isEqualTo(new PriceSheet("EUR", new BigDecimal("0.50"), new BigDecimal("0.02"), new BigDecimal("0.005")));

    RoutingRule rejecting = valid("""
        tenants: {team-a: }
        routing: {label: namespace, map: {team-a-ns: team-a}, default_tenant: reject}
        """).routing().orElseThrow();
    assertThat(rejecting.route("kube-system")).isEqualTo(new RoutingRule.Decision.Refused(
        "label namespace=\"kube-system\" is not routed to any tenant and routing has no default_tenant (unrouted streams are rejected)"));
  }

  @Test
  void unknownKeysAreReportedWithASuggestionAndTheirPosition() {
    assertThat(problems("""
        defaults:
          limits:
            ingestion_rate: 4
            whatever_this_is: 1
        tenant:
          a:
        """)).containsExactly(
        "t.yaml:3:5: error: unknown key 'ingestion_rate' in defaults.limits; did you mean 'ingestion_rate_mb'?",
        "t.yaml:4:5: error: unknown key 'whatever_this_is' in defaults.limits; known keys: ingestion_rate_mb, ingestion_burst_size_mb, "
            + "max_global_streams_per_user, max_line_size, max_label_names_per_series, reject_old_samples, reject_old_samples_max_age, "
            + "creation_grace_period, max_entries_limit_per_query, max_query_length, max_query_series, max_query_bytes_read, query_timeout, "
            + "max_query_memory_bytes, discover_service_name, discover_log_levels, otlp_config, json_msg_field, json_time_field, json_stream_fields",
        "t.yaml:5:1: error: unknown key 'tenant' at the top level; did you mean 'tenants'?");
  }

  @Test
  void wrongTypesBadValuesAndNegativeLimits() {
    assertThat(problems("""
        defaults:
          limits:
            max_global_streams_per_user: many
            max_line_size: 12XB
            query_timeout: 1x
            reject_old_samples_max_age: 60
            ingestion_rate_mb: -1
            max_query_series: -5
            reject_old_samples: "yes please"
          retention:
            period: [1, 2]
        """)).containsExactly(
        "t.yaml:3:34: error: defaults.limits.max_global_streams_per_user: expected a whole number, got the string \"many\"",
        "t.yaml:4:20: error: defaults.limits.max_line_size: invalid size \"12XB\": expected a number of bytes with an optional unit such as 256KB, 1MB or 1MiB",
        "t.yaml:5:20: error: defaults.limits.query_timeout: invalid duration \"1x\": expected number+unit pairs such as 168h, 10m, 1h30m or 500ms (units y, w, d, h, m, s, ms, us, ns)",
        "t.yaml:6:33: error: defaults.limits.reject_old_samples_max_age: a duration needs a unit: write 60s, 60m or 60h",
        "t.yaml:7:24: error: defaults.limits.ingestion_rate_mb: must not be negative, got -1",
        "t.yaml:8:23: error: defaults.limits.max_query_series: must not be negative, got -5",
        "t.yaml:9:25: error: defaults.limits.reject_old_samples: expected true or false, got the string \"yes please\"",
        "t.yaml:11:13: error: defaults.retention.period: expected a duration such as 168h, 10m or 1h30m, got a list");
  }

  @Test
  void invalidTenantIdsAsLokiRefusesThem() {
    String longId = "x".repeat(151);
    assertThat(problems("tenants:\n  'a/b':\n  '..':\n  " + longId + ":\n  ok-tenant_1.(x)*!':\n")).containsExactly(
        "t.yaml:2:3: error: tenants: invalid tenant ID 'a/b': tenant ID 'a/b' contains unsupported character '/'",
        "t.yaml:3:3: error: tenants: invalid tenant ID '..': tenant ID is '.' or '..'",
        "t.yaml:4:3: error: tenants: invalid tenant ID '" + longId + "': tenant ID is too long: max 150 characters");
  }

  @Test
  void routingToUndeclaredTenantsIsAnError() {
    assertThat(problems("""
        tenants:
          team-a:
        routing:
          label: name-space
          map:
            team-a-ns: team-a
            team-x-ns: team-x
          default_tenant: nobody
        """)).containsExactly(
        "t.yaml:4:10: error: routing.label: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), got the string \"name-space\"",
        "t.yaml:7:16: error: routing.map.team-x-ns: routes to tenant 'team-x', which is not declared under tenants (declared: team-a)",
        "t.yaml:8:19: error: routing.default_tenant: tenant 'nobody' is not declared under tenants (declared: team-a); use 'reject' to refuse unrouted streams");
  }

  @Test
  void invalidRetentionStreamRules() {
    assertThat(problems("""
        defaults:
          retention:
            retention_stream:
              - selector: '{app=debug}'
                period: 24h
              - period: 1h
              - selector: '{app="x"}'
                period: 1h
                priority: high
        """)).containsExactly(
        "t.yaml:4:19: error: defaults.retention.retention_stream[0].selector: invalid stream selector '{app=debug}': expected a quoted value at offset 5",
        "t.yaml:6:9: error: defaults.retention.retention_stream[1]: missing required key 'selector'",
        "t.yaml:9:19: error: defaults.retention.retention_stream[2].priority: expected a whole number, got the string \"high\"");
  }

  @Test
  void anInjectedSelectorValidatorReplacesTheMinimalCheck() {
    TenantConfigLoader strict = new TenantConfigLoader(TenantSettings.defaults(),
        selector -> selector.contains("forbidden") ? Optional.of("parse error at line 1, col 2: syntax error") : Optional.empty());
    LoadResult result = strict.parse("defaults: {retention: {retention_stream: [{selector: '{forbidden=\"1\"}', period: 1h}]}}", "s.yaml");
    assertThat(((LoadResult.Invalid) result).problems()).extracting(ConfigProblem::message).containsExactly(
        "defaults.retention.retention_stream[0].selector: invalid stream selector '{forbidden=\"1\"}': parse error at line 1, col 2: syntax error");
  }

  @Test
  void syntaxErrorsAndDuplicateKeysCarryTheirPosition() {
    assertThat(problems("defaults:\n  limits: {max_line_size: 1KB\n")).containsExactly(
        "t.yaml:2:30: error: invalid YAML: while parsing a flow mapping; expected ',' or '}', but got <stream end>");
    assertThat(problems("tenants:\n  a:\n  a:\n")).containsExactly("t.yaml:3:3: error: key 'a' is repeated (first at line 2 column 3)");
    assertThat(problems("- just\n- a list\n")).containsExactly(
        "t.yaml:1:1: error: the file: expected a mapping with the sections defaults, tenants, routing, pricing, sso, got a list");
  }

  @Test
  void filesOfADirectoryMergeAndConflictsNameBothPlaces(@TempDir Path directory) throws Exception {
    Files.writeString(directory.resolve("a.yaml"),
        "defaults: {limits: {ingestion_rate_mb: 3}, prometheus: {url: 'http://mimir:8080/prometheus', org_id: platform}}\ntenants: {team-a: }\n");
    Files.writeString(directory.resolve("b.yml"), "tenants:\n  team-b: {limits: {max_query_series: 10}, prometheus: {org_id: team-b}}\n");
    Files.writeString(directory.resolve("ignored.txt"), "not: [yaml");
    LoadResult merged = loader.load(List.of(directory));
    TenantConfig config = ((LoadResult.Loaded) merged).config();
    assertThat(config.declaredTenants()).containsExactly("team-a", "team-b");
    assertThat(config.limitsFor("team-b").ingestionRateMb()).isEqualTo(3.0);
    assertThat(config.limitsFor("team-b").maxQuerySeries()).isEqualTo(10);
    // A tenant in another file than the defaults keeps their Prometheus server.
    assertThat(config.prometheusFor("team-b")).contains(new PrometheusSettings(URI.create("http://mimir:8080/prometheus"), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of("team-b")));

    Files.writeString(directory.resolve("c.yaml"), "defaults: {}\ntenants:\n  team-a:\n");
    LoadResult conflicting = loader.load(List.of(directory));
    String a = directory.resolve("a.yaml").toString();
    String c = directory.resolve("c.yaml").toString();
    assertThat(((LoadResult.Invalid) conflicting).problems()).extracting(ConfigProblem::format).containsExactly(
        c + ":1:1: error: defaults: section 'defaults' is already set in " + a + " at line 1 column 1",
        c + ":3:3: error: tenants: tenant 'team-a' is already declared in " + a + " at line 2 column 11");
  }

  @Test
  void missingFileIsAProblemNotAnException(@TempDir Path directory) {
    Path missing = directory.resolve("nope.yaml");
    assertThat(((LoadResult.Invalid) loader.load(List.of(missing))).problems())
        .containsExactly(new ConfigProblem(missing.toString(), 1, 1, "file does not exist"));
  }

  @Test
  void everyPublishedExampleLoads() throws Exception {
    Path examples = Path.of("..", "docs", "examples");
    assertThat(examples).isDirectory();
    LoadResult single = loader.load(List.of(examples.resolve("tenants.yaml")));
    assertThat(single).isInstanceOf(LoadResult.Loaded.class);
    TenantConfig config = ((LoadResult.Loaded) single).config();
    assertThat(config.declaredTenants()).containsExactly("shared", "team-a", "team-b");
    assertThat(config.retentionFor("team-b").periodFor(selector -> selector.equals("{app=\"audit\"}"))).isEqualTo(Duration.ofHours(8760));
    LoadResult directory = loader.load(List.of(examples.resolve("tenants.d")));
    assertThat(directory).isInstanceOf(LoadResult.Loaded.class);
    assertThat(((LoadResult.Loaded) directory).config().limitsFor("payments").queryTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(((LoadResult.Loaded) directory).config().routing().orElseThrow().route("unknown"))
        .isInstanceOf(RoutingRule.Decision.Refused.class);
    // Any example file added later is checked too.
    try (var files = Files.walk(examples)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml") && !p.getParent().getFileName().toString().endsWith(".d")).toList()) {
        assertThat(loader.load(List.of(file))).as(file.toString()).isInstanceOf(LoadResult.Loaded.class);
      }
    }
  }

  @Test
  void retentionPicksHighestPriorityThenLongestPeriod() {
    RetentionPolicy policy = new RetentionPolicy(Duration.ofHours(744), List.of(
        new RetentionPolicy.StreamRule("a", Duration.ofHours(24), 1),
        new RetentionPolicy.StreamRule("b", Duration.ofHours(48), 1),
        new RetentionPolicy.StreamRule("c", Duration.ofHours(1), 5)));
    assertThat(policy.periodFor(selector -> !selector.equals("c"))).isEqualTo(Duration.ofHours(48));
    assertThat(policy.periodFor(selector -> true)).isEqualTo(Duration.ofHours(1));
    assertThat(policy.periodFor(selector -> false)).isEqualTo(Duration.ofHours(744));
    assertThat(Map.of()).isEmpty();
  }
}

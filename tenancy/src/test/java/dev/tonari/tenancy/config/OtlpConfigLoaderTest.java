package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** otlp_config, discover_service_name, discover_log_levels and the json_* keys, as the loader (and lint) reads them. */
class OtlpConfigLoaderTest {
  private static TenantConfigLoader.LoadResult parse(String yaml) {
    return new TenantConfigLoader().parse(yaml, "t.yaml");
  }

  private static List<String> problems(String yaml) {
    TenantConfigLoader.LoadResult result = parse(yaml);
    assertThat(result).isInstanceOf(TenantConfigLoader.LoadResult.Invalid.class);
    return ((TenantConfigLoader.LoadResult.Invalid) result).problems().stream().map(ConfigProblem::format).toList();
  }

  @Test
  void defaultsAreLokis() {
    TenantLimits limits = TenantLimits.lokiDefaults();
    assertThat(limits.discoverServiceName()).startsWith("service", "app", "application").endsWith("job", "k8s_job_name").hasSize(13);
    assertThat(limits.discoverLogLevels()).isTrue();
    assertThat(limits.otlpConfig()).isEqualTo(OtlpConfig.defaults());
  }

  @Test
  void readsLokisOtlpConfigPerTenant() {
    TenantConfigLoader.LoadResult result = parse("""
        defaults:
          limits:
            discover_log_levels: false
        tenants:
          team-a:
            limits:
              discover_service_name: [app, job]
              json_stream_fields: host.name, service
              otlp_config:
                resource_attributes:
                  ignore_defaults: true
                  attributes_config:
                    - action: index_label
                      attributes: [service.name, k8s.namespace.name]
                    - action: drop
                      regex: 'process\\..*'
                scope_attributes:
                  - action: drop
                    attributes: [telemetry.sdk.version]
                log_attributes:
                  - action: structured_metadata
                    regex: '.*'
          team-b:
        """);
    assertThat(result).isInstanceOf(TenantConfigLoader.LoadResult.Loaded.class);
    TenantConfig config = ((TenantConfigLoader.LoadResult.Loaded) result).config();
    TenantLimits a = config.limitsFor("team-a");
    assertThat(a.discoverServiceName()).containsExactly("app", "job");
    assertThat(a.discoverLogLevels()).isFalse();
    assertThat(a.jsonStreamFields()).containsExactly("host.name", "service");
    OtlpConfig otlp = a.otlpConfig();
    assertThat(otlp.ignoreDefaults()).isTrue();
    assertThat(otlp.resourceAttributes()).containsExactly(
        new OtlpConfig.AttributeRule(OtlpConfig.Action.INDEX_LABEL, List.of("service.name", "k8s.namespace.name"), Optional.empty()),
        new OtlpConfig.AttributeRule(OtlpConfig.Action.DROP, List.of(), Optional.of("process\\..*")));
    assertThat(otlp.scopeAttributes()).containsExactly(
        new OtlpConfig.AttributeRule(OtlpConfig.Action.DROP, List.of("telemetry.sdk.version"), Optional.empty()));
    assertThat(otlp.logAttributes()).hasSize(1);
    TenantLimits b = config.limitsFor("team-b");
    assertThat(b.otlpConfig()).isEqualTo(OtlpConfig.defaults());
    assertThat(b.discoverServiceName()).isEqualTo(TenantLimits.DEFAULT_DISCOVER_SERVICE_NAME);
  }

  @Test
  void emptyListTurnsServiceNameDiscoveryOff() {
    TenantConfigLoader.LoadResult result = parse("""
        defaults:
          limits:
            discover_service_name: []
        """);
    assertThat(((TenantConfigLoader.LoadResult.Loaded) result).config().defaults().limits().discoverServiceName()).isEmpty();
  }

  @Test
  void reportsEveryProblemAtItsPosition() {
    assertThat(problems("""
        defaults:
          limits:
            otlp_config:
              resource_attributes:
                ignore_default: true
                attributes_config:
                  - action: index
                    attributes: [a]
                  - action: drop
              scope_attributes:
                - action: index_label
                  attributes: [x]
              log_attributes:
                - action: drop
                  regex: '(unclosed'
        """)).containsExactly(
        "t.yaml:5:9: error: unknown key 'ignore_default' in defaults.limits.otlp_config.resource_attributes; did you mean 'ignore_defaults'?",
        "t.yaml:7:21: error: defaults.limits.otlp_config.resource_attributes.attributes_config[0].action: expected index_label, "
            + "structured_metadata or drop, got 'index'",
        "t.yaml:9:13: error: defaults.limits.otlp_config.resource_attributes.attributes_config[1]: a rule needs attributes, regex or both, "
            + "else it matches nothing",
        "t.yaml:11:19: error: defaults.limits.otlp_config.scope_attributes[0].action: index_label is not supported for scope attributes "
            + "(as in Loki): use structured_metadata or drop",
        "t.yaml:15:18: error: defaults.limits.otlp_config.log_attributes[0].regex: invalid regular expression '(unclosed': "
            + "missing closing )");
  }

  @Test
  void nameListsMustHoldNames() {
    assertThat(problems("""
        defaults:
          limits:
            discover_service_name: [app, 3]
            json_msg_field: {a: b}
        """)).containsExactly(
        "t.yaml:3:34: error: defaults.limits.discover_service_name[1]: expected a name (a non-empty string), got the number 3",
        "t.yaml:4:21: error: defaults.limits.json_msg_field: expected a list of names, got a mapping");
  }
}

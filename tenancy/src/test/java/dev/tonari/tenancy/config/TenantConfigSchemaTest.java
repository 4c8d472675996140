package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TenantConfigSchemaTest {
  private static final Path PUBLISHED = Path.of("..", "docs", "tenants.schema.json");

  @Test
  void publishedSchemaIsTheGeneratedOne() throws Exception {
    assertThat(Files.readString(PUBLISHED))
        .as("docs/tenants.schema.json is stale: regenerate with TenantConfigSchema.main (see tenancy/RATIONALE.md)")
        .isEqualTo(TenantConfigSchema.generate());
  }

  @Test
  void schemaPropertyNamesAreTheLoadersKnownKeys() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(PUBLISHED.toFile());
    assertThat(names(schema.get("properties"))).isEqualTo(List.copyOf(ConfigKeys.table(ConfigKeys.ROOT).keySet()));
    for (Map.Entry<String, Map<String, ConfigKeys.Key>> table : ConfigKeys.tables().entrySet()) {
      if (table.getKey().equals(ConfigKeys.ROOT)) {
        continue;
      }
      JsonNode definition = schema.get("$defs").get(table.getKey());
      assertThat(definition).as(table.getKey()).isNotNull();
      assertThat(names(definition.get("properties"))).as(table.getKey()).isEqualTo(List.copyOf(table.getValue().keySet()));
      assertThat(definition.get("additionalProperties").asBoolean()).isFalse();
    }
  }

  @Test
  void everyKnownLimitKeyIsAcceptedByTheLoader() {
    StringBuilder yaml = new StringBuilder("defaults:\n  limits:\n");
    for (ConfigKeys.Key key : ConfigKeys.table(ConfigKeys.LIMITS).values()) {
      String value = switch (key.kind()) {
        case DURATION -> "1h";
        case SIZE -> "1KB";
        case BOOLEAN -> "false";
        case NAME_LIST -> "[a, b]";
        case SECTION -> "{}";
        default -> "1";
      };
      yaml.append("    ").append(key.name()).append(": ").append(value).append('\n');
    }
    assertThat(new TenantConfigLoader().parse(yaml.toString(), "all.yaml")).isInstanceOf(TenantConfigLoader.LoadResult.Loaded.class);
  }

  @Test
  void prometheusUrlPatternAcceptsWhatTheLoaderAccepts() throws Exception {
    JsonNode url = new ObjectMapper().readTree(PUBLISHED.toFile()).get("$defs").get(ConfigKeys.PROMETHEUS).get("properties").get("url");
    Pattern pattern = Pattern.compile(url.get("pattern").asText());
    for (String candidate : List.of("http://prometheus:9090", "https://mimir.example/prometheus/", "HTTP://p", "ftp://prometheus",
        "prometheus:9090", "http://user:pw@prometheus", "http://prometheus/?x=1", "http://prometheus/#top", "http:///path")) {
      assertThat(pattern.matcher(candidate).find()).as(candidate).isEqualTo(PrometheusSettings.urlProblem(candidate).isEmpty());
    }
    JsonNode password = schemaProperty(ConfigKeys.PROMETHEUS, "password");
    assertThat(password.get("writeOnly").asBoolean()).as("secrets are write-only for editors").isTrue();
  }

  private static JsonNode schemaProperty(String table, String key) throws Exception {
    return new ObjectMapper().readTree(PUBLISHED.toFile()).get("$defs").get(table).get("properties").get(key);
  }

  private static List<String> names(JsonNode properties) {
    List<String> names = new ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

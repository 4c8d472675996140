package dev.tonari.tenancy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.config.ConfigKeys.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Generates the JSON Schema (draft 2020-12) of the tenants file format from {@link ConfigKeys},
 * published as {@code docs/tenants.schema.json} for editors (the YAML language server reads it
 * from a {@code # yaml-language-server: $schema=} comment). A test keeps the published file equal
 * to this output; {@link #main} rewrites it.
 */
public final class TenantConfigSchema {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String DURATION_PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(y|w|d|h|m|s|ms|us|µs|ns))+)$";
  private static final String SIZE_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s*([kKmMgGtT][iI]?[bB]?|[bB])?$";
  /** http or https, a host without credentials, no query or fragment (the loader checks the same). */
  private static final String URL_PATTERN = "^[hH][tT][tT][pP][sS]?://[^\\s/?#@]+([/][^\\s?#]*)?$";
  private static final String TENANT_PATTERN = "^[a-zA-Z0-9!\\-_.*'()]{1,150}$";

  private TenantConfigSchema() {}

  public static String generate() {
    ObjectNode schema = MAPPER.createObjectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("$id", "https://tonari.dev/schemas/tenants.schema.json");
    schema.put("title", "Tonari tenants configuration");
    schema.put("description", "Tenants, their limits, retention and Prometheus, routing by label and the price sheet. Generated from dev.tonari.tenancy.config.ConfigKeys; validate with ./tonari lint.");
    ObjectNode definitions = schema.putObject("$defs");
    for (String table : ConfigKeys.tables().keySet()) {
      if (!table.equals(ConfigKeys.ROOT)) {
        definitions.set(table, object(table));
      }
    }
    ObjectNode root = object(ConfigKeys.ROOT);
    root.fields().forEachRemaining(field -> schema.set(field.getKey(), field.getValue()));
    try {
      return MAPPER.writeValueAsString(schema) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the generated schema", e);
    }
  }

  private static ObjectNode object(String table) {
    ObjectNode node = MAPPER.createObjectNode();
    node.putArray("type").add("object").add("null");
    node.put("additionalProperties", false);
    ObjectNode properties = node.putObject("properties");
    for (Map.Entry<String, Key> entry : ConfigKeys.table(table).entrySet()) {
      properties.set(entry.getKey(), property(entry.getValue()));
    }
    if (table.equals(ConfigKeys.RETENTION_STREAM)) {
      node.putArray("required").add("selector").add("period");
    } else if (table.equals(ConfigKeys.OTLP_ATTRIBUTE_RULE)) {
      node.putArray("required").add("action");
    } else if (table.equals(ConfigKeys.ROUTING)) {
      node.putArray("required").add("label");
    }
    return node;
  }

  private static ObjectNode property(Key key) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("description", key.description());
    switch (key.kind()) {
      case SECTION -> node.put("$ref", "#/$defs/" + key.section());
      case TENANT_MAP -> {
        node.putArray("type").add("object").add("null");
        node.putObject("propertyNames").put("pattern", TENANT_PATTERN);
        node.putObject("additionalProperties").put("$ref", "#/$defs/" + key.section());
      }
      case RULE_LIST -> {
        node.putArray("type").add("array").add("null");
        node.putObject("items").put("$ref", "#/$defs/" + key.section());
      }
      case ROUTE_MAP -> {
        node.putArray("type").add("object").add("null");
        node.putObject("additionalProperties").put("type", "string").put("pattern", TENANT_PATTERN);
      }
      case GROUP_MAP -> {
        node.putArray("type").add("object").add("null");
        ObjectNode grants = node.putObject("additionalProperties");
        grants.put("type", "object");
        grants.putObject("propertyNames").put("pattern", TENANT_PATTERN);
        grants.putObject("additionalProperties").put("type", "string").putArray("enum").add("admin").add("tenant-admin").add("writer").add("reader");
      }
      case DURATION -> {
        node.put("type", "string").put("pattern", DURATION_PATTERN);
        node.putArray("examples").add("168h").add("1h30m");
      }
      case SIZE -> {
        node.putArray("type").add("string").add("integer");
        node.put("pattern", SIZE_PATTERN);
        node.put("minimum", 0);
        node.putArray("examples").add("256KB").add("1MiB");
      }
      case COUNT -> node.put("type", "integer").put("minimum", 0).put("maximum", Integer.MAX_VALUE);
      case PRIORITY -> node.put("type", "integer");
      case MEGABYTES, PRICE -> node.put("type", "number").put("minimum", 0);
      case BOOLEAN -> node.put("type", "boolean");
      case CURRENCY -> node.put("type", "string").put("pattern", "^[A-Z]{3}$");
      case LABEL_NAME -> node.put("type", "string").put("pattern", "^[a-zA-Z_][a-zA-Z0-9_]*$");
      case SELECTOR -> node.put("type", "string").put("pattern", "^\\s*\\{.*\\}\\s*$");
      case DEFAULT_TENANT -> node.put("type", "string").put("pattern", TENANT_PATTERN);
      case URL -> {
        node.put("type", "string").put("format", "uri").put("pattern", URL_PATTERN);
        node.putArray("examples").add("http://prometheus:9090").add("https://mimir.example/prometheus");
      }
      case TEXT, SECRET_FILE -> node.put("type", "string").put("minLength", 1);
      case SECRET -> node.put("type", "string").put("minLength", 1).put("writeOnly", true);
      case NAME_LIST -> {
        node.putArray("type").add("array").add("string");
        node.putObject("items").put("type", "string").put("minLength", 1);
      }
      case ATTRIBUTE_ACTION -> node.put("type", "string").putArray("enum").add("index_label").add("structured_metadata").add("drop");
      case REGEX -> node.put("type", "string").put("minLength", 1);
    }
    return node;
  }

  /** Writes the schema to the given file (default {@code docs/tenants.schema.json}). */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/tenants.schema.json");
    Files.writeString(target, generate());
    System.out.println("wrote " + target);
  }
}

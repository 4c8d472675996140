package dev.tonari.slo.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.slo.spec.SpecKeys.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Generates the JSON Schema (draft 2020-12) of both SLO spec forms from {@link SpecKeys},
 * published as {@code docs/slo.schema.json} for editors (the YAML language server reads it from a
 * {@code # yaml-language-server: $schema=} comment). The root is one of: a Sloth spec, an OpenSLO
 * object, or a list of OpenSLO objects. A test keeps the published file equal to this output;
 * {@link #main} rewrites it.
 */
public final class SloSchema {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String DURATION_PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(y|w|d|h|m|s|ms|us|µs|ns))+)$";
  static final String LABEL_NAME_PATTERN = "^[a-zA-Z_][a-zA-Z0-9_]*$";

  private SloSchema() {}

  public static String generate() {
    ObjectNode schema = MAPPER.createObjectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("$id", "https://tonari.dev/schemas/slo.schema.json");
    schema.put("title", "Tonari SLO spec");
    schema.put("description", "A Sloth prometheus/v1 spec, an OpenSLO v1 object, or a list of OpenSLO v1 objects. Generated from "
        + "dev.tonari.slo.spec.SpecKeys; validate with ./tonari lint, which also checks queries, ranges and refs.");
    ArrayNode oneOf = schema.putArray("oneOf");
    oneOf.addObject().put("$ref", "#/$defs/" + SpecKeys.SLOTH);
    oneOf.addObject().put("$ref", "#/$defs/" + SpecKeys.OPENSLO_OBJECT);
    ObjectNode list = oneOf.addObject();
    list.put("type", "array");
    list.putObject("items").put("$ref", "#/$defs/" + SpecKeys.OPENSLO_OBJECT);
    ObjectNode definitions = schema.putObject("$defs");
    for (String table : SpecKeys.tables().keySet()) {
      definitions.set(table, object(table));
    }
    try {
      return MAPPER.writeValueAsString(schema) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the generated schema", e);
    }
  }

  private static ObjectNode object(String table) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "object");
    // A Prometheus DataSource's connection keys are known; other types' are whatever they need.
    node.put("additionalProperties", table.equals(SpecKeys.OPENSLO_CONNECTION));
    ObjectNode properties = node.putObject("properties");
    ArrayNode required = MAPPER.createArrayNode();
    for (Map.Entry<String, Key> entry : SpecKeys.table(table).entrySet()) {
      properties.set(entry.getKey(), property(table, entry.getValue()));
      if (entry.getValue().required()) {
        required.add(entry.getKey());
      }
    }
    if (!required.isEmpty()) {
      node.set("required", required);
    }
    if (table.equals(SpecKeys.SLOTH)) {
      ((ObjectNode) properties.get("version")).put("const", SlothForm.VERSION);
    }
    if (table.equals(SpecKeys.OPENSLO_OBJECT)) {
      ((ObjectNode) properties.get("apiVersion")).put("const", OpenSloForm.API_VERSION);
      ArrayNode kinds = ((ObjectNode) properties.get("kind")).putArray("enum");
      ArrayNode allOf = node.putArray("allOf");
      for (Map.Entry<String, String> kind : SpecKeys.OPENSLO_KINDS.entrySet()) {
        kinds.add(kind.getKey());
        ObjectNode rule = allOf.addObject();
        rule.putObject("if").putObject("properties").putObject("kind").put("const", kind.getKey());
        rule.putObject("then").putObject("properties").putObject("spec").put("$ref", "#/$defs/" + kind.getValue());
      }
    }
    return node;
  }

  private static ObjectNode property(String table, Key key) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("description", key.description());
    switch (key.kind()) {
      case SECTION -> {
        if (key.section() == null) {
          node.put("type", "object");
        } else if (key.section().equals(SpecKeys.OPENSLO_CONNECTION)) {
          ArrayNode anyOf = node.putArray("anyOf");
          anyOf.addObject().put("$ref", "#/$defs/" + key.section());
          ObjectNode list = anyOf.addObject();
          list.put("type", "array");
          list.putObject("items").put("type", "object");
        } else {
          node.put("$ref", "#/$defs/" + key.section());
        }
      }
      case SECTION_LIST -> {
        node.put("type", "array");
        ObjectNode items = node.putObject("items");
        if (key.section().equals(SpecKeys.OPENSLO_ALERT_POLICY_ITEM)) {
          ArrayNode anyOf = items.putArray("anyOf");
          anyOf.addObject().put("type", "string");
          anyOf.addObject().put("$ref", "#/$defs/" + key.section());
        } else {
          items.put("$ref", "#/$defs/" + key.section());
        }
      }
      case STRING -> node.putArray("type").add("string").add("number").add("boolean");
      case NUMBER -> node.put("type", "number");
      case BOOLEAN -> node.put("type", "boolean");
      case DURATION -> {
        node.put("type", "string").put("pattern", DURATION_PATTERN);
        node.putArray("examples").add("5m").add("1h");
      }
      case DURATION_OR_MINUTES -> {
        ArrayNode anyOf = node.putArray("anyOf");
        anyOf.addObject().put("type", "integer").put("minimum", 1);
        anyOf.addObject().put("type", "string").put("pattern", DURATION_PATTERN);
      }
      case QUERY -> node.put("type", "string").put("minLength", 1);
      case STRING_MAP -> {
        node.put("type", "object");
        node.putObject("additionalProperties").putArray("type").add("string").add("number").add("boolean").add("null");
      }
      case LABELS -> {
        node.put("type", "object");
        ArrayNode anyOf = node.putObject("additionalProperties").putArray("anyOf");
        anyOf.addObject().putArray("type").add("string").add("number").add("boolean").add("null");
        ObjectNode list = anyOf.addObject();
        list.put("type", "array");
        list.putObject("items").putArray("type").add("string").add("number").add("boolean");
      }
      case LABEL_LIST -> {
        node.put("type", "array").put("uniqueItems", true);
        node.putObject("items").put("type", "string").put("pattern", LABEL_NAME_PATTERN);
      }
      case OPAQUE -> {
        // Anything: Sloth's plugin settings are the plugins' business.
      }
    }
    if (table.equals(SpecKeys.OPENSLO_SLO) && key.name().equals("budgetingMethod")) {
      node.remove("type");
      node.putArray("enum").add("Occurrences").add("Timeslices").add("RatioTimeslices");
    }
    return node;
  }

  /** Writes the schema to the given file (default {@code docs/slo.schema.json}). */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/slo.schema.json");
    Files.writeString(target, generate());
    System.out.println("wrote " + target);
  }
}

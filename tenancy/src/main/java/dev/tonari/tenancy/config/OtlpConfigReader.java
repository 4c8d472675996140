package dev.tonari.tenancy.config;

import dev.tonari.tenancy.config.ConfigKeys.Key;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Reads a tenant's {@code otlp_config} section (and the name lists of {@code limits}) from the
 * YAML tree, reporting every problem at its position: unknown keys (with a suggestion), an action
 * other than {@code index_label | structured_metadata | drop}, {@code index_label} among scope
 * attributes (Loki allows only {@code structured_metadata} and {@code drop} there), a rule without
 * {@code attributes} or {@code regex}, a regex that does not compile. Returns null when the
 * section has a problem, so a bad file is refused whole.
 */
final class OtlpConfigReader {
  private OtlpConfigReader() {}

  static OtlpConfig read(Node node, String path, BiConsumer<Position, String> report) {
    if (isNull(node)) {
      return OtlpConfig.defaults();
    }
    if (!(node instanceof Mapping mapping)) {
      report.accept(node.position(), path + ": expected a mapping with the keys resource_attributes, scope_attributes, log_attributes, got "
          + node.kindName());
      return null;
    }
    boolean valid = true;
    boolean ignoreDefaults = false;
    List<OtlpConfig.AttributeRule> resource = List.of();
    List<OtlpConfig.AttributeRule> scope = List.of();
    List<OtlpConfig.AttributeRule> log = List.of();
    for (Entry entry : known(mapping, ConfigKeys.OTLP_CONFIG, path, report)) {
      String entryPath = path + "." + entry.key();
      switch (entry.key()) {
        case "resource_attributes" -> {
          if (isNull(entry.value())) {
            continue;
          }
          if (!(entry.value() instanceof Mapping resourceMapping)) {
            report.accept(entry.value().position(), entryPath + ": expected a mapping with the keys ignore_defaults, attributes_config, got "
                + entry.value().kindName());
            valid = false;
            continue;
          }
          for (Entry inner : known(resourceMapping, ConfigKeys.OTLP_RESOURCE_ATTRIBUTES, entryPath, report)) {
            String innerPath = entryPath + "." + inner.key();
            if (inner.key().equals("ignore_defaults")) {
              if (inner.value() instanceof Scalar scalar && scalar.kind() == ScalarKind.BOOLEAN) {
                ignoreDefaults = Boolean.parseBoolean(scalar.text().toLowerCase(java.util.Locale.ROOT));
              } else {
                report.accept(inner.value().position(), innerPath + ": expected true or false, got " + inner.value().kindName());
                valid = false;
              }
            } else {
              List<OtlpConfig.AttributeRule> rules = rules(inner.value(), innerPath, true, report);
              if (rules == null) {
                valid = false;
              } else {
                resource = rules;
              }
            }
          }
          if (resourceMapping.entries().size() != known(resourceMapping, ConfigKeys.OTLP_RESOURCE_ATTRIBUTES, entryPath, (p, m) -> { }).size()) {
            valid = false;
          }
        }
        case "scope_attributes" -> {
          List<OtlpConfig.AttributeRule> rules = rules(entry.value(), entryPath, false, report);
          if (rules == null) {
            valid = false;
          } else {
            scope = rules;
          }
        }
        case "log_attributes" -> {
          List<OtlpConfig.AttributeRule> rules = rules(entry.value(), entryPath, true, report);
          if (rules == null) {
            valid = false;
          } else {
            log = rules;
          }
        }
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    if (mapping.entries().size() != known(mapping, ConfigKeys.OTLP_CONFIG, path, (p, m) -> { }).size()) {
      valid = false;
    }
    return valid ? new OtlpConfig(ignoreDefaults, resource, scope, log) : null;
  }

  private static List<OtlpConfig.AttributeRule> rules(Node node, String path, boolean indexLabelAllowed, BiConsumer<Position, String> report) {
    if (isNull(node)) {
      return List.of();
    }
    if (!(node instanceof Sequence sequence)) {
      report.accept(node.position(), path + ": expected a list of rules {action, attributes, regex}, got " + node.kindName());
      return null;
    }
    List<OtlpConfig.AttributeRule> rules = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < sequence.items().size(); i++) {
      OtlpConfig.AttributeRule rule = rule(sequence.items().get(i), path + "[" + i + "]", indexLabelAllowed, report);
      if (rule == null) {
        valid = false;
      } else {
        rules.add(rule);
      }
    }
    return valid ? rules : null;
  }

  private static OtlpConfig.AttributeRule rule(Node node, String path, boolean indexLabelAllowed, BiConsumer<Position, String> report) {
    if (!(node instanceof Mapping mapping)) {
      report.accept(node.position(), path + ": expected a mapping with the keys action, attributes, regex, got " + node.kindName());
      return null;
    }
    boolean valid = mapping.entries().size() == known(mapping, ConfigKeys.OTLP_ATTRIBUTE_RULE, path, report).size();
    OtlpConfig.Action action = null;
    List<String> attributes = List.of();
    Optional<String> regex = Optional.empty();
    for (Entry entry : known(mapping, ConfigKeys.OTLP_ATTRIBUTE_RULE, path, (p, m) -> { })) {
      String entryPath = path + "." + entry.key();
      switch (entry.key()) {
        case "action" -> {
          String text = entry.value() instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING ? scalar.text() : null;
          Optional<OtlpConfig.Action> parsed = text == null ? Optional.empty() : OtlpConfig.Action.parse(text);
          if (parsed.isEmpty()) {
            report.accept(entry.value().position(), entryPath + ": expected index_label, structured_metadata or drop, got "
                + (text == null ? entry.value().kindName() : "'" + text + "'"));
            valid = false;
          } else if (parsed.get() == OtlpConfig.Action.INDEX_LABEL && !indexLabelAllowed) {
            report.accept(entry.value().position(), entryPath + ": index_label is not supported for scope attributes (as in Loki): "
                + "use structured_metadata or drop");
            valid = false;
          } else {
            action = parsed.get();
          }
        }
        case "attributes" -> {
          List<String> names = nameList(entry.value(), entryPath, report);
          if (names == null) {
            valid = false;
          } else {
            attributes = names;
          }
        }
        case "regex" -> {
          if (!(entry.value() instanceof Scalar scalar) || scalar.kind() != ScalarKind.STRING || scalar.text().isEmpty()) {
            report.accept(entry.value().position(), entryPath + ": expected a regular expression (a string), got " + entry.value().kindName());
            valid = false;
            continue;
          }
          try {
            Pattern.compile(scalar.text());
            regex = Optional.of(scalar.text());
          } catch (PatternSyntaxException e) {
            // RE2/J (the one regex engine of Tonari's data paths) gives no index for most errors.
            report.accept(scalar.position(), entryPath + ": invalid regular expression '" + scalar.text() + "': " + e.getDescription()
                + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            valid = false;
          }
        }
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    if (!mapping.entries().containsKey("action")) {
      report.accept(mapping.position(), path + ": missing required key 'action'");
      valid = false;
    }
    if (!mapping.entries().containsKey("attributes") && !mapping.entries().containsKey("regex")) {
      report.accept(mapping.position(), path + ": a rule needs attributes, regex or both, else it matches nothing");
      valid = false;
    }
    return valid && action != null ? new OtlpConfig.AttributeRule(action, attributes, regex) : null;
  }

  /** A YAML list of names, or one comma-separated string; null (reported) otherwise. */
  static List<String> nameList(Node node, String path, BiConsumer<Position, String> report) {
    if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING) {
      List<String> names = new ArrayList<>();
      for (String part : scalar.text().split(",")) {
        if (!part.isBlank()) {
          names.add(part.trim());
        }
      }
      return names;
    }
    if (!(node instanceof Sequence sequence)) {
      report.accept(node.position(), path + ": expected a list of names, got " + node.kindName());
      return null;
    }
    List<String> names = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < sequence.items().size(); i++) {
      Node item = sequence.items().get(i);
      if (item instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING && !scalar.text().isBlank()) {
        names.add(scalar.text().trim());
      } else {
        report.accept(item.position(), path + "[" + i + "]: expected a name (a non-empty string), got " + item.kindName());
        valid = false;
      }
    }
    return valid ? names : null;
  }

  private static List<Entry> known(Mapping mapping, String table, String path, BiConsumer<Position, String> report) {
    Map<String, Key> keys = ConfigKeys.table(table);
    List<Entry> known = new ArrayList<>();
    for (Entry entry : mapping.entries().values()) {
      if (keys.containsKey(entry.key())) {
        known.add(entry);
        continue;
      }
      List<String> names = List.copyOf(keys.keySet());
      Optional<String> suggestion = ConfigKeys.suggestion(entry.key(), names);
      report.accept(entry.keyPosition(), "unknown key '" + entry.key() + "' in " + path
          + suggestion.map(s -> "; did you mean '" + s + "'?").orElse("; known keys: " + String.join(", ", names)));
    }
    return known;
  }

  private static boolean isNull(Node node) {
    return node instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL;
  }
}

package dev.tonari.slo.spec;

import dev.tonari.slo.spec.SpecKeys.Key;
import dev.tonari.tenancy.config.ConfigKeys;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.google.re2j.Pattern;

/**
 * Typed access to one file's YAML tree that reports, instead of throwing, every value of the
 * wrong kind, every unknown key (with the nearest known one) and every missing required key, each
 * with its path ({@code slos[0].objective}) and position. Getters return empty after reporting,
 * so a reader goes on and finds the rest of the file's problems.
 */
final class SpecReader {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final String file;
  private final List<ConfigProblem> problems;
  private final java.util.Set<String> keysRead;

  /**
   * @param keysRead collects {@code table.key} of every key the reader asks for, present or not,
   *     so a test can prove the key tables list no key the parser ignores
   */
  SpecReader(String file, List<ConfigProblem> problems, java.util.Set<String> keysRead) {
    this.file = file;
    this.problems = problems;
    this.keysRead = keysRead;
  }

  String file() {
    return file;
  }

  void report(Position position, String message) {
    problems.add(new ConfigProblem(file, position.line(), position.column(), message));
  }

  void report(Node node, String path, String message) {
    report(node.position(), path.isEmpty() ? message : path + ": " + message);
  }

  int problemCount() {
    return problems.size();
  }

  /** A mapping checked against its key table: unknown keys and missing required keys are reported. */
  final class Section {
    private final Mapping mapping;
    private final String path;
    private final String table;

    private Section(Mapping mapping, String path, String table) {
      this.mapping = mapping;
      this.path = path;
      this.table = table;
    }

    Position position() {
      return mapping.position();
    }

    String path() {
      return path;
    }

    /** The path of one of this section's keys. */
    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    /** The value of a key of this section's table; a null value counts as absent. */
    Optional<Node> get(String key) {
      if (!SpecKeys.table(table).containsKey(key)) {
        throw new IllegalStateException("the reader asks for '" + key + "', which table " + table + " does not list");
      }
      keysRead.add(table + "." + key);
      Entry entry = mapping.entries().get(key);
      if (entry == null || isNull(entry.value())) {
        return Optional.empty();
      }
      return Optional.of(entry.value());
    }

    boolean has(String key) {
      return get(key).isPresent();
    }

    Optional<Position> keyPosition(String key) {
      Entry entry = mapping.entries().get(key);
      return entry == null ? Optional.empty() : Optional.of(entry.keyPosition());
    }

    Optional<String> string(String key) {
      return get(key).flatMap(node -> SpecReader.this.string(node, path(key)));
    }

    Optional<Double> number(String key) {
      return get(key).flatMap(node -> SpecReader.this.number(node, path(key)));
    }

    /** A number exactly as written, for percentages that must divide by 100 without binary noise. */
    Optional<java.math.BigDecimal> decimal(String key) {
      return get(key).flatMap(node -> SpecReader.this.number(node, path(key)).map(value -> new java.math.BigDecimal(((Scalar) node).text())));
    }

    Optional<Boolean> bool(String key) {
      return get(key).flatMap(node -> SpecReader.this.bool(node, path(key)));
    }

    Optional<Duration> duration(String key) {
      return get(key).flatMap(node -> SpecReader.this.duration(node, path(key)));
    }

    Map<String, String> stringMap(String key) {
      return get(key).map(node -> SpecReader.this.stringMap(node, path(key), false)).orElse(Map.of());
    }

    Map<String, String> labels(String key) {
      return get(key).map(node -> SpecReader.this.stringMap(node, path(key), true)).orElse(Map.of());
    }

    List<String> labelNames(String key) {
      return get(key).map(node -> SpecReader.this.labelNames(node, path(key))).orElse(List.of());
    }

    Optional<Section> section(String key) {
      Key spec = SpecKeys.table(table).get(key);
      return get(key).flatMap(node -> SpecReader.this.section(node, path(key), spec.section()));
    }

    /** The items of a list-of-sections key, each with its own path {@code key[i]}. */
    List<Node> items(String key) {
      Optional<Node> node = get(key);
      if (node.isEmpty()) {
        return List.of();
      }
      if (node.get() instanceof Sequence sequence) {
        return sequence.items();
      }
      report(node.get(), path(key), "expected a list, got " + node.get().kindName());
      return List.of();
    }
  }

  /** Checks a node is a mapping with the keys of {@code table}; reports and returns empty otherwise. */
  Optional<Section> section(Node node, String path, String table) {
    if (!(node instanceof Mapping mapping)) {
      report(node, path, "expected a mapping with the keys " + String.join(", ", SpecKeys.names(table)) + ", got " + node.kindName());
      return Optional.empty();
    }
    Map<String, Key> keys = SpecKeys.table(table);
    List<String> names = List.copyOf(keys.keySet());
    for (Entry entry : mapping.entries().values()) {
      if (!keys.containsKey(entry.key())) {
        String where = path.isEmpty() ? "at the top level" : "in " + path;
        Optional<String> suggestion = ConfigKeys.suggestion(entry.key(), names);
        report(entry.keyPosition(), "unknown key '" + entry.key() + "' " + where
            + suggestion.map(s -> "; did you mean '" + s + "'?").orElse("; known keys: " + String.join(", ", names)));
      }
    }
    for (Key key : keys.values()) {
      Entry entry = mapping.entries().get(key.name());
      if (key.required() && (entry == null || isNull(entry.value()))) {
        report(mapping.position(), (path.isEmpty() ? "" : path + ": ") + "missing required key '" + key.name() + "'");
      }
    }
    return Optional.of(new Section(mapping, path, table));
  }

  Optional<String> string(Node node, String path) {
    if (node instanceof Scalar scalar && scalar.kind() != ScalarKind.NULL) {
      return Optional.of(scalar.text());
    }
    report(node, path, "expected a string, got " + node.kindName());
    return Optional.empty();
  }

  Optional<Double> number(Node node, String path) {
    if (node instanceof Scalar scalar && (scalar.kind() == ScalarKind.INTEGER || scalar.kind() == ScalarKind.FLOAT)) {
      try {
        double value = Double.parseDouble(scalar.text());
        if (Double.isFinite(value)) {
          return Optional.of(value);
        }
      } catch (NumberFormatException e) {
        // YAML numbers such as 0x1F or 1_000 that Java does not read: reported below.
      }
    }
    report(node, path, "expected a number, got " + node.kindName());
    return Optional.empty();
  }

  Optional<Boolean> bool(Node node, String path) {
    if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.BOOLEAN) {
      return Optional.of(Boolean.parseBoolean(scalar.text().toLowerCase(java.util.Locale.ROOT)));
    }
    report(node, path, "expected true or false, got " + node.kindName());
    return Optional.empty();
  }

  Optional<Duration> duration(Node node, String path) {
    Optional<String> text = string(node, path);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.INTEGER && !text.get().equals("0")) {
        throw new IllegalArgumentException("a duration needs a unit: write " + text.get() + "m, " + text.get() + "h or " + text.get() + "d");
      }
      return Optional.of(LokiUnits.parseDuration(text.get()));
    } catch (IllegalArgumentException e) {
      report(node, path, e.getMessage());
      return Optional.empty();
    }
  }

  /** A mapping from name to string; with {@code listsAllowed}, a list of strings is joined with commas (OpenSLO labels). */
  Map<String, String> stringMap(Node node, String path, boolean listsAllowed) {
    if (!(node instanceof Mapping mapping)) {
      report(node, path, "expected a mapping from name to " + (listsAllowed ? "a string or a list of strings" : "string") + ", got " + node.kindName());
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Entry entry : mapping.entries().values()) {
      String entryPath = path + "." + entry.key();
      Node value = entry.value();
      if (listsAllowed && value instanceof Sequence sequence) {
        List<String> parts = new ArrayList<>();
        for (Node item : sequence.items()) {
          string(item, entryPath).ifPresent(parts::add);
        }
        values.put(entry.key(), String.join(",", parts));
      } else if (value instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL) {
        values.put(entry.key(), "");
      } else {
        string(value, entryPath).ifPresent(text -> values.put(entry.key(), text));
      }
    }
    return values;
  }

  List<String> labelNames(Node node, String path) {
    if (!(node instanceof Sequence sequence)) {
      report(node, path, "expected a list of label names, got " + node.kindName());
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      Node item = sequence.items().get(i);
      String itemPath = path + "[" + i + "]";
      Optional<String> name = string(item, itemPath);
      if (name.isEmpty()) {
        continue;
      }
      if (!isLabelName(name.get())) {
        report(item, itemPath, "'" + name.get() + "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
      } else if (names.contains(name.get())) {
        report(item, itemPath, "label '" + name.get() + "' is listed twice");
      } else {
        names.add(name.get());
      }
    }
    return names;
  }

  static boolean isLabelName(String name) {
    return LABEL_NAME.matcher(name).matches();
  }

  static boolean isNull(Node node) {
    return node instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL;
  }
}

package dev.tonari.rules.file;

import com.google.re2j.Pattern;
import dev.tonari.logql.LogqlUnits;
import dev.tonari.tenancy.config.ConfigKeys;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.YamlTree;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One parse of one text: its lines (to place expression errors) and the problems found so far,
 * with typed access to the YAML tree that reports a value of the wrong kind and goes on, so that
 * one parse finds every problem of the text.
 */
final class ParseRun {
  private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");

  final String file;
  final String text;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private List<String> lines;

  ParseRun(String file, String text) {
    this.file = file;
    this.text = text;
  }

  List<String> lines() {
    if (lines == null) {
      lines = List.of(LINE_BREAK.split(text, -1));
    }
    return lines;
  }

  int problemCount() {
    return problems.size();
  }

  void report(Position position, String message) {
    problems.add(new ConfigProblem(file, position.line(), position.column(), message));
  }

  void finish() throws RuleFileException {
    if (!problems.isEmpty()) {
      throw new RuleFileException(problems.stream().sorted().toList());
    }
  }

  /** The single document, or empty for an empty text; a syntax error is a problem. */
  Optional<Node> root() {
    List<Map.Entry<Position, String>> duplicates = new ArrayList<>();
    List<Node> documents;
    try {
      documents = YamlTree.parseAll(text, duplicates);
    } catch (YamlTree.SyntaxException e) {
      report(e.position(), e.getMessage());
      return Optional.empty();
    }
    for (Map.Entry<Position, String> duplicate : duplicates) {
      report(duplicate.getKey(), duplicate.getValue());
    }
    if (documents.size() > 1) {
      report(documents.get(1).position(), "more than one YAML document; a rule file or group body holds exactly one");
    }
    return documents.isEmpty() ? Optional.empty() : Optional.of(documents.get(0));
  }

  Optional<Mapping> mapping(Node node, String what, String expected) {
    if (node instanceof Mapping mapping) {
      return Optional.of(mapping);
    }
    report(node.position(), what + ": expected " + expected + ", got " + node.kindName());
    return Optional.empty();
  }

  Optional<List<Node>> sequence(Node node, String what) {
    if (node instanceof Sequence sequence) {
      return Optional.of(sequence.items());
    }
    report(node.position(), what + ": expected a list, got " + node.kindName());
    return Optional.empty();
  }

  /** Reports every key not in {@code known}, with the nearest known key when one is near. */
  void checkKeys(Mapping mapping, List<String> known, String where) {
    for (Entry entry : mapping.entries().values()) {
      if (!known.contains(entry.key())) {
        Optional<String> suggestion = ConfigKeys.suggestion(entry.key(), known);
        report(entry.keyPosition(), "unknown key '" + entry.key() + "' " + where
            + suggestion.map(s -> "; did you mean '" + s + "'?").orElse("; known keys: " + String.join(", ", known)));
      }
    }
  }

  /** A key's value; a null value counts as absent. */
  static Optional<Node> value(Mapping mapping, String key) {
    Entry entry = mapping.entries().get(key);
    if (entry == null || isNull(entry.value())) {
      return Optional.empty();
    }
    return Optional.of(entry.value());
  }

  /** A scalar's text; YAML numbers and booleans are read as written, as Go's YAML decoder reads them into strings. */
  Optional<String> text(Node node, String what) {
    if (node instanceof Scalar scalar && scalar.kind() != ScalarKind.NULL) {
      return Optional.of(scalar.text());
    }
    report(node.position(), what + ": expected a string, got " + node.kindName());
    return Optional.empty();
  }

  /** A Prometheus duration ({@code 5m}, {@code 1h30m}, {@code 0}). */
  Optional<Duration> duration(Node node, String what) {
    Optional<String> written = text(node, what);
    if (written.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LogqlUnits.parsePrometheusDuration(written.get()));
    } catch (IllegalArgumentException e) {
      report(node.position(), what + ": " + e.getMessage() + " (a Prometheus duration such as 30s, 5m or 1h30m)");
      return Optional.empty();
    }
  }

  static boolean isNull(Node node) {
    return node instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL;
  }
}

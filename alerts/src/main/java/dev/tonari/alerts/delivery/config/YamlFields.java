package dev.tonari.alerts.delivery.config;

import dev.tonari.logql.LogqlUnits;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.YamlTree;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of a {@link YamlTree} mapping that record a problem (at the value's line and column)
 * instead of throwing, so that one parse reports every mistake of a file.
 */
final class YamlFields {
  private final String file;
  private final List<ConfigProblem> problems;

  YamlFields(String file, List<ConfigProblem> problems) {
    this.file = file;
    this.problems = problems;
  }

  void problem(YamlTree.Position position, String message) {
    problems.add(new ConfigProblem(file, position.line(), position.column(), message));
  }

  /** The node as a mapping, or a problem ("expected a mapping, got ..."). */
  Optional<YamlTree.Mapping> mapping(YamlTree.Node node, String what) {
    if (node instanceof YamlTree.Mapping mapping) {
      return Optional.of(mapping);
    }
    problem(node.position(), what + ": expected a mapping, got " + node.kindName());
    return Optional.empty();
  }

  Optional<List<YamlTree.Node>> sequence(YamlTree.Node node, String what) {
    if (node instanceof YamlTree.Sequence sequence) {
      return Optional.of(sequence.items());
    }
    if (node instanceof YamlTree.Scalar scalar && scalar.kind() == YamlTree.ScalarKind.NULL) {
      return Optional.of(List.of());
    }
    problem(node.position(), what + ": expected a list, got " + node.kindName());
    return Optional.empty();
  }

  /** Reports every key not in {@code known}, naming the ones that are. */
  void onlyKeys(YamlTree.Mapping mapping, String what, Set<String> known) {
    for (YamlTree.Entry entry : mapping.entries().values()) {
      if (!known.contains(entry.key())) {
        problem(entry.keyPosition(), "unknown key '" + entry.key() + "' in " + what + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  Optional<YamlTree.Node> node(YamlTree.Mapping mapping, String key) {
    YamlTree.Entry entry = mapping.entries().get(key);
    if (entry == null || (entry.value() instanceof YamlTree.Scalar scalar && scalar.kind() == YamlTree.ScalarKind.NULL)) {
      return Optional.empty();
    }
    return Optional.of(entry.value());
  }

  Optional<String> string(YamlTree.Mapping mapping, String key, String what) {
    Optional<YamlTree.Node> node = node(mapping, key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (node.get() instanceof YamlTree.Scalar scalar && scalar.kind() != YamlTree.ScalarKind.NULL) {
      return Optional.of(scalar.text());
    }
    problem(node.get().position(), what + "." + key + ": expected a string, got " + node.get().kindName());
    return Optional.empty();
  }

  Optional<String> requiredString(YamlTree.Mapping mapping, String key, String what) {
    Optional<String> value = string(mapping, key, what);
    if (value.isEmpty() && !mapping.entries().containsKey(key)) {
      problem(mapping.position(), what + ": '" + key + "' is required");
    } else if (value.isPresent() && value.get().isBlank()) {
      problem(node(mapping, key).orElseThrow().position(), what + "." + key + " must not be empty");
      return Optional.empty();
    }
    return value;
  }

  boolean bool(YamlTree.Mapping mapping, String key, String what, boolean fallback) {
    Optional<YamlTree.Node> node = node(mapping, key);
    if (node.isEmpty()) {
      return fallback;
    }
    if (node.get() instanceof YamlTree.Scalar scalar && scalar.kind() == YamlTree.ScalarKind.BOOLEAN) {
      return Boolean.parseBoolean(scalar.text());
    }
    problem(node.get().position(), what + "." + key + ": expected true or false, got " + node.get().kindName());
    return fallback;
  }

  int nonNegativeInt(YamlTree.Mapping mapping, String key, String what, int fallback) {
    Optional<YamlTree.Node> node = node(mapping, key);
    if (node.isEmpty()) {
      return fallback;
    }
    if (node.get() instanceof YamlTree.Scalar scalar && scalar.kind() == YamlTree.ScalarKind.INTEGER) {
      try {
        int value = Integer.parseInt(scalar.text());
        if (value >= 0) {
          return value;
        }
      } catch (NumberFormatException e) {
        // Out of int range: reported below like any other bad value.
      }
    }
    problem(node.get().position(), what + "." + key + ": expected a whole number from 0 to " + Integer.MAX_VALUE + ", got " + node.get().kindName());
    return fallback;
  }

  /** A Prometheus duration ({@code 30s}, {@code 5m}, {@code 1h30m}); positive unless {@code zeroAllowed}. */
  Optional<Duration> duration(YamlTree.Mapping mapping, String key, String what, boolean zeroAllowed) {
    Optional<String> text = string(mapping, key, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    YamlTree.Position position = node(mapping, key).orElseThrow().position();
    try {
      Duration duration = LogqlUnits.parsePrometheusDuration(text.get());
      if (duration.isZero() && !zeroAllowed) {
        problem(position, what + "." + key + " must be greater than 0, got " + text.get());
        return Optional.empty();
      }
      return Optional.of(duration);
    } catch (IllegalArgumentException e) {
      problem(position, what + "." + key + ": " + e.getMessage() + " (a duration like 30s, 5m, 4h)");
      return Optional.empty();
    }
  }

  /** An absolute http(s) URL. */
  Optional<URI> url(YamlTree.Mapping mapping, String key, String what) {
    Optional<String> text = string(mapping, key, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    YamlTree.Position position = node(mapping, key).orElseThrow().position();
    try {
      URI uri = new URI(text.get().strip());
      if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https")) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (URISyntaxException e) {
      problem(position, what + "." + key + " is not a URL: " + e.getMessage());
      return Optional.empty();
    }
    problem(position, what + "." + key + " must be an http:// or https:// URL with a host");
    return Optional.empty();
  }

  List<String> strings(YamlTree.Node node, String what) {
    List<String> values = new ArrayList<>();
    for (YamlTree.Node item : sequence(node, what).orElse(List.of())) {
      if (item instanceof YamlTree.Scalar scalar && scalar.kind() != YamlTree.ScalarKind.NULL) {
        values.add(scalar.text());
      } else {
        problem(item.position(), what + ": expected a string, got " + item.kindName());
      }
    }
    return values;
  }
}

package dev.tonari.rules.file;

import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one rule group mapping into a {@link RuleGroup}, reporting its problems to the run. */
final class GroupReader {
  private GroupReader() {}

  /**
   * @param path where the group is ({@code groups[2]}), empty for a group body
   * @param seen the namespace's group names so far, with where each was first named
   * @return empty when the group has a problem (reported)
   */
  static Optional<RuleGroup> read(ParseRun run, Node node, String path, Map<String, Position> seen) {
    Optional<Mapping> found = run.mapping(node, path.isEmpty() ? "rule group" : path, "a rule group (a mapping with name, interval and rules)");
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Mapping mapping = found.get();
    int before = run.problemCount();
    String prefix = path.isEmpty() ? "" : path + ": ";
    run.checkKeys(mapping, RuleKeys.GROUP, path.isEmpty() ? "in the rule group" : "in " + path);
    Optional<Node> nameNode = ParseRun.value(mapping, "name");
    Optional<String> name = nameNode.flatMap(value -> run.text(value, prefix + "name"));
    if (nameNode.isEmpty()) {
      run.report(mapping.position(), prefix + "missing required key 'name' (a group needs a name)");
    } else if (name.isPresent() && name.get().isBlank()) {
      run.report(nameNode.get().position(), prefix + "the group name must not be empty");
    }
    Optional<String> usable = name.filter(value -> !value.isBlank());
    String context = usable.map(value -> "group '" + value + "'").orElse(path.isEmpty() ? "group" : path);
    if (usable.isPresent()) {
      Position at = nameNode.get().position();
      Position first = seen.putIfAbsent(usable.get(), at);
      if (first != null) {
        run.report(at, context + " is repeated in the namespace (first at line " + first.line() + ", column " + first.column()
            + "); group names must be unique per namespace");
      }
    }
    // interval: 0 is Prometheus' "not set": the ruler's evaluation_interval applies.
    Optional<Duration> interval = ParseRun.value(mapping, "interval").flatMap(value -> run.duration(value, context + ": interval"))
        .filter(value -> !value.isZero());
    int limit = ParseRun.value(mapping, "limit").flatMap(value -> limit(run, value, context)).orElse(0);
    List<Rule> rules = new ArrayList<>();
    ParseRun.value(mapping, "rules").flatMap(value -> run.sequence(value, context + ": rules")).ifPresent(items -> {
      for (int i = 0; i < items.size(); i++) {
        int index = i;
        String where = context + ": rules[" + i + "]";
        run.mapping(items.get(i), where, "a rule (a mapping with alert or record, and expr)")
            .flatMap(rule -> RuleReader.read(run, rule, context, index))
            .ifPresent(rules::add);
      }
    });
    if (run.problemCount() > before || usable.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RuleGroup(usable.get(), interval, limit, rules));
  }

  private static Optional<Integer> limit(ParseRun run, Node node, String context) {
    if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.INTEGER) {
      try {
        int value = Integer.parseInt(scalar.text());
        if (value >= 0) {
          return Optional.of(value);
        }
      } catch (NumberFormatException e) {
        // Beyond int, or a YAML integer form Java does not read (0x1F, 1_000): reported below.
      }
    }
    run.report(node.position(), context + ": limit: expected a whole number, 0 or more (0 is no limit), got " + node.kindName());
    return Optional.empty();
  }
}

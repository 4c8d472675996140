package dev.tonari.rules.file;

import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.google.re2j.Pattern;

/**
 * Reads Prometheus rule files whose expressions are LogQL metric queries, as Loki's ruler takes
 * them: {@code groups:} of {@code name}, {@code interval}, {@code limit} and {@code rules}, each
 * rule {@code alert} or {@code record} with {@code expr}, {@code for}, {@code keep_firing_for},
 * {@code labels} and {@code annotations}; also cortextool's and lokitool's form, which adds a
 * {@code namespace:} key, and the single group mapping that {@code POST /loki/api/v1/rules/{ns}}
 * takes (JSON bodies too, JSON being YAML: Grafana posts JSON).
 *
 * <p>Unlike Prometheus, which stops at the first error, every problem of the text is reported,
 * each as {@code FILE:LINE:COL: message} with the group and rule it is in, and unknown keys with
 * the nearest known one. Expressions are checked with the LogQL parser and the position of a
 * syntax error is placed in the file where the expression's text allows. The parser throws only
 * {@link RuleFileException}; it keeps no state and is safe to share.
 */
public final class RuleFileParser {
  private static final Pattern GROUPS_LINE = Pattern.compile("(?m)^groups\\s*:");
  private static final Pattern RULES_LINE = Pattern.compile("(?m)^\\s*(-\\s+)?rules\\s*:");

  /**
   * Whether a text is meant as a rule file: a top-level {@code groups:} line and a {@code rules:}
   * key, so that {@code tonari lint} sends it to the rule lint even when it is broken (tenants and
   * SLO files have neither).
   */
  public static boolean looksLikeRuleFile(String text) {
    return GROUPS_LINE.matcher(text).find() && RULES_LINE.matcher(text).find();
  }

  /**
   * Parses a whole rule file. An empty file is valid and has no groups, as in Prometheus.
   *
   * @param file names the text in problems (a path, or {@code body})
   */
  public RuleFile parseFile(String file, String text) throws RuleFileException {
    ParseRun run = new ParseRun(file, text);
    Optional<String> namespace = Optional.empty();
    List<RuleGroup> groups = new ArrayList<>();
    Optional<Mapping> top = run.root().flatMap(root -> run.mapping(root, "the rule file", "a mapping with the key 'groups'"));
    if (top.isPresent()) {
      run.checkKeys(top.get(), RuleKeys.FILE, "at the top level");
      namespace = ParseRun.value(top.get(), "namespace").flatMap(node -> run.text(node, "namespace"));
      if (!top.get().entries().containsKey("groups")) {
        run.report(top.get().position(), "missing required key 'groups'");
      }
      Optional<List<Node>> items = ParseRun.value(top.get(), "groups").flatMap(node -> run.sequence(node, "groups"));
      Map<String, Position> seen = new LinkedHashMap<>();
      for (int i = 0; i < items.orElse(List.of()).size(); i++) {
        GroupReader.read(run, items.get().get(i), "groups[" + i + "]", seen).ifPresent(groups::add);
      }
    }
    run.finish();
    return new RuleFile(namespace, groups);
  }

  /**
   * Parses one group mapping, as {@code POST /loki/api/v1/rules/{namespace}} takes it.
   *
   * @param source names the text in problems, e.g. {@code body}
   */
  public RuleGroup parseGroup(String source, String text) throws RuleFileException {
    ParseRun run = new ParseRun(source, text);
    Optional<Node> root = run.root();
    Optional<RuleGroup> group = Optional.empty();
    if (root.isEmpty()) {
      if (run.problemCount() == 0) {
        run.report(new Position(1, 1), "empty body: expected one rule group (a mapping with name, interval and rules)");
      }
    } else if (root.get() instanceof Mapping mapping && mapping.entries().containsKey("groups") && !mapping.entries().containsKey("name")) {
      run.report(mapping.entries().get("groups").keyPosition(),
          "expected one rule group (name, interval, rules), got a rule file with 'groups:'; post each of its groups on its own");
    } else {
      group = GroupReader.read(run, root.get(), "", new LinkedHashMap<>());
    }
    run.finish();
    return group.orElseThrow(() -> new IllegalStateException("a group without problems was not built"));
  }
}

package dev.tonari.rules.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query parameters of Prometheus' {@code /api/v1/rules}: {@code type=alert|record},
 * {@code file[]}, {@code rule_group[]}, {@code rule_name[]} (any of the given values; none means
 * all) and {@code exclude_alerts}. A group whose rules are all filtered out is not shown.
 *
 * @param type empty for both kinds
 */
public record RulesFilter(Optional<Type> type, Set<String> files, Set<String> groups, Set<String> names, boolean excludeAlerts) {
  public static final RulesFilter ALL = new RulesFilter(Optional.empty(), Set.of(), Set.of(), Set.of(), false);

  /** Which kind of rules to show. */
  public enum Type {
    ALERT,
    RECORD
  }

  public RulesFilter {
    files = Set.copyOf(files);
    groups = Set.copyOf(groups);
    names = Set.copyOf(names);
  }

  /**
   * The filter of a request's query parameters (repeated parameters as lists).
   *
   * @throws IllegalArgumentException with Prometheus' message ({@code invalid parameter "type":
   *     not supported value "x"}), which the API answers as {@code bad_data} (400)
   */
  public static RulesFilter parse(Map<String, List<String>> parameters) {
    String typeText = first(parameters, "type").toLowerCase(Locale.ROOT);
    Optional<Type> type = switch (typeText) {
      case "" -> Optional.empty();
      case "alert" -> Optional.of(Type.ALERT);
      case "record" -> Optional.of(Type.RECORD);
      default -> throw new IllegalArgumentException("invalid parameter \"type\": not supported value \"" + typeText + "\"");
    };
    String exclude = first(parameters, "exclude_alerts");
    boolean excludeAlerts = switch (exclude) {
      case "", "false", "0", "f", "F", "FALSE", "False" -> false;
      case "true", "1", "t", "T", "TRUE", "True" -> true;
      default -> throw new IllegalArgumentException(
          "invalid parameter \"exclude_alerts\": strconv.ParseBool: parsing \"" + exclude + "\": invalid syntax");
    };
    return new RulesFilter(type, values(parameters, "file[]"), values(parameters, "rule_group[]"), values(parameters, "rule_name[]"), excludeAlerts);
  }

  private static String first(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.getOrDefault(name, List.of());
    return values.isEmpty() ? "" : values.get(0);
  }

  private static Set<String> values(Map<String, List<String>> parameters, String name) {
    return Set.copyOf(parameters.getOrDefault(name, List.of()).stream().filter(value -> !value.isEmpty()).toList());
  }

  boolean showsGroup(RuleViews.Group group) {
    return (files.isEmpty() || files.contains(group.file())) && (groups.isEmpty() || groups.contains(group.name()));
  }

  boolean showsRule(RuleViews.Rule rule) {
    boolean kind = type.isEmpty() || (type.get() == Type.ALERT) == (rule instanceof RuleViews.AlertingRule);
    return kind && (names.isEmpty() || names.contains(rule.name()));
  }
}

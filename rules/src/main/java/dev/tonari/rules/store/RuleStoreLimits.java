package dev.tonari.rules.store;

import dev.tonari.rules.model.RuleGroup;
import java.util.List;
import java.util.Optional;

/**
 * What one namespace may hold, for API writes and rule files alike. Loki leaves both unlimited by
 * default ({@code ruler_max_rule_groups_per_tenant}, {@code ruler_max_rules_per_rule_group}); a
 * single node evaluates every group itself, so Tonari bounds them.
 *
 * @param maxBodyBytes largest {@code POST /loki/api/v1/rules/{namespace}} body (default 1 MiB)
 * @param maxGroupsPerNamespace {@code max_groups_per_namespace} (default {@value #DEFAULT_MAX_GROUPS_PER_NAMESPACE})
 * @param maxRulesPerGroup {@code max_rules_per_group} (default {@value #DEFAULT_MAX_RULES_PER_GROUP})
 */
public record RuleStoreLimits(int maxBodyBytes, int maxGroupsPerNamespace, int maxRulesPerGroup) {
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_GROUPS_PER_NAMESPACE = 100;
  public static final int DEFAULT_MAX_RULES_PER_GROUP = 200;

  public RuleStoreLimits {
    if (maxBodyBytes <= 0 || maxGroupsPerNamespace <= 0 || maxRulesPerGroup <= 0) {
      throw new IllegalArgumentException("rule store limits must be positive, got body " + maxBodyBytes + " bytes, " + maxGroupsPerNamespace
          + " groups per namespace, " + maxRulesPerGroup + " rules per group");
    }
  }

  public static RuleStoreLimits defaults() {
    return new RuleStoreLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_GROUPS_PER_NAMESPACE, DEFAULT_MAX_RULES_PER_GROUP);
  }

  /** Why a group breaks the rules-per-group limit, or empty. */
  public Optional<String> groupProblem(RuleGroup group) {
    if (group.rules().size() > maxRulesPerGroup) {
      return Optional.of("group '" + group.name() + "' has " + group.rules().size() + " rules, over the limit of " + maxRulesPerGroup
          + " rules per group (max_rules_per_group)");
    }
    return Optional.empty();
  }

  /** Why a namespace's groups break a limit, or empty. */
  public Optional<String> namespaceProblem(String namespace, List<RuleGroup> groups) {
    if (groups.size() > maxGroupsPerNamespace) {
      return Optional.of("namespace '" + namespace + "' would have " + groups.size() + " groups, over the limit of " + maxGroupsPerNamespace
          + " groups per namespace (max_groups_per_namespace)");
    }
    for (RuleGroup group : groups) {
      Optional<String> problem = groupProblem(group);
      if (problem.isPresent()) {
        return Optional.of("namespace '" + namespace + "': " + problem.get());
      }
    }
    return Optional.empty();
  }
}

package dev.tonari.rules.eval;

import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory {@link RuleSource} the test edits. */
final class StaticRuleSource implements RuleSource {
  private final Map<String, Map<String, RuleNamespace>> byTenant = new ConcurrentHashMap<>();

  StaticRuleSource put(String tenant, String namespace, RuleGroup... groups) {
    byTenant.computeIfAbsent(tenant, key -> new ConcurrentHashMap<>()).put(namespace, new RuleNamespace(namespace, List.of(groups), RuleNamespace.Origin.API));
    return this;
  }

  StaticRuleSource remove(String tenant, String namespace) {
    byTenant.getOrDefault(tenant, Map.of()).remove(namespace);
    return this;
  }

  @Override
  public Set<String> tenants() {
    return Set.copyOf(byTenant.keySet());
  }

  @Override
  public List<RuleNamespace> namespaces(String tenant) {
    return List.copyOf(new TreeMap<>(byTenant.getOrDefault(tenant, Map.of())).values());
  }
}

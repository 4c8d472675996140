package dev.tonari.rules.model;

import java.util.List;
import java.util.Set;

/** Where the ruler takes the rules it evaluates from: the rule store, the SLO engine. */
public interface RuleSource {
  /** Tenants with at least one namespace. */
  Set<String> tenants();

  /** The tenant's namespaces now, sorted by name; empty for a tenant without rules. */
  List<RuleNamespace> namespaces(String tenant);
}

package dev.tonari.rules.file;

import java.util.List;

/** The keys of each level of a rule file, in the order Prometheus' {@code rulefmt} declares and writes them. */
final class RuleKeys {
  /** cortextool's and lokitool's file adds {@code namespace} beside Prometheus' {@code groups}. */
  static final List<String> FILE = List.of("namespace", "groups");
  static final List<String> GROUP = List.of("name", "interval", "limit", "rules");
  static final List<String> RULE = List.of("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations");

  private RuleKeys() {}
}

package dev.tonari.rules.file;

import dev.tonari.rules.model.RuleGroup;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed rule file: its groups, and the namespace it names when it is in cortextool's and
 * lokitool's form ({@code namespace:} beside {@code groups:}).
 *
 * @param namespace the file's {@code namespace} key; empty for a plain Prometheus rule file, whose
 *     namespace is its file name
 * @param groups in file order, names unique
 */
public record RuleFile(Optional<String> namespace, List<RuleGroup> groups) {
  public RuleFile {
    Objects.requireNonNull(namespace, "namespace");
    groups = List.copyOf(groups);
  }
}

package dev.tonari.logql;

import java.util.List;

/** {@code by (app, env)} or {@code without (pod)}; {@code by ()} is a grouping with no labels. */
public record Grouping(boolean without, List<String> labels) {
  public Grouping {
    labels = List.copyOf(labels);
  }

  public static Grouping by(String... labels) {
    return new Grouping(false, List.of(labels));
  }

  public static Grouping without(String... labels) {
    return new Grouping(true, List.of(labels));
  }
}

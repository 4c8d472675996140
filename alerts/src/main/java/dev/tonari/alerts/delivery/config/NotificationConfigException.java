package dev.tonari.alerts.delivery.config;

import dev.tonari.tenancy.config.ConfigProblem;
import java.util.List;

/** A notification config that cannot be used, with every problem found and where it is. */
public final class NotificationConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigProblem> problems;

  public NotificationConfigException(List<ConfigProblem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  /** In file and position order. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String summary(List<ConfigProblem> problems) {
    StringBuilder text = new StringBuilder();
    for (ConfigProblem problem : problems.stream().sorted().toList()) {
      if (!text.isEmpty()) {
        text.append('\n');
      }
      text.append(problem.format());
    }
    return text.toString();
  }
}

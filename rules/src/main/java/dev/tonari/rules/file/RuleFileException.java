package dev.tonari.rules.file;

import dev.tonari.tenancy.config.ConfigProblem;
import java.util.List;

/**
 * A rule file or rule group body that is not valid: every problem found, each with its file (or
 * {@code body}), line and column. The message is the problems, one {@code FILE:LINE:COL: message}
 * a line, so that an HTTP 400 or a log line can carry it as it is.
 */
public final class RuleFileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public RuleFileException(List<ConfigProblem> problems) {
    super(describe(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a RuleFileException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems in file and position order. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String describe(List<ConfigProblem> problems) {
    StringBuilder text = new StringBuilder();
    for (ConfigProblem problem : problems.stream().sorted().toList()) {
      if (!text.isEmpty()) {
        text.append('\n');
      }
      text.append(problem.file()).append(':').append(problem.line()).append(':').append(problem.column()).append(": ").append(problem.message());
    }
    return text.toString();
  }
}

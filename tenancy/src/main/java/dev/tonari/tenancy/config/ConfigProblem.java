package dev.tonari.tenancy.config;

import java.util.Comparator;

/**
 * One thing wrong in a tenants file, with the 1-based line and column where it is, so that an
 * editor or a CI log can jump to it. {@link #format()} is the compiler-style line lint prints.
 */
public record ConfigProblem(String file, int line, int column, String message) implements Comparable<ConfigProblem> {
  private static final Comparator<ConfigProblem> ORDER = Comparator.comparing(ConfigProblem::file)
      .thenComparingInt(ConfigProblem::line)
      .thenComparingInt(ConfigProblem::column)
      .thenComparing(ConfigProblem::message);

  /** {@code FILE:LINE:COL: error: message}. */
  public String format() {
    return file + ":" + line + ":" + column + ": error: " + message;
  }

  @Override
  public int compareTo(ConfigProblem other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return format();
  }
}

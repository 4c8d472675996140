package dev.tonari.logql;

/**
 * The functions over a {@link LogRange}. Counting functions work on log lines; the {@code unwrap}
 * functions need an {@link Unwrap} that supplies a value per line; {@code rate} and
 * {@code absent_over_time} take either. Which ones accept a {@link Grouping} follows Loki.
 */
public enum RangeOperation {
  COUNT_OVER_TIME("count_over_time", Unwrapping.FORBIDDEN, false),
  RATE("rate", Unwrapping.OPTIONAL, false),
  RATE_COUNTER("rate_counter", Unwrapping.REQUIRED, false),
  BYTES_OVER_TIME("bytes_over_time", Unwrapping.FORBIDDEN, false),
  BYTES_RATE("bytes_rate", Unwrapping.FORBIDDEN, false),
  ABSENT_OVER_TIME("absent_over_time", Unwrapping.OPTIONAL, false),
  SUM_OVER_TIME("sum_over_time", Unwrapping.REQUIRED, false),
  AVG_OVER_TIME("avg_over_time", Unwrapping.REQUIRED, true),
  MIN_OVER_TIME("min_over_time", Unwrapping.REQUIRED, true),
  MAX_OVER_TIME("max_over_time", Unwrapping.REQUIRED, true),
  STDVAR_OVER_TIME("stdvar_over_time", Unwrapping.REQUIRED, true),
  STDDEV_OVER_TIME("stddev_over_time", Unwrapping.REQUIRED, true),
  /** Takes the quantile (0 to 1) as its first argument: {@code quantile_over_time(0.99, ...)}. */
  QUANTILE_OVER_TIME("quantile_over_time", Unwrapping.REQUIRED, true),
  FIRST_OVER_TIME("first_over_time", Unwrapping.REQUIRED, true),
  LAST_OVER_TIME("last_over_time", Unwrapping.REQUIRED, true);

  /** Whether an operation needs, accepts or refuses an {@code unwrap}. */
  public enum Unwrapping {
    REQUIRED,
    OPTIONAL,
    FORBIDDEN
  }

  private final String functionName;
  private final Unwrapping unwrapping;
  private final boolean groupingAllowed;

  RangeOperation(String functionName, Unwrapping unwrapping, boolean groupingAllowed) {
    this.functionName = functionName;
    this.unwrapping = unwrapping;
    this.groupingAllowed = groupingAllowed;
  }

  /** The LogQL function name, e.g. {@code count_over_time}. */
  public String functionName() {
    return functionName;
  }

  public Unwrapping unwrapping() {
    return unwrapping;
  }

  /** Whether {@code by}/{@code without} may follow the call, as Loki allows. */
  public boolean groupingAllowed() {
    return groupingAllowed;
  }

  /** The operation with that function name (lower case), or null. */
  public static RangeOperation byFunctionName(String name) {
    for (RangeOperation operation : values()) {
      if (operation.functionName.equals(name)) {
        return operation;
      }
    }
    return null;
  }
}

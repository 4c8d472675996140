package dev.tonari.logql;

/** How {@code unwrap} turns a label's value into a sample value. */
public enum UnwrapConversion {
  /** {@code unwrap latency}: parsed as a float64. */
  NONE(""),
  /** {@code unwrap bytes(size)}: a byte size such as {@code 5 MB}, in bytes. */
  BYTES("bytes"),
  /** {@code unwrap duration(latency)}: a Go duration such as {@code 1m30s}, in seconds. */
  DURATION("duration"),
  /** {@code unwrap duration_seconds(latency)}: the same as {@link #DURATION}. */
  DURATION_SECONDS("duration_seconds");

  private final String functionName;

  UnwrapConversion(String functionName) {
    this.functionName = functionName;
  }

  /** The conversion function's name, empty for {@link #NONE}. */
  public String functionName() {
    return functionName;
  }
}

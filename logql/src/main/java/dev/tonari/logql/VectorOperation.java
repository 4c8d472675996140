package dev.tonari.logql;

/** The aggregations over the series of a vector, as in PromQL. */
public enum VectorOperation {
  SUM("sum", false),
  AVG("avg", false),
  MIN("min", false),
  MAX("max", false),
  COUNT("count", false),
  STDDEV("stddev", false),
  STDVAR("stdvar", false),
  /** Takes k as its first argument: {@code topk(5, ...)}. */
  TOPK("topk", true),
  BOTTOMK("bottomk", true),
  SORT("sort", false),
  SORT_DESC("sort_desc", false);

  private final String functionName;
  private final boolean parameterRequired;

  VectorOperation(String functionName, boolean parameterRequired) {
    this.functionName = functionName;
    this.parameterRequired = parameterRequired;
  }

  public String functionName() {
    return functionName;
  }

  /** Whether the operation takes an integer first argument (and only then). */
  public boolean parameterRequired() {
    return parameterRequired;
  }

  /** The operation with that function name (lower case), or null. */
  public static VectorOperation byFunctionName(String name) {
    for (VectorOperation operation : values()) {
      if (operation.functionName.equals(name)) {
        return operation;
      }
    }
    return null;
  }
}

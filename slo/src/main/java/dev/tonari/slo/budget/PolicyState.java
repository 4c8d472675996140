package dev.tonari.slo.budget;

/**
 * Where an SLO stands under the error-budget policy: what the team is expected to do now (ship,
 * be careful, or freeze features and work on reliability).
 */
public enum PolicyState {
  /** Remaining budget at or above the at-risk share: ship as usual. */
  HEALTHY("healthy"),
  /** Remaining budget above 0 but under the at-risk share (25 % by default): be careful. */
  AT_RISK("at_risk"),
  /** Remaining budget 0 or less: the policy says freeze features and work on reliability. */
  EXHAUSTED("exhausted"),
  /** The window holds no event: nothing can be said. */
  NO_DATA("no_data");

  private final String wireName;

  PolicyState(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling in the API, the report and /metrics. */
  public String wireName() {
    return wireName;
  }
}

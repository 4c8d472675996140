package dev.tonari.slo.model;

/** OpenSLO's {@code budgetingMethod}; Sloth files are always {@link #OCCURRENCES}. */
public enum BudgetingMethod {
  /** SLI = good events / all events over the window. */
  OCCURRENCES("Occurrences"),
  /** A slice is good when its ratio meets {@code timeSliceTarget}; SLI = good slices / slices with data. */
  TIMESLICES("Timeslices"),
  /** SLI = mean of the ratios of the slices with data. */
  RATIO_TIMESLICES("RatioTimeslices");

  private final String openSloName;

  BudgetingMethod(String openSloName) {
    this.openSloName = openSloName;
  }

  /** The spelling in OpenSLO documents. */
  public String openSloName() {
    return openSloName;
  }
}

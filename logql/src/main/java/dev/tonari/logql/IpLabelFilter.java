package dev.tonari.logql;

/** {@code addr = ip("10.0.0.0/8")} or {@code !=}: the label's value is (not) an address in the range, CIDR or single address. */
public record IpLabelFilter(String name, ComparisonOperator operator, String range) implements LabelFilterExpr {
  public IpLabelFilter {
    if (name == null || range == null || (operator != ComparisonOperator.EQUAL && operator != ComparisonOperator.NOT_EQUAL)) {
      throw new IllegalArgumentException("ip label filter needs a name, = or != and a range, got " + name + " " + operator + " " + range);
    }
  }
}

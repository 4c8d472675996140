package dev.tonari.logql;

/**
 * {@code size > 20MB}: the label's value parsed as a byte size (humanize's units: kB=1000,
 * KiB=1024, ...) compared with a number of bytes, unsigned as Loki's uint64.
 */
public record BytesLabelFilter(String name, ComparisonOperator operator, long bytes) implements LabelFilterExpr {
  public BytesLabelFilter {
    if (name == null || operator == null) {
      throw new IllegalArgumentException("bytes label filter needs a name and an operator, got " + name + " " + operator);
    }
  }
}

package dev.tonari.query.template;

import dev.tonari.logql.LogqlUnits;

/**
 * Go's parsers for human units, as Loki applies them to label values and template arguments, with
 * a checked exception for the pipeline's error labels; the parsing itself is {@link LogqlUnits}':
 * {@code time.ParseDuration} ("1h30m", "1.5s", "250ms") and go-humanize's {@code ParseBytes}
 * ("20MB", "1KiB", "3 kb"). Errors carry Go's wording so that {@code __error_details__} reads as
 * Loki's does.
 */
public final class GoUnits {
  private GoUnits() {}

  /** Thrown with Go's message when a value is not a duration or a byte size. */
  public static final class UnitException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnitException(String message) {
      super(message);
    }
  }

  /** Go's {@code time.ParseDuration}, in nanoseconds (see {@link LogqlUnits#parseGoDuration}). */
  public static long parseDurationNanos(String text) throws UnitException {
    try {
      return LogqlUnits.parseGoDuration(text).toNanos();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UnitException(e.getMessage());
    }
  }

  /** go-humanize's {@code ParseBytes}: a number with an optional SI or IEC unit, in bytes (see {@link LogqlUnits#parseBytes}). */
  public static double parseBytes(String text) throws UnitException {
    try {
      long bytes = LogqlUnits.parseBytes(text);
      // humanize returns a uint64: counts of 2^63 and more come back as negative longs.
      return bytes >= 0 ? bytes : Double.parseDouble(Long.toUnsignedString(bytes));
    } catch (IllegalArgumentException e) {
      throw new UnitException(e.getMessage());
    }
  }
}

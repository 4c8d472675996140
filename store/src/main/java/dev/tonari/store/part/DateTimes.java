package dev.tonari.store.part;

/**
 * Proleptic Gregorian calendar arithmetic for the date-time variables of templated lines, on
 * primitives only (no {@code java.time} objects per line): days from a civil date and back, after
 * Howard Hinnant's public-domain algorithms, valid for years 0 to 9999.
 */
final class DateTimes {
  static final long[] POWERS_OF_TEN = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };
  /** Nanoseconds in one unit of a fraction with that many digits. */
  static final long[] NANOS_PER_UNIT = {
    1_000_000_000L, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L, 1_000L, 100L, 10L, 1L
  };
  private static final long SECONDS_PER_DAY = 86_400;

  private DateTimes() {}

  static boolean isLeapYear(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> isLeapYear(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a valid date. */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  static long epochSeconds(int year, int month, int day, int hour, int minute, int second) {
    return epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second;
  }

  /**
   * Writes {@code YYYY-MM-DD?hh:mm:ss} of {@code epochSeconds} at {@code out[position]} (19 bytes)
   * with {@code separator} between date and time.
   *
   * @throws IllegalStateException when the year is outside 0..9999
   */
  static void writeDateTime(long epochSeconds, byte separator, byte[] out, int position) {
    long days = Math.floorDiv(epochSeconds, SECONDS_PER_DAY);
    int secondOfDay = (int) (epochSeconds - days * SECONDS_PER_DAY);
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
    int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      throw new IllegalStateException("date-time variable decodes to year " + year + ", outside 0..9999");
    }
    writeDigits((int) year, 4, out, position);
    out[position + 4] = '-';
    writeDigits(month, 2, out, position + 5);
    out[position + 7] = '-';
    writeDigits(day, 2, out, position + 8);
    out[position + 10] = separator;
    writeDigits(secondOfDay / 3600, 2, out, position + 11);
    out[position + 13] = ':';
    writeDigits(secondOfDay / 60 % 60, 2, out, position + 14);
    out[position + 16] = ':';
    writeDigits(secondOfDay % 60, 2, out, position + 17);
  }

  /** Writes {@code value} as exactly {@code count} decimal digits, zero-padded. */
  static void writeDigits(long value, int count, byte[] out, int position) {
    long rest = value;
    for (int k = position + count - 1; k >= position; k--) {
      long quotient = rest / 10;
      out[k] = (byte) ('0' + (rest - quotient * 10));
      rest = quotient;
    }
  }
}

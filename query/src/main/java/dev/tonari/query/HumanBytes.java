package dev.tonari.query;

import java.util.Locale;

/**
 * Formats a byte count as go-humanize's {@code Bytes} does ("83 MB", "1.2 GB", "9 B"), SI units
 * rounded to one decimal below 10 and to a whole number above, as Loki's limit messages show sizes.
 */
final class HumanBytes {
  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private HumanBytes() {}

  static String format(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    int exponent = (int) Math.floor(Math.log(bytes) / Math.log(1000));
    double value = Math.floor(bytes / Math.pow(1000, exponent) * 10 + 0.5) / 10;
    return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, UNITS[exponent]);
  }
}

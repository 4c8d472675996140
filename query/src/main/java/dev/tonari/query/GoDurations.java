package dev.tonari.query;

/** Formats durations as Go's {@code time.Duration.String} does ("721h0m0s", "1.5s", "250ms"), as Loki's messages show them. */
final class GoDurations {
  private GoDurations() {}

  static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    // Long.MIN_VALUE has no positive counterpart; its magnitude is handled as unsigned.
    boolean negative = nanos < 0;
    long magnitude = negative ? -nanos : nanos;
    if (negative) {
      out.append('-');
    }
    if (Long.compareUnsigned(magnitude, 1_000_000_000L) < 0) {
      if (magnitude < 1_000L) {
        return out.append(magnitude).append("ns").toString();
      } else if (magnitude < 1_000_000L) {
        return appendFraction(out, magnitude, 3).append("µs").toString();
      } else {
        return appendFraction(out, magnitude, 6).append("ms").toString();
      }
    }
    long seconds = Long.divideUnsigned(magnitude, 1_000_000_000L);
    long fraction = Long.remainderUnsigned(magnitude, 1_000_000_000L);
    long hours = seconds / 3600;
    long minutes = (seconds / 60) % 60;
    long secondsInMinute = seconds % 60;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    out.append(secondsInMinute);
    appendDecimals(out, fraction, 9);
    return out.append('s').toString();
  }

  private static StringBuilder appendFraction(StringBuilder out, long value, int digits) {
    long unit = (long) Math.pow(10, digits);
    out.append(value / unit);
    appendDecimals(out, value % unit, digits);
    return out;
  }

  private static void appendDecimals(StringBuilder out, long fraction, int digits) {
    if (fraction == 0) {
      return;
    }
    String padded = String.format("%0" + digits + "d", fraction);
    int end = padded.length();
    while (padded.charAt(end - 1) == '0') {
      end--;
    }
    out.append('.').append(padded, 0, end);
  }
}

package dev.tonari.query.template;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code time.Time} for templates: formatting and parsing with Go's reference-time layouts
 * ({@code "2006-01-02T15:04:05.000Z07:00"}) and Go's {@code String()} form. Loki uses the server's
 * local zone where Go says "Local"; Tonari's local zone for templates is UTC so that results do
 * not depend on the machine a query runs on.
 */
public final class GoTime {
  private GoTime() {}

  /** The zone Go's {@code time.Local} stands for. */
  public static final ZoneId LOCAL = ZoneOffset.UTC;

  /** Go's zero time, {@code 0001-01-01 00:00:00 +0000 UTC}, what failed parses return. */
  public static final ZonedDateTime ZERO = ZonedDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private static final String[] LONG_MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"
  };
  private static final String[] LONG_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

  private enum Kind {
    LONG_MONTH,
    MONTH,
    NUM_MONTH,
    ZERO_MONTH,
    LONG_WEEKDAY,
    WEEKDAY,
    DAY,
    UNDER_DAY,
    ZERO_DAY,
    UNDER_YEAR_DAY,
    ZERO_YEAR_DAY,
    HOUR,
    HOUR12,
    ZERO_HOUR12,
    MINUTE,
    ZERO_MINUTE,
    SECOND,
    ZERO_SECOND,
    LONG_YEAR,
    YEAR,
    PM,
    LOWER_PM,
    TZ,
    ISO8601_TZ,
    ISO8601_SECONDS_TZ,
    ISO8601_SHORT_TZ,
    ISO8601_COLON_TZ,
    ISO8601_COLON_SECONDS_TZ,
    NUM_TZ,
    NUM_SECONDS_TZ,
    NUM_SHORT_TZ,
    NUM_COLON_TZ,
    NUM_COLON_SECONDS_TZ,
    FRACTION_ZEROS,
    FRACTION_NINES
  }

  /** One piece of a layout: literal text, or a field with its kind (and digits for fractions). */
  private record Chunk(String literal, Kind kind, int digits, char separator) {}

  private static List<Chunk> chunks(String layout) {
    List<Chunk> chunks = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < layout.length()) {
      Chunk std = stdAt(layout, i);
      if (std == null) {
        literal.append(layout.charAt(i));
        i++;
        continue;
      }
      if (!literal.isEmpty()) {
        chunks.add(new Chunk(literal.toString(), null, 0, ' '));
        literal.setLength(0);
      }
      chunks.add(std);
      i += std.literal().length();
    }
    if (!literal.isEmpty()) {
      chunks.add(new Chunk(literal.toString(), null, 0, ' '));
    }
    return chunks;
  }

  private static Chunk std(String text, Kind kind) {
    return new Chunk(text, kind, 0, ' ');
  }

  /** The field that starts at {@code i}, following the order of Go's {@code nextStdChunk}. */
  private static Chunk stdAt(String layout, int i) {
    String rest = layout.substring(i);
    char c = rest.charAt(0);
    switch (c) {
      case 'J' -> {
        if (rest.startsWith("January")) {
          return std("January", Kind.LONG_MONTH);
        }
        if (rest.startsWith("Jan")) {
          return std("Jan", Kind.MONTH);
        }
      }
      case 'M' -> {
        if (rest.startsWith("Monday")) {
          return std("Monday", Kind.LONG_WEEKDAY);
        }
        if (rest.startsWith("Mon")) {
          return std("Mon", Kind.WEEKDAY);
        }
        if (rest.startsWith("MST")) {
          return std("MST", Kind.TZ);
        }
      }
      case '0' -> {
        if (rest.length() >= 2 && rest.charAt(1) >= '1' && rest.charAt(1) <= '6') {
          return std(rest.substring(0, 2), new Kind[] {Kind.ZERO_MONTH, Kind.ZERO_DAY, Kind.ZERO_HOUR12, Kind.ZERO_MINUTE, Kind.ZERO_SECOND, Kind.YEAR}[rest.charAt(1) - '1']);
        }
        if (rest.startsWith("002")) {
          return std("002", Kind.ZERO_YEAR_DAY);
        }
      }
      case '1' -> {
        if (rest.startsWith("15")) {
          return std("15", Kind.HOUR);
        }
        return std("1", Kind.NUM_MONTH);
      }
      case '2' -> {
        if (rest.startsWith("2006")) {
          return std("2006", Kind.LONG_YEAR);
        }
        return std("2", Kind.DAY);
      }
      case '_' -> {
        if (rest.startsWith("_2")) {
          if (rest.startsWith("_2006")) {
            return null;
          }
          return std("_2", Kind.UNDER_DAY);
        }
        if (rest.startsWith("__2")) {
          return std("__2", Kind.UNDER_YEAR_DAY);
        }
      }
      case '3' -> {
        return std("3", Kind.HOUR12);
      }
      case '4' -> {
        return std("4", Kind.MINUTE);
      }
      case '5' -> {
        return std("5", Kind.SECOND);
      }
      case 'P' -> {
        if (rest.startsWith("PM")) {
          return std("PM", Kind.PM);
        }
      }
      case 'p' -> {
        if (rest.startsWith("pm")) {
          return std("pm", Kind.LOWER_PM);
        }
      }
      case '-' -> {
        for (String[] candidate : new String[][] {{"-070000", "NUM_SECONDS_TZ"}, {"-07:00:00", "NUM_COLON_SECONDS_TZ"}, {"-0700", "NUM_TZ"}, {"-07:00", "NUM_COLON_TZ"}, {"-07", "NUM_SHORT_TZ"}}) {
          if (rest.startsWith(candidate[0])) {
            return std(candidate[0], Kind.valueOf(candidate[1]));
          }
        }
      }
      case 'Z' -> {
        for (String[] candidate :
            new String[][] {{"Z070000", "ISO8601_SECONDS_TZ"}, {"Z07:00:00", "ISO8601_COLON_SECONDS_TZ"}, {"Z0700", "ISO8601_TZ"}, {"Z07:00", "ISO8601_COLON_TZ"}, {"Z07", "ISO8601_SHORT_TZ"}}) {
          if (rest.startsWith(candidate[0])) {
            return std(candidate[0], Kind.valueOf(candidate[1]));
          }
        }
      }
      case '.', ',' -> {
        if (rest.length() >= 2 && (rest.charAt(1) == '0' || rest.charAt(1) == '9')) {
          char digit = rest.charAt(1);
          int end = 1;
          while (end < rest.length() && rest.charAt(end) == digit) {
            end++;
          }
          if (end >= rest.length() || !Character.isDigit(rest.charAt(end))) {
            return new Chunk(rest.substring(0, end), digit == '0' ? Kind.FRACTION_ZEROS : Kind.FRACTION_NINES, end - 1, c);
          }
        }
      }
      default -> {}
    }
    return null;
  }

  /** Go's {@code Time.Format}. */
  public static String format(ZonedDateTime time, String layout) {
    StringBuilder out = new StringBuilder();
    for (Chunk chunk : chunks(layout)) {
      if (chunk.kind() == null) {
        out.append(chunk.literal());
        continue;
      }
      int hour = time.getHour();
      switch (chunk.kind()) {
        case LONG_MONTH -> out.append(LONG_MONTHS[time.getMonthValue() - 1]);
        case MONTH -> out.append(LONG_MONTHS[time.getMonthValue() - 1], 0, 3);
        case NUM_MONTH -> out.append(time.getMonthValue());
        case ZERO_MONTH -> two(out, time.getMonthValue());
        case LONG_WEEKDAY -> out.append(LONG_DAYS[time.getDayOfWeek().getValue() - 1]);
        case WEEKDAY -> out.append(LONG_DAYS[time.getDayOfWeek().getValue() - 1], 0, 3);
        case DAY -> out.append(time.getDayOfMonth());
        case UNDER_DAY -> out.append(time.getDayOfMonth() < 10 ? " " : "").append(time.getDayOfMonth());
        case ZERO_DAY -> two(out, time.getDayOfMonth());
        case UNDER_YEAR_DAY -> out.append(String.format(Locale.ROOT, "%3d", time.getDayOfYear()));
        case ZERO_YEAR_DAY -> out.append(String.format(Locale.ROOT, "%03d", time.getDayOfYear()));
        case HOUR -> two(out, hour);
        case HOUR12 -> out.append(hour % 12 == 0 ? 12 : hour % 12);
        case ZERO_HOUR12 -> two(out, hour % 12 == 0 ? 12 : hour % 12);
        case MINUTE -> out.append(time.getMinute());
        case ZERO_MINUTE -> two(out, time.getMinute());
        case SECOND -> out.append(time.getSecond());
        case ZERO_SECOND -> two(out, time.getSecond());
        case LONG_YEAR -> {
          int year = time.getYear();
          if (year < 0) {
            out.append('-');
          }
          out.append(String.format(Locale.ROOT, "%04d", Math.abs(year)));
        }
        case YEAR -> two(out, Math.floorMod(time.getYear(), 100));
        case PM -> out.append(hour >= 12 ? "PM" : "AM");
        case LOWER_PM -> out.append(hour >= 12 ? "pm" : "am");
        case TZ -> out.append(zoneAbbreviation(time));
        case FRACTION_ZEROS, FRACTION_NINES -> {
          String nanos = String.format(Locale.ROOT, "%09d", time.getNano()).substring(0, Math.min(9, chunk.digits()));
          if (chunk.kind() == Kind.FRACTION_NINES) {
            int end = nanos.length();
            while (end > 0 && nanos.charAt(end - 1) == '0') {
              end--;
            }
            if (end > 0) {
              out.append(chunk.separator()).append(nanos, 0, end);
            }
          } else {
            out.append(chunk.separator()).append(nanos);
          }
        }
        default -> appendZone(out, chunk.kind(), time.getOffset().getTotalSeconds());
      }
    }
    return out.toString();
  }

  private static void two(StringBuilder out, int value) {
    if (value < 10) {
      out.append('0');
    }
    out.append(value);
  }

  private static void appendZone(StringBuilder out, Kind kind, int offsetSeconds) {
    boolean iso = kind.name().startsWith("ISO8601");
    if (iso && offsetSeconds == 0) {
      out.append('Z');
      return;
    }
    int zone = offsetSeconds / 60;
    int absoluteSeconds = Math.abs(offsetSeconds);
    out.append(zone < 0 ? '-' : '+');
    int absolute = Math.abs(zone);
    two(out, absolute / 60);
    boolean colon = kind == Kind.ISO8601_COLON_TZ || kind == Kind.NUM_COLON_TZ || kind == Kind.ISO8601_COLON_SECONDS_TZ || kind == Kind.NUM_COLON_SECONDS_TZ;
    boolean shortForm = kind == Kind.ISO8601_SHORT_TZ || kind == Kind.NUM_SHORT_TZ;
    if (!shortForm) {
      if (colon) {
        out.append(':');
      }
      two(out, absolute % 60);
    }
    if (kind == Kind.ISO8601_SECONDS_TZ || kind == Kind.NUM_SECONDS_TZ || kind == Kind.ISO8601_COLON_SECONDS_TZ || kind == Kind.NUM_COLON_SECONDS_TZ) {
      if (colon) {
        out.append(':');
      }
      two(out, absoluteSeconds % 60);
    }
  }

  private static String zoneAbbreviation(ZonedDateTime time) {
    ZoneId zone = time.getZone();
    if (zone.equals(ZoneOffset.UTC) || zone.getId().equals("UTC") || zone.getId().equals("Z")) {
      return "UTC";
    }
    if (zone instanceof ZoneOffset) {
      // Go names an unnamed fixed zone by its offset.
      StringBuilder out = new StringBuilder();
      appendZone(out, Kind.NUM_TZ, time.getOffset().getTotalSeconds());
      return out.toString();
    }
    return DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(time);
  }

  /** Go's {@code Time.String()}: {@code 2006-01-02 15:04:05.999999999 -0700 MST}. */
  public static String toGoString(ZonedDateTime time) {
    return format(time, "2006-01-02 15:04:05.999999999 -0700 MST");
  }

  /** Thrown when a value does not match a layout, with Go's wording. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  /**
   * Go's {@code time.ParseInLocation}: fields absent from the layout default to January 1, year
   * 0... as in Go (year 0 when no year is given), and an offset in the value wins over the zone.
   */
  public static ZonedDateTime parse(String layout, String value, ZoneId zone) throws ParseException {
    String original = value;
    int year = 0;
    int month = -1;
    int day = -1;
    int yearDay = -1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int nanos = 0;
    boolean pm = false;
    boolean pmSet = false;
    Integer offsetSeconds = null;
    String zoneName = null;
    for (Chunk chunk : chunks(layout)) {
      if (chunk.kind() == null) {
        String literal = chunk.literal();
        // Go skips leading spaces flexibly: a run of spaces in the layout matches any spaces.
        if (!value.startsWith(literal)) {
          throw failure(layout, original, value, literal);
        }
        value = value.substring(literal.length());
        continue;
      }
      String before = value;
      try {
        switch (chunk.kind()) {
          case LONG_YEAR -> {
            if (value.length() < 4 || !allDigits(value.substring(0, 4))) {
              throw failure(layout, original, before, chunk.literal());
            }
            year = Integer.parseInt(value.substring(0, 4));
            value = value.substring(4);
          }
          case YEAR -> {
            if (value.length() < 2 || !allDigits(value.substring(0, 2))) {
              throw failure(layout, original, before, chunk.literal());
            }
            year = Integer.parseInt(value.substring(0, 2));
            year += year >= 69 ? 1900 : 2000;
            value = value.substring(2);
          }
          case LONG_MONTH, MONTH -> {
            month = -1;
            for (int m = 0; m < 12; m++) {
              String name = chunk.kind() == Kind.LONG_MONTH ? LONG_MONTHS[m] : LONG_MONTHS[m].substring(0, 3);
              if (value.regionMatches(true, 0, name, 0, name.length())) {
                month = m + 1;
                value = value.substring(name.length());
                break;
              }
            }
            if (month < 0) {
              throw failure(layout, original, before, chunk.literal());
            }
          }
          case NUM_MONTH, ZERO_MONTH -> {
            int[] result = number(value, chunk.kind() == Kind.ZERO_MONTH);
            month = result[0];
            value = value.substring(result[1]);
            if (month < 1 || month > 12) {
              throw new ParseException("parsing time " + GoFormat.quote(original) + ": month out of range");
            }
          }
          case LONG_WEEKDAY, WEEKDAY -> {
            boolean found = false;
            for (String name : LONG_DAYS) {
              String candidate = chunk.kind() == Kind.LONG_WEEKDAY ? name : name.substring(0, 3);
              if (value.regionMatches(true, 0, candidate, 0, candidate.length())) {
                value = value.substring(candidate.length());
                found = true;
                break;
              }
            }
            if (!found) {
              throw failure(layout, original, before, chunk.literal());
            }
          }
          case DAY, UNDER_DAY, ZERO_DAY -> {
            if (chunk.kind() == Kind.UNDER_DAY && value.startsWith(" ")) {
              value = value.substring(1);
            }
            int[] result = number(value, chunk.kind() == Kind.ZERO_DAY);
            day = result[0];
            value = value.substring(result[1]);
          }
          case UNDER_YEAR_DAY, ZERO_YEAR_DAY -> {
            String trimmed = chunk.kind() == Kind.UNDER_YEAR_DAY ? withoutLeadingSpaces(value, 2) : value;
            int digits = 0;
            while (digits < 3 && digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))) {
              digits++;
            }
            if (digits == 0) {
              throw failure(layout, original, before, chunk.literal());
            }
            yearDay = Integer.parseInt(trimmed.substring(0, digits));
            value = trimmed.substring(digits);
          }
          case HOUR -> {
            int[] result = number(value, false);
            hour = result[0];
            value = value.substring(result[1]);
            if (hour > 23) {
              throw new ParseException("parsing time " + GoFormat.quote(original) + ": hour out of range");
            }
          }
          case HOUR12, ZERO_HOUR12 -> {
            int[] result = number(value, chunk.kind() == Kind.ZERO_HOUR12);
            hour = result[0];
            value = value.substring(result[1]);
            if (hour > 12) {
              throw new ParseException("parsing time " + GoFormat.quote(original) + ": hour out of range");
            }
          }
          case MINUTE, ZERO_MINUTE -> {
            int[] result = number(value, chunk.kind() == Kind.ZERO_MINUTE);
            minute = result[0];
            value = value.substring(result[1]);
            if (minute > 59) {
              throw new ParseException("parsing time " + GoFormat.quote(original) + ": minute out of range");
            }
          }
          case SECOND, ZERO_SECOND -> {
            int[] result = number(value, chunk.kind() == Kind.ZERO_SECOND);
            second = result[0];
            value = value.substring(result[1]);
            if (second > 59) {
              throw new ParseException("parsing time " + GoFormat.quote(original) + ": second out of range");
            }
            // Go accepts a fractional second after the seconds even when the layout has none.
            if (value.length() >= 2 && (value.charAt(0) == '.' || value.charAt(0) == ',') && Character.isDigit(value.charAt(1))) {
              Chunk next = null;
              List<Chunk> all = chunks(layout);
              int index = all.indexOf(chunk);
              if (index + 1 < all.size()) {
                next = all.get(index + 1);
              }
              if (next == null || (next.kind() != Kind.FRACTION_ZEROS && next.kind() != Kind.FRACTION_NINES)) {
                int end = 1;
                while (end < value.length() && Character.isDigit(value.charAt(end))) {
                  end++;
                }
                nanos = fractionNanos(value.substring(1, end));
                value = value.substring(end);
              }
            }
          }
          case PM, LOWER_PM -> {
            if (value.length() < 2) {
              throw failure(layout, original, before, chunk.literal());
            }
            String text = value.substring(0, 2).toUpperCase(Locale.ROOT);
            if (!text.equals("AM") && !text.equals("PM")) {
              throw failure(layout, original, before, chunk.literal());
            }
            pm = text.equals("PM");
            pmSet = true;
            value = value.substring(2);
          }
          case TZ -> {
            if (value.startsWith("UTC")) {
              zoneName = "UTC";
              value = value.substring(3);
            } else {
              int end = 0;
              while (end < value.length() && Character.isUpperCase(value.charAt(end))) {
                end++;
              }
              if (end < 3) {
                throw failure(layout, original, before, chunk.literal());
              }
              zoneName = value.substring(0, end);
              value = value.substring(end);
            }
          }
          case FRACTION_ZEROS -> {
            int needed = chunk.digits() + 1;
            if (value.length() < needed || value.charAt(0) != chunk.separator() || !allDigits(value.substring(1, needed))) {
              throw failure(layout, original, before, chunk.literal());
            }
            nanos = fractionNanos(value.substring(1, needed));
            value = value.substring(needed);
          }
          case FRACTION_NINES -> {
            if (value.length() >= 2 && (value.charAt(0) == '.' || value.charAt(0) == ',') && Character.isDigit(value.charAt(1))) {
              int end = 1;
              while (end < value.length() && Character.isDigit(value.charAt(end))) {
                end++;
              }
              nanos = fractionNanos(value.substring(1, end));
              value = value.substring(end);
            }
          }
          default -> {
            boolean iso = chunk.kind().name().startsWith("ISO8601");
            if (iso && value.startsWith("Z")) {
              value = value.substring(1);
              offsetSeconds = 0;
              break;
            }
            if (value.isEmpty() || (value.charAt(0) != '+' && value.charAt(0) != '-')) {
              throw failure(layout, original, before, chunk.literal());
            }
            int sign = value.charAt(0) == '-' ? -1 : 1;
            String digits = value.substring(1);
            boolean colon = chunk.literal().contains(":");
            int hours;
            int minutes = 0;
            int seconds = 0;
            int consumed;
            if (digits.length() < 2 || !allDigits(digits.substring(0, 2))) {
              throw failure(layout, original, before, chunk.literal());
            }
            hours = Integer.parseInt(digits.substring(0, 2));
            consumed = 2;
            boolean shortForm = chunk.kind() == Kind.ISO8601_SHORT_TZ || chunk.kind() == Kind.NUM_SHORT_TZ;
            if (!shortForm) {
              int start = consumed + (colon ? 1 : 0);
              if (digits.length() < start + 2 || (colon && digits.charAt(consumed) != ':') || !allDigits(digits.substring(start, start + 2))) {
                throw failure(layout, original, before, chunk.literal());
              }
              minutes = Integer.parseInt(digits.substring(start, start + 2));
              consumed = start + 2;
            }
            if (chunk.literal().endsWith("0000") && chunk.literal().length() >= 7 || chunk.literal().endsWith(":00:00")) {
              int start = consumed + (colon ? 1 : 0);
              if (digits.length() < start + 2 || !allDigits(digits.substring(start, start + 2))) {
                throw failure(layout, original, before, chunk.literal());
              }
              seconds = Integer.parseInt(digits.substring(start, start + 2));
              consumed = start + 2;
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60 + seconds);
            value = digits.substring(consumed);
          }
        }
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw failure(layout, original, before, chunk.literal());
      }
    }
    if (!value.isEmpty()) {
      throw new ParseException("parsing time " + GoFormat.quote(original) + ": extra text: " + GoFormat.quote(value));
    }
    if (pmSet) {
      if (pm && hour < 12) {
        hour += 12;
      } else if (!pm && hour == 12) {
        hour = 0;
      }
    }
    try {
      LocalDate date;
      if (yearDay > 0 && month < 0 && day < 0) {
        date = LocalDate.ofYearDay(year, yearDay);
      } else {
        date = LocalDate.of(year, month < 0 ? 1 : month, day < 0 ? 1 : day);
      }
      ZoneId targetZone = zone;
      if (offsetSeconds != null) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetSeconds);
        ZonedDateTime inZone = date.atTime(hour, minute, second, nanos).atZone(zone);
        targetZone = inZone.getOffset().equals(offset) ? zone : offset;
        return date.atTime(hour, minute, second, nanos).atOffset(offset).atZoneSameInstant(targetZone);
      }
      if (zoneName != null && zoneName.equals("UTC")) {
        targetZone = ZoneOffset.UTC;
      }
      return date.atTime(hour, minute, second, nanos).atZone(targetZone);
    } catch (DateTimeException e) {
      throw new ParseException("parsing time " + GoFormat.quote(original) + ": day out of range");
    }
  }

  private static ParseException failure(String layout, String original, String value, String element) {
    return new ParseException(
        "parsing time " + GoFormat.quote(original) + " as " + GoFormat.quote(layout) + ": cannot parse " + GoFormat.quote(value) + " as " + GoFormat.quote(element));
  }

  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return !text.isEmpty();
  }

  /** Parses one or two digits (exactly two when {@code fixed}); returns value and characters used. */
  private static int[] number(String value, boolean fixed) throws ParseException {
    if (value.isEmpty() || !Character.isDigit(value.charAt(0)) || value.charAt(0) > '9') {
      throw new ParseException("bad number");
    }
    if (fixed) {
      if (value.length() < 2 || value.charAt(1) < '0' || value.charAt(1) > '9') {
        throw new ParseException("bad number");
      }
      return new int[] {Integer.parseInt(value.substring(0, 2)), 2};
    }
    if (value.length() >= 2 && value.charAt(1) >= '0' && value.charAt(1) <= '9') {
      return new int[] {Integer.parseInt(value.substring(0, 2)), 2};
    }
    return new int[] {value.charAt(0) - '0', 1};
  }

  private static int fractionNanos(String digits) {
    String padded = (digits + "000000000").substring(0, 9);
    return Integer.parseInt(padded);
  }

  /** A time from nanoseconds since the epoch, in the local zone. */
  public static ZonedDateTime fromEpochNanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).atZone(LOCAL);
  }

  /** Nanoseconds since the epoch, saturating as Go's UnixNano is undefined beyond int64. */
  public static long epochNanos(ZonedDateTime time) {
    Instant instant = time.toInstant();
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The zone of a name as Go's {@code time.LoadLocation} knows it; "Local" is {@link #LOCAL}. */
  public static ZoneId zone(String name) throws ParseException {
    if (name.isEmpty() || name.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    if (name.equals("Local")) {
      return LOCAL;
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new ParseException("unknown time zone " + name);
    }
  }

  static String shortZoneName(ZoneId zone) {
    return zone.getDisplayName(TextStyle.SHORT, Locale.ROOT);
  }

  /** {@code value} without up to {@code most} leading spaces. */
  private static String withoutLeadingSpaces(String value, int most) {
    int skip = 0;
    while (skip < most && skip < value.length() && value.charAt(skip) == ' ') {
      skip++;
    }
    return value.substring(skip);
  }
}

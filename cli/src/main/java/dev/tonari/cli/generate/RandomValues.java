package dev.tonari.cli.generate;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The values a generated line is made of, drawn from one seeded random source: high-entropy ids
 * (128-bit trace ids, UUIDs, addresses) as real systems write them, skewed distributions for
 * statuses and durations, and the time stamp texts of the current second. Not thread-safe.
 */
final class RandomValues {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  private final SplittableRandom random;
  private long cachedSecond = Long.MIN_VALUE;
  private String isoSecond;
  private String javaSecond;
  private String nginxSecond;
  private String syslogSecond;
  /** The last 128-bit trace id appended, so that a corpus writer can pick needles. */
  private String lastTraceId;
  private String lastUuid;
  private String lastClientIp;

  RandomValues(SplittableRandom random) {
    this.random = random;
  }

  SplittableRandom random() {
    return random;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  double nextDouble() {
    return random.nextDouble();
  }

  <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  /** Forgets the ids of the previous line. */
  void startLine() {
    lastTraceId = null;
    lastUuid = null;
    lastClientIp = null;
  }

  String lastTraceId() {
    return lastTraceId;
  }

  String lastUuid() {
    return lastUuid;
  }

  String lastClientIp() {
    return lastClientIp;
  }

  void appendHex(StringBuilder sb, int bytes) {
    for (int i = 0; i < bytes; i++) {
      int b = random.nextInt(256);
      sb.append(HEX[b >>> 4]).append(HEX[b & 15]);
    }
  }

  /** A W3C trace id: 128 random bits as 32 lowercase hex digits. */
  void appendTraceId(StringBuilder sb) {
    int start = sb.length();
    appendHex(sb, 16);
    lastTraceId = sb.substring(start);
  }

  /** A random (version 4) UUID in its canonical text form. */
  void appendUuid(StringBuilder sb) {
    int start = sb.length();
    appendHex(sb, 4);
    sb.append('-');
    appendHex(sb, 2);
    sb.append("-4");
    sb.append(HEX[random.nextInt(16)]);
    appendHex(sb, 1);
    sb.append('-');
    sb.append(HEX[8 + random.nextInt(4)]);
    sb.append(HEX[random.nextInt(16)]);
    appendHex(sb, 1);
    sb.append('-');
    appendHex(sb, 6);
    lastUuid = sb.substring(start);
  }

  /** A client address from the whole public space (so nearly every one is distinct). */
  void appendClientIp(StringBuilder sb) {
    int start = sb.length();
    sb.append(1 + random.nextInt(223)).append('.').append(random.nextInt(256)).append('.').append(random.nextInt(256)).append('.').append(1 + random.nextInt(254));
    lastClientIp = sb.substring(start);
  }

  /** A pod or node address of the cluster network. */
  void appendPodIp(StringBuilder sb) {
    sb.append("10.").append(40 + random.nextInt(4)).append('.').append(random.nextInt(256)).append('.').append(1 + random.nextInt(254));
  }

  /** A user id as identity providers issue them: {@code usr_} and 20 base-36 characters. */
  void appendUserId(StringBuilder sb) {
    sb.append("usr_");
    for (int i = 0; i < 20; i++) {
      int d = random.nextInt(36);
      sb.append((char) (d < 10 ? '0' + d : 'a' + d - 10));
    }
  }

  String method() {
    int r = random.nextInt(100);
    return r < 70 ? "GET" : r < 90 ? "POST" : r < 95 ? "PUT" : r < 98 ? "DELETE" : "PATCH";
  }

  String path(AppSpec app) {
    String template = pick(app.paths());
    int brace = template.indexOf("{id}");
    if (brace < 0) {
      return template;
    }
    return template.substring(0, brace) + (10_000 + random.nextInt(990_000)) + template.substring(brace + 4);
  }

  int status(boolean error) {
    if (error) {
      int r = random.nextInt(100);
      return r < 45 ? 503 : r < 70 ? 500 : r < 90 ? 504 : 502;
    }
    int r = random.nextInt(1000);
    if (r < 800) {
      return 200;
    } else if (r < 860) {
      return 201;
    } else if (r < 900) {
      return 204;
    } else if (r < 930) {
      return 304;
    } else if (r < 950) {
      return 404;
    } else if (r < 965) {
      return 400;
    } else if (r < 980) {
      return 401;
    } else if (r < 990) {
      return 403;
    } else {
      return 429;
    }
  }

  /** Log-normal around 12 ms; errors are often timeouts. */
  double durationMillis(boolean error) {
    if (error && random.nextInt(3) == 0) {
      return 5000 + random.nextInt(25_000);
    }
    double gaussian = random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5;
    return Math.exp(Math.log(12) + gaussian * 1.6);
  }

  static void appendDecimal(StringBuilder sb, double value, int fractionDigits) {
    long scale = fractionDigits == 1 ? 10 : fractionDigits == 2 ? 100 : fractionDigits == 3 ? 1000 : 1_000_000;
    long scaled = Math.round(value * scale);
    sb.append(scaled / scale).append('.');
    appendPadded(sb, (int) (scaled % scale), fractionDigits);
  }

  static void appendPadded(StringBuilder sb, int value, int digits) {
    String text = Integer.toString(value);
    for (int i = text.length(); i < digits; i++) {
      sb.append('0');
    }
    sb.append(text);
  }

  void appendIso(StringBuilder sb, long timestampNanos) {
    sb.append(isoSecond).append('.');
    appendPadded(sb, (int) Math.floorMod(timestampNanos / 1_000_000, 1000L), 3);
    sb.append('Z');
  }

  String javaSecond() {
    return javaSecond;
  }

  String nginxSecond() {
    return nginxSecond;
  }

  String syslogSecond() {
    return syslogSecond;
  }

  /** Formatting a date is costly next to building a line; lines of the same second share it. */
  void updateTimeText(long timestampNanos) {
    long second = Math.floorDiv(timestampNanos, 1_000_000_000L);
    if (second == cachedSecond) {
      return;
    }
    cachedSecond = second;
    LocalDateTime time = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
    String date = String.format(Locale.ROOT, "%04d-%02d-%02d", time.getYear(), time.getMonthValue(), time.getDayOfMonth());
    String clock = String.format(Locale.ROOT, "%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
    isoSecond = date + "T" + clock;
    javaSecond = date + " " + clock;
    nginxSecond = String.format(Locale.ROOT, "%02d/%s/%04d:%s", time.getDayOfMonth(), MONTHS[time.getMonthValue() - 1], time.getYear(), clock);
    syslogSecond = String.format(Locale.ROOT, "%s %2d %s", MONTHS[time.getMonthValue() - 1], time.getDayOfMonth(), clock);
  }
}

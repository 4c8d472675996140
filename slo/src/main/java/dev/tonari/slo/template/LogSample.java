package dev.tonari.slo.template;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * What a sample of a stream's lines says about how to measure it: the line format (logfmt, JSON,
 * an nginx/Apache access log), which field holds the HTTP status, which holds the duration and in
 * what unit, and the durations seen (for a latency threshold that the service meets today).
 *
 * <p>Detection is by majority over the sample, so a stack-trace line or a stray banner does not
 * decide; a field counts as the status when its values are integers in 100..599 in most lines.
 */
public record LogSample(Format format, int lines, Optional<String> statusField, Optional<DurationField> durationField,
    double[] durationsMillis, double errorShare) {

  /** How lines are parsed in the generated LogQL. */
  public enum Format {
    LOGFMT("logfmt"),
    JSON("json"),
    ACCESS_LOG("pattern"),
    UNKNOWN("");

    private final String parser;

    Format(String parser) {
      this.parser = parser;
    }

    /** The LogQL parser stage name ({@code logfmt}, {@code json}, {@code pattern}). */
    public String parser() {
      return parser;
    }
  }

  /** The duration field and how its values read: with a unit ({@code 12.3ms}), or plain numbers in {@code unit}. */
  public record DurationField(String name, boolean hasUnitSuffix, String unit) {}

  /** Loki's pattern for the combined access log with the request time after the user agent (nginx's common extension). */
  public static final String ACCESS_LOG_PATTERN = "<_> - <_> [<_>] \"<method> <path> <_>\" <status> <_> \"<_>\" \"<_>\" <request_time> <_>";

  private static final List<String> STATUS_NAMES = List.of("status", "status_code", "statusCode", "http_status", "http.status_code",
      "response_code", "code", "statusText");
  private static final List<String> DURATION_NAMES = List.of("duration", "duration_ms", "latency", "latency_ms", "elapsed", "elapsed_ms",
      "response_time", "request_time", "took", "took_ms", "time_ms", "duration_seconds", "latency_seconds");
  private static final Pattern LOGFMT_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");
  private static final Pattern ACCESS_LOG = Pattern.compile(
      "^\\S+ - \\S+ \\[[^\\]]+\\] \"[A-Z]+ \\S+ [^\"]*\" (\\d{3}) \\S+ \"[^\"]*\" \"[^\"]*\"(?: (\\d+(?:\\.\\d+)?))?.*");
  private static final Pattern DURATION_WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final JsonFactory JSON = new JsonFactory();

  /** Looks at the lines (any number; a few hundred is plenty). */
  public static LogSample analyze(List<String> sample) {
    int logfmt = 0;
    int json = 0;
    int access = 0;
    List<Map<String, String>> fieldsPerLine = new ArrayList<>(sample.size());
    List<String[]> accessFields = new ArrayList<>();
    for (String line : sample) {
      String trimmed = line.strip();
      if (trimmed.startsWith("{")) {
        Map<String, String> fields = jsonFields(trimmed);
        if (!fields.isEmpty()) {
          json++;
          fieldsPerLine.add(fields);
          continue;
        }
      }
      Matcher accessMatch = ACCESS_LOG.matcher(trimmed);
      if (accessMatch.matches()) {
        access++;
        accessFields.add(new String[] {accessMatch.group(1), accessMatch.group(2)});
        continue;
      }
      Map<String, String> fields = logfmtFields(trimmed);
      if (fields.size() >= 2) {
        logfmt++;
        fieldsPerLine.add(fields);
      }
    }
    int best = Math.max(logfmt, Math.max(json, access));
    if (best == 0 || best * 2 < sample.size()) {
      return new LogSample(Format.UNKNOWN, sample.size(), Optional.empty(), Optional.empty(), new double[0], Double.NaN);
    }
    if (best == access) {
      double[] durations = new double[accessFields.size()];
      int count = 0;
      int errors = 0;
      for (String[] fields : accessFields) {
        if (Integer.parseInt(fields[0]) >= 500) {
          errors++;
        }
        if (fields[1] != null) {
          durations[count++] = Double.parseDouble(fields[1]) * 1000;
        }
      }
      Optional<DurationField> duration = count * 2 >= accessFields.size()
          ? Optional.of(new DurationField("request_time", false, "s")) : Optional.empty();
      return new LogSample(Format.ACCESS_LOG, sample.size(), Optional.of("status"), duration, sorted(durations, count),
          errors / (double) accessFields.size());
    }
    Format format = best == json ? Format.JSON : Format.LOGFMT;
    Optional<String> status = mostCommon(fieldsPerLine, STATUS_NAMES, LogSample::isHttpStatus);
    Optional<String> durationName = mostCommon(fieldsPerLine, DURATION_NAMES, value -> millis(value, "ms").isPresent());
    Optional<DurationField> duration = durationName.map(name -> {
      boolean suffix = fieldsPerLine.stream().map(f -> f.get(name)).filter(v -> v != null).anyMatch(v -> DURATION_WITH_UNIT.matcher(v).matches());
      String unit = name.endsWith("_seconds") || name.equals("request_time") ? "s" : "ms";
      return new DurationField(name, suffix, suffix ? "" : unit);
    });
    double[] durations = new double[fieldsPerLine.size()];
    int count = 0;
    int errors = 0;
    int withStatus = 0;
    for (Map<String, String> fields : fieldsPerLine) {
      if (status.isPresent() && fields.get(status.get()) != null && isHttpStatus(fields.get(status.get()))) {
        withStatus++;
        if (Integer.parseInt(fields.get(status.get())) >= 500) {
          errors++;
        }
      }
      if (duration.isPresent()) {
        String value = fields.get(duration.get().name());
        Optional<Double> ms = value == null ? Optional.empty() : millis(value, duration.get().hasUnitSuffix() ? "ms" : duration.get().unit());
        if (ms.isPresent()) {
          durations[count++] = ms.get();
        }
      }
    }
    return new LogSample(format, sample.size(), status, duration, sorted(durations, count), withStatus == 0 ? Double.NaN : errors / (double) withStatus);
  }

  /** The duration that {@code share} of the sampled lines stay under (nearest rank); NaN without durations. */
  public double durationQuantileMillis(double share) {
    if (durationsMillis.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(share * durationsMillis.length);
    return durationsMillis[Math.min(durationsMillis.length - 1, Math.max(0, rank - 1))];
  }

  private static double[] sorted(double[] values, int count) {
    double[] result = Arrays.copyOf(values, count);
    Arrays.sort(result);
    return result;
  }

  private static boolean isHttpStatus(String value) {
    if (value.length() != 3) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    int status = Integer.parseInt(value);
    return status >= 100 && status <= 599;
  }

  /** A duration value in milliseconds: {@code 12.3ms}, {@code 1.5s}, or a plain number in {@code plainUnit}. */
  static Optional<Double> millis(String value, String plainUnit) {
    Matcher withUnit = DURATION_WITH_UNIT.matcher(value);
    if (withUnit.matches()) {
      return Optional.of(Double.parseDouble(withUnit.group(1)) * unitMillis(withUnit.group(2)));
    }
    try {
      double number = Double.parseDouble(value);
      return Double.isFinite(number) && number >= 0 ? Optional.of(number * unitMillis(plainUnit)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static double unitMillis(String unit) {
    return switch (unit) {
      case "ns" -> 1e-6;
      case "us", "µs" -> 1e-3;
      case "s" -> 1000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> 1;
    };
  }

  private static Optional<String> mostCommon(List<Map<String, String>> lines, List<String> names, java.util.function.Predicate<String> valueFits) {
    String best = null;
    int bestCount = 0;
    for (String name : names) {
      int count = 0;
      for (Map<String, String> fields : lines) {
        String value = fields.get(name);
        if (value != null && valueFits.test(value)) {
          count++;
        }
      }
      if (count > bestCount) {
        best = name;
        bestCount = count;
      }
    }
    return bestCount * 2 >= lines.size() && best != null ? Optional.of(best) : Optional.empty();
  }

  private static Map<String, String> logfmtFields(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = LOGFMT_PAIR.matcher(line);
    while (matcher.find()) {
      String value = matcher.group(2);
      if (value.length() >= 2 && value.startsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      fields.put(matcher.group(1), value);
    }
    return fields;
  }

  /** The top-level scalar fields of a JSON object (nested objects and arrays are skipped); empty when not JSON. */
  private static Map<String, String> jsonFields(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Map.of();
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
        } else if (value != JsonToken.VALUE_NULL) {
          fields.put(name, parser.getText());
        }
      }
      return token == JsonToken.END_OBJECT ? fields : Map.of();
    } catch (IOException e) {
      return Map.of();
    }
  }

  @Override
  public String toString() {
    return "LogSample[" + format + ", " + lines + " lines, status " + statusField.orElse("-") + ", duration "
        + durationField.map(DurationField::name).orElse("-") + String.format(Locale.ROOT, ", errors %.2f%%]", errorShare * 100);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LogSample that && format == that.format && lines == that.lines && statusField.equals(that.statusField)
        && durationField.equals(that.durationField) && Arrays.equals(durationsMillis, that.durationsMillis)
        && Double.compare(errorShare, that.errorShare) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(format, lines, statusField, durationField, Arrays.hashCode(durationsMillis), errorShare);
  }
}

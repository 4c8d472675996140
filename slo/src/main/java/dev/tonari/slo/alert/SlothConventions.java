package dev.tonari.slo.alert;

import dev.tonari.slo.model.SloSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sloth's names and number spellings, in one place, so that the alert rules Tonari renders and the
 * series it exports on /metrics say exactly what Sloth's generated rules say: the same metric and
 * label names, durations spelled as Prometheus spells them ({@code 28d} is {@code 4w}), and numbers
 * spelled as Go's {@code %g} spells them ({@code 0.0009999999999999432}, not {@code 9.99E-4}).
 * Dashboards and rule files written for Sloth match Tonari's text only if these agree.
 */
public final class SlothConventions {
  /** The SLI error ratio over a window: this prefix and the window, {@code slo:sli_error:ratio_rate5m}. */
  public static final String SLI_ERROR_METRIC_PREFIX = "slo:sli_error:ratio_rate";
  public static final String ID_LABEL = "sloth_id";
  public static final String SERVICE_LABEL = "sloth_service";
  public static final String SLO_LABEL = "sloth_slo";
  public static final String WINDOW_LABEL = "sloth_window";
  public static final String SEVERITY_LABEL = "sloth_severity";
  public static final String VERSION_LABEL = "sloth_version";
  public static final String MODE_LABEL = "sloth_mode";
  public static final String SPEC_LABEL = "sloth_spec";
  public static final String OBJECTIVE_LABEL = "sloth_objective";

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private SlothConventions() {}

  /** The labels that name an SLO on every Sloth series: {@code sloth_id}, {@code sloth_service}, {@code sloth_slo}. */
  public static Map<String, String> idLabels(SloSpec spec) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(ID_LABEL, spec.id());
    labels.put(SERVICE_LABEL, spec.service());
    labels.put(SLO_LABEL, spec.name());
    return java.util.Collections.unmodifiableMap(labels);
  }

  /** {@code slo:sli_error:ratio_rate<window>} with the window spelled as Prometheus does. */
  public static String sliErrorMetric(Duration window) {
    return SLI_ERROR_METRIC_PREFIX + promDuration(window);
  }

  /**
   * A duration as Prometheus prints one (and so as Sloth names its series): years and weeks only
   * when they divide the duration exactly, then days, hours, minutes, seconds, milliseconds. So
   * 30 days is {@code 30d}, 28 days {@code 4w}, 90 minutes {@code 1h30m}.
   */
  public static String promDuration(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 0) {
      throw new IllegalArgumentException("a Prometheus duration cannot be negative, got " + duration);
    }
    if (millis == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long rest = millis;
    long year = 365 * MILLIS_PER_DAY;
    long week = 7 * MILLIS_PER_DAY;
    if (rest % year == 0) {
      text.append(rest / year).append('y');
      rest = 0;
    }
    if (rest > 0 && rest % week == 0) {
      text.append(rest / week).append('w');
      rest = 0;
    }
    long[] units = {MILLIS_PER_DAY, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length && rest > 0; i++) {
      long count = rest / units[i];
      if (count > 0) {
        text.append(count).append(names[i]);
        rest -= count * units[i];
      }
    }
    return text.toString();
  }

  /**
   * The objective in percent, as written in a Sloth file (99.9). The model holds a ratio; this
   * recovers the percent a person wrote, rounded to 12 significant digits so that both
   * {@code 0.999} and {@code 99.9 / 100} give back 99.9.
   */
  public static double objectivePercent(double target) {
    return new BigDecimal(target * 100).round(new MathContext(12)).doubleValue();
  }

  /** Sloth's {@code slo:objective:ratio}: the percent over 100 (99.9 gives 0.9990000000000001). */
  public static double objectiveRatio(double target) {
    return objectivePercent(target) / 100;
  }

  /** Sloth's {@code slo:error_budget:ratio}: {@code 1 - slo:objective:ratio}. */
  public static double errorBudgetRatio(double target) {
    return 1 - objectiveRatio(target);
  }

  /** The error budget in Sloth's alert expressions: {@code (100 - percent) / 100} (99.9 gives 0.0009999999999999432). */
  public static double alertErrorBudgetRatio(double target) {
    return (100 - objectivePercent(target)) / 100;
  }

  /** Sloth's {@code sloth_objective} label: the percent in plain decimals ({@code 99.9}, {@code 100}). */
  public static String objectiveLabel(double target) {
    return plainDecimal(objectivePercent(target));
  }

  /**
   * A number as Go's {@code %g} (and {@code %v}) prints a float64: the shortest digits that read
   * back as the same double, in plain decimals when the decimal exponent is in [-4, 6), otherwise
   * as {@code d.ddde±XX}. {@code NaN} and infinities as Prometheus reads them.
   */
  public static String goFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return (1 / value) < 0 ? "-0" : "0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    int exponent = shortest.precision() - shortest.scale() - 1;
    if (exponent < -4 || exponent >= 6) {
      String digits = shortest.unscaledValue().abs().toString();
      StringBuilder text = new StringBuilder();
      if (value < 0) {
        text.append('-');
      }
      text.append(digits.charAt(0));
      if (digits.length() > 1) {
        text.append('.').append(digits, 1, digits.length());
      }
      text.append('e').append(exponent < 0 ? '-' : '+');
      int magnitude = Math.abs(exponent);
      if (magnitude < 10) {
        text.append('0');
      }
      return text.append(magnitude).toString();
    }
    return shortest.toPlainString();
  }

  /** A number as Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent. */
  public static String plainDecimal(double value) {
    if (!Double.isFinite(value)) {
      return goFloat(value);
    }
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  /**
   * A PromQL label matcher set as Sloth writes it (Prometheus' {@code LabelSet.String()}): names
   * sorted, {@code name="value"} joined by {@code ", "}, values quoted with backslash escapes.
   */
  public static String promqlSelector(Map<String, String> labels) {
    StringBuilder text = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
      if (!first) {
        text.append(", ");
      }
      first = false;
      text.append(label.getKey()).append("=\"");
      appendEscaped(text, label.getValue());
      text.append('"');
    }
    return text.append('}').toString();
  }

  /** Backslash-escapes {@code \}, {@code "} and newline, as both PromQL strings and the text exposition format need. */
  public static void appendEscaped(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}

package dev.tonari.slo.model;

import com.google.re2j.Pattern;
import java.util.Objects;
import java.util.Optional;

/**
 * One query of an indicator.
 *
 * @param language LogQL over the tenant's own logs, or PromQL against a Prometheus-compatible API
 * @param template the query text with {@code {{.window}}} where the range goes
 * @param dataSource the OpenSLO {@code DataSource} name for PromQL; empty for the tenant's default
 */
public record SliQuery(QueryLanguage language, String template, Optional<String> dataSource) {
  private static final Pattern WINDOW_TEMPLATE = Pattern.compile("\\{\\{\\s*\\.window\\s*\\}\\}");

  public static final String WINDOW_PLACEHOLDER = "{{.window}}";

  public SliQuery {
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(dataSource, "dataSource");
  }

  public static SliQuery logql(String template) {
    return new SliQuery(QueryLanguage.LOGQL, template, Optional.empty());
  }

  public static SliQuery promql(String template, Optional<String> dataSource) {
    return new SliQuery(QueryLanguage.PROMQL, template, dataSource);
  }

  /**
   * The query for one range, as Sloth renders it: every {@code {{.window}}} (also spelled
   * {@code {{ .window }}}) becomes the range in Prometheus duration syntax ({@code 5m}, {@code 1h}).
   */
  public String render(String range) {
    return WINDOW_TEMPLATE.matcher(template).replaceAll(com.google.re2j.Matcher.quoteReplacement(range));
  }

  /** Whether the template holds the window placeholder in any spacing. */
  public boolean hasWindowPlaceholder() {
    return WINDOW_TEMPLATE.matcher(template).find();
  }

  public enum QueryLanguage {
    LOGQL,
    PROMQL
  }
}

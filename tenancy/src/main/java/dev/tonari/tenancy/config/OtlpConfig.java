package dev.tonari.tenancy.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's {@code otlp_config}, as Loki's {@code limits_config.otlp_config}: which OTLP
 * attributes become index labels, structured metadata, or are dropped. Rules are tried in order
 * and the first that names an attribute (or whose regex matches its whole name) decides; for
 * resource attributes Loki's default index labels come first unless {@code ignoreDefaults}.
 * Attributes no rule decides are structured metadata.
 */
public record OtlpConfig(boolean ignoreDefaults, List<AttributeRule> resourceAttributes, List<AttributeRule> scopeAttributes,
    List<AttributeRule> logAttributes) {

  public OtlpConfig {
    resourceAttributes = List.copyOf(resourceAttributes);
    scopeAttributes = List.copyOf(scopeAttributes);
    logAttributes = List.copyOf(logAttributes);
  }

  /** Loki's default: the default resource attributes as index labels, the rest structured metadata. */
  public static OtlpConfig defaults() {
    return new OtlpConfig(false, List.of(), List.of(), List.of());
  }

  /** {@code index_label}, {@code structured_metadata} or {@code drop}, as written in the file. */
  public enum Action {
    INDEX_LABEL("index_label"), STRUCTURED_METADATA("structured_metadata"), DROP("drop");

    private final String text;

    Action(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    public static Optional<Action> parse(String text) {
      for (Action action : values()) {
        if (action.text.equals(text)) {
          return Optional.of(action);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * One {@code attributes_config} entry.
   *
   * @param regex a Java/RE2-compatible regular expression that must match the whole attribute name
   */
  public record AttributeRule(Action action, List<String> attributes, Optional<String> regex) {
    public AttributeRule {
      Objects.requireNonNull(action, "action");
      attributes = List.copyOf(attributes);
      Objects.requireNonNull(regex, "regex");
    }
  }
}

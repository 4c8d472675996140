package dev.tonari.ingest.otlp;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import com.google.re2j.Pattern;

/**
 * Where each OTLP attribute goes, as Loki's {@code limits_config.otlp_config}: per attribute, the
 * first rule that names it or whose regex matches it (whole name) decides; for resource attributes
 * the default index labels come first unless {@code ignoreDefaults}; an attribute no rule decides
 * is structured metadata.
 *
 * @param serviceNameSources Loki's {@code discover_service_name}, used when {@code service.name} is absent
 */
public record OtlpMapping(boolean ignoreDefaults, List<Rule> resourceAttributes, List<Rule> scopeAttributes, List<Rule> logAttributes,
    List<String> serviceNameSources) {

  /** Loki's {@code default_resource_attributes_as_index_labels}. */
  public static final List<String> DEFAULT_INDEX_LABELS = List.of("service.name", "service.namespace", "service.instance.id",
      "deployment.environment", "deployment.environment.name", "cloud.region", "cloud.availability_zone", "k8s.cluster.name",
      "k8s.namespace.name", "k8s.pod.name", "k8s.container.name", "container.name", "k8s.replicaset.name", "k8s.deployment.name",
      "k8s.statefulset.name", "k8s.daemonset.name", "k8s.cronjob.name", "k8s.job.name");

  private static final Rule DEFAULT_RULE = new Rule(Action.INDEX_LABEL, Set.copyOf(DEFAULT_INDEX_LABELS), Optional.empty());

  public OtlpMapping {
    resourceAttributes = List.copyOf(resourceAttributes);
    scopeAttributes = List.copyOf(scopeAttributes);
    logAttributes = List.copyOf(logAttributes);
    serviceNameSources = List.copyOf(serviceNameSources);
  }

  /** Loki's defaults: the default index labels, everything else structured metadata. */
  public static OtlpMapping defaults(List<String> serviceNameSources) {
    return new OtlpMapping(false, List.of(), List.of(), List.of(), serviceNameSources);
  }

  /** {@code index_label}, {@code structured_metadata} or {@code drop}. */
  public enum Action {
    INDEX_LABEL, STRUCTURED_METADATA, DROP
  }

  /** One {@code attributes_config} entry: names and/or a regex that must match the whole name. */
  public record Rule(Action action, Set<String> attributes, Optional<Pattern> regex) {
    public Rule {
      attributes = Set.copyOf(attributes);
    }

    boolean matches(String name) {
      return attributes.contains(name) || (regex.isPresent() && regex.get().matcher(name).matches());
    }
  }

  Action forResource(String name) {
    if (!ignoreDefaults && DEFAULT_RULE.matches(name)) {
      return Action.INDEX_LABEL;
    }
    return first(resourceAttributes, name);
  }

  Action forScope(String name) {
    return first(scopeAttributes, name);
  }

  Action forLog(String name) {
    return first(logAttributes, name);
  }

  private static Action first(List<Rule> rules, String name) {
    for (Rule rule : rules) {
      if (rule.matches(name)) {
        return rule.action();
      }
    }
    return Action.STRUCTURED_METADATA;
  }
}

package dev.tonari.tenancy.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes the streams of a shared agent's push to tenants by one label's value, for example {@code
 * namespace}: {@code map} gives the tenant of each known value; other values (and streams without
 * the label) go to {@code defaultTenant}, or are refused when it is empty ({@code default_tenant:
 * reject} or absent in the file).
 */
public record RoutingRule(String label, Map<String, String> map, Optional<String> defaultTenant) {
  /** The {@code default_tenant} value that refuses unmapped streams instead of routing them. */
  public static final String REJECT = "reject";

  public RoutingRule {
    Objects.requireNonNull(label, "label");
    map = Map.copyOf(map);
    Objects.requireNonNull(defaultTenant, "defaultTenant");
  }

  /** Where one stream goes, given the value of the routing label (null when absent). */
  public Decision route(String labelValue) {
    if (labelValue != null) {
      String tenant = map.get(labelValue);
      if (tenant != null) {
        return new Decision.Routed(tenant);
      }
    }
    if (defaultTenant.isPresent()) {
      return new Decision.Routed(defaultTenant.get());
    }
    String what = labelValue == null ? "stream has no label '" + label + "'" : "label " + label + "=\"" + labelValue + "\" is not routed to any tenant";
    return new Decision.Refused(what + " and routing has no default_tenant (unrouted streams are rejected)");
  }

  /** The result of {@link #route(String)}. */
  public sealed interface Decision {
    record Routed(String tenant) implements Decision {}

    /** Refused with a message naming the label and the value; the server answers 400. */
    record Refused(String message) implements Decision {}
  }
}

package dev.tonari.tenancy.auth;

/**
 * What a request does, as far as authorization cares. Read actions may span several tenants
 * (Loki's {@code X-Scope-OrgID: a|b}); the others act on exactly one tenant or on none.
 */
public enum Action {
  PUSH("push", Scope.ONE_TENANT),
  QUERY("query", Scope.TENANTS),
  TAIL("tail", Scope.TENANTS),
  LABELS("labels", Scope.TENANTS),
  SERIES("series", Scope.TENANTS),
  USAGE_OWN("usage-own", Scope.TENANTS),
  USAGE_ALL("usage-all", Scope.NO_TENANT),
  MANAGE_TOKENS_OWN("manage-tokens-own", Scope.ONE_TENANT),
  MANAGE_TOKENS_ALL("manage-tokens-all", Scope.NO_TENANT),
  /** Read the tenant's SLOs, their status and reports. */
  SLO_READ("slo-read", Scope.ONE_TENANT),
  /** Create, replace and delete the tenant's SLOs through the API. */
  SLO_WRITE("slo-write", Scope.ONE_TENANT),
  /** Read the tenant's rule groups through Loki's rules API ({@code GET /loki/api/v1/rules...}). */
  RULES_READ("rules-read", Scope.ONE_TENANT),
  /** Create, replace and delete the tenant's rule groups through Loki's rules API. */
  RULES_WRITE("rules-write", Scope.ONE_TENANT),
  /** Read the tenant's alert history, its alert episodes and toil figures. */
  ALERTS_READ("alerts-read", Scope.ONE_TENANT),
  /** Acknowledge the tenant's alert episodes. */
  ALERTS_WRITE("alerts-write", Scope.ONE_TENANT),
  MANAGE_CONFIG("manage-config", Scope.NO_TENANT),
  READ_AUDIT("read-audit", Scope.NO_TENANT);

  /** How many tenants a request of this action names. */
  public enum Scope {
    ONE_TENANT,
    TENANTS,
    NO_TENANT
  }

  private final String text;
  private final Scope scope;

  Action(String text, Scope scope) {
    this.text = text;
    this.scope = scope;
  }

  /** The name used in messages and the audit log, e.g. {@code usage-own}. */
  public String text() {
    return text;
  }

  public Scope scope() {
    return scope;
  }
}

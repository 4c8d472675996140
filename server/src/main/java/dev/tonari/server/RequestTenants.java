package dev.tonari.server;

import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.config.TenantIds;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * The tenants and the principal of a request, as {@link TenantGate} resolved them before the
 * handler ran; every handler of the Loki and Tonari APIs reads its tenant here and nowhere else, so
 * that switching authentication on changes no handler.
 *
 * <p>{@link #tenantOf} returns one tenant ID, or several joined with {@code |} for a multi-tenant
 * read: the form Loki passes to its queriers, which {@link MultiTenantQuery} understands. A request
 * that did not pass the gate has no tenant: that is a wiring bug, answered 500, never a fallback to
 * the header (which would bypass authentication).
 */
public final class RequestTenants {
  static final String TENANTS_ATTRIBUTE = "tonari.tenants";
  static final String PRINCIPAL_ATTRIBUTE = "tonari.principal";
  /** The header Loki and its clients name the tenant with. */
  public static final String HEADER = "X-Scope-OrgID";
  /** Separates tenants in a multi-tenant {@code X-Scope-OrgID}, as in Loki. */
  public static final String SEPARATOR = "|";

  private RequestTenants() {}

  /**
   * The tenant of a request: one ID, or {@code a|b} for a multi-tenant read.
   *
   * @throws InvalidTenantException never for gated routes (the gate answered 400 already); kept so
   *     handlers answer 400 rather than 500 if a tenant ever arrives unchecked
   */
  public static String tenantOf(Context ctx) throws InvalidTenantException {
    List<String> tenants = tenantsOf(ctx);
    for (String tenant : tenants) {
      Optional<String> problem = TenantIds.problem(tenant);
      if (problem.isPresent()) {
        throw new InvalidTenantException(problem.get());
      }
    }
    return String.join(SEPARATOR, tenants);
  }

  /** The tenants of a request, in header order; empty for routes that name no tenant (admin API). */
  public static List<String> tenantsOf(Context ctx) {
    List<String> tenants = ctx.attribute(TENANTS_ATTRIBUTE);
    if (tenants == null) {
      throw new IllegalStateException(ctx.method() + " " + ctx.path() + " did not pass the tenant gate; this route is not wired for tenants");
    }
    return tenants;
  }

  /** Who made the request: the token's principal, or {@link Principal#singleUser()} with auth off. */
  public static Principal principalOf(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
    if (principal == null) {
      throw new IllegalStateException(ctx.method() + " " + ctx.path() + " did not pass the tenant gate; it has no principal");
    }
    return principal;
  }

  /** Splits a tenant spec as {@link #tenantOf} returns it. */
  public static List<String> split(String tenantSpec) {
    return TenantIds.splitMultiTenant(tenantSpec);
  }

  static void set(Context ctx, Principal principal, List<String> tenants) {
    ctx.attribute(PRINCIPAL_ATTRIBUTE, principal);
    ctx.attribute(TENANTS_ATTRIBUTE, List.copyOf(tenants));
  }

  /** A tenant ID that Loki's rules refuse; the message is Loki's. */
  public static final class InvalidTenantException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidTenantException(String message) {
      super(message);
    }
  }
}

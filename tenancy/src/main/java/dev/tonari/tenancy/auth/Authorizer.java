package dev.tonari.tenancy.auth;

import dev.tonari.tenancy.config.TenantIds;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a principal may perform an action, and on which tenants. The tenant comes from
 * the token; {@code X-Scope-OrgID} may only narrow it to tenants the token holds (several with
 * Loki's {@code a|b} for read actions). No principal is 401, a principal without the right is 403,
 * a malformed or ambiguous tenant header is 400. Stateless and thread-safe.
 */
public final class Authorizer {
  private Authorizer() {}

  /** The outcome: the tenants to act on, or an HTTP status and a message for the client. */
  public sealed interface Decision {
    /** Allowed on these tenants, in header order (empty for actions that name no tenant). */
    record Allowed(Principal principal, List<String> tenants) implements Decision {}

    record Refused(int status, String message) implements Decision {}
  }

  /**
   * @param principal empty when the request carried no credentials or bad ones
   * @param scopeOrgId the raw {@code X-Scope-OrgID} header, empty when absent or blank
   */
  public static Decision authorize(Optional<Principal> principal, Action action, Optional<String> scopeOrgId) {
    if (principal.isEmpty()) {
      return new Decision.Refused(401, "authentication required: send Authorization: Bearer <token>, or HTTP Basic with the tenant as user and the token as password");
    }
    Principal who = principal.get();
    if (!who.role().allows(action)) {
      return new Decision.Refused(403, "token '" + who.name() + "' has role " + who.role().text() + ", which may not " + action.text());
    }
    if (action.scope() == Action.Scope.NO_TENANT) {
      return new Decision.Allowed(who, List.of());
    }
    Optional<String> header = scopeOrgId.map(String::trim).filter(value -> !value.isEmpty());
    List<String> tenants;
    if (header.isPresent()) {
      try {
        tenants = TenantIds.splitMultiTenant(header.get());
      } catch (IllegalArgumentException e) {
        return new Decision.Refused(400, "invalid X-Scope-OrgID: " + e.getMessage());
      }
      for (String tenant : tenants) {
        if (!who.holds(tenant)) {
          return new Decision.Refused(403, "token '" + who.name() + "' is not granted tenant '" + tenant + "' (granted: " + granted(who) + ")");
        }
      }
    } else if (who.holdsAllTenants()) {
      return new Decision.Refused(400, "X-Scope-OrgID is required: token '" + who.name() + "' holds every tenant; name one"
          + (action.scope() == Action.Scope.TENANTS ? " or several as a|b" : ""));
    } else {
      tenants = List.copyOf(new TreeSet<>(who.tenants()));
    }
    if (action.scope() == Action.Scope.ONE_TENANT && tenants.size() != 1) {
      return new Decision.Refused(400, action.text() + " acts on exactly one tenant: token '" + who.name() + "' holds " + granted(who)
          + "; name one with X-Scope-OrgID");
    }
    return new Decision.Allowed(who, tenants);
  }

  /**
   * Whether {@code who} may create or revoke a token with this role and these tenants: admins
   * manage every token; tenant admins manage writer, reader and tenant-admin tokens of tenants they
   * hold, never admin tokens.
   */
  public static Decision mayManageToken(Principal who, Role role, Set<String> tenants) {
    if (who.role().allows(Action.MANAGE_TOKENS_ALL)) {
      return new Decision.Allowed(who, List.copyOf(new TreeSet<>(tenants)));
    }
    if (!who.role().allows(Action.MANAGE_TOKENS_OWN)) {
      return new Decision.Refused(403, "token '" + who.name() + "' has role " + who.role().text() + ", which may not manage tokens");
    }
    if (role == Role.ADMIN) {
      return new Decision.Refused(403, "token '" + who.name() + "' is a tenant-admin and may not manage admin tokens");
    }
    for (String tenant : tenants) {
      if (!who.holds(tenant)) {
        return new Decision.Refused(403, "token '" + who.name() + "' is not granted tenant '" + tenant + "' (granted: " + granted(who) + ")");
      }
    }
    return new Decision.Allowed(who, List.copyOf(new TreeSet<>(tenants)));
  }

  private static String granted(Principal who) {
    return who.holdsAllTenants() ? "every tenant" : String.join(", ", new TreeSet<>(who.tenants()));
  }
}

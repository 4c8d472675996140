package dev.tonari.tenancy.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who a request is: the token that authenticated it (id and name, for the audit log), its role,
 * and the tenants it was granted ({@code *} means every tenant, for admins).
 */
public record Principal(String tokenId, String name, Role role, Set<String> tenants) {
  public static final String ALL_TENANTS = "*";

  public Principal {
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    tenants = Set.copyOf(tenants);
  }

  /**
   * The principal of every request when auth is switched off (single-user setup): an admin of
   * every tenant, named {@code anonymous}.
   */
  public static Principal singleUser() {
    return new Principal("-", "anonymous", Role.ADMIN, Set.of(ALL_TENANTS));
  }

  public boolean holdsAllTenants() {
    return tenants.contains(ALL_TENANTS);
  }

  public boolean holds(String tenant) {
    return holdsAllTenants() || tenants.contains(tenant);
  }
}

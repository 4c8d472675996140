package dev.tonari.tenancy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tenant IDs as Loki accepts them: 1 to 150 characters out of {@code [a-zA-Z0-9!-_.*'()]}, and
 * neither {@code .} nor {@code ..}, because a tenant ID names a directory on disk and an object
 * store prefix. {@code |} separates tenants in a multi-tenant {@code X-Scope-OrgID}, as in Loki.
 */
public final class TenantIds {
  public static final int MAX_LENGTH = 150;
  /** The tenant of every request when authentication is off, as in Loki. */
  public static final String SINGLE_USER_TENANT = "fake";

  private TenantIds() {}

  /** Why a tenant ID is refused, in Loki's words, or empty when it is valid. */
  public static Optional<String> problem(String tenant) {
    if (tenant == null || tenant.isEmpty()) {
      return Optional.of("tenant ID is empty");
    }
    if (tenant.length() > MAX_LENGTH) {
      return Optional.of("tenant ID is too long: max " + MAX_LENGTH + " characters");
    }
    if (tenant.equals(".") || tenant.equals("..")) {
      return Optional.of("tenant ID is '.' or '..'");
    }
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      if (!isAllowed(c)) {
        return Optional.of("tenant ID '" + tenant + "' contains unsupported character '" + c + "'");
      }
    }
    return Optional.empty();
  }

  public static boolean isValid(String tenant) {
    return problem(tenant).isEmpty();
  }

  /**
   * Splits a multi-tenant header value {@code a|b} into its tenants, in order, without duplicates.
   *
   * @throws IllegalArgumentException with Loki's message for the first invalid tenant
   */
  public static List<String> splitMultiTenant(String header) {
    List<String> tenants = new ArrayList<>();
    for (String part : header.trim().split("\\|", -1)) {
      String tenant = part.trim();
      Optional<String> problem = problem(tenant);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(problem.get());
      }
      if (!tenants.contains(tenant)) {
        tenants.add(tenant);
      }
    }
    return List.copyOf(tenants);
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '!'
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '*'
        || c == '\''
        || c == '('
        || c == ')';
  }
}

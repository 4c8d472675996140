package dev.tonari.server;

/**
 * Tenant IDs as Loki accepts them in {@code X-Scope-OrgID}: 1 to 150 characters out of {@code
 * [a-zA-Z0-9!-_.*'()]}, and neither {@code .} nor {@code ..} (they would name directories). Without
 * the header the tenant is {@code fake}, as Loki does when auth is disabled.
 */
public final class TenantIds {
  public static final String DEFAULT_TENANT = "fake";
  public static final int MAX_LENGTH = 150;

  private TenantIds() {}

  /** The tenant of a request, given the raw header value (null or blank when absent). */
  public static String fromHeader(String header) throws InvalidTenantException {
    if (header == null || header.isBlank()) {
      return DEFAULT_TENANT;
    }
    String tenant = header.trim();
    String problem = problem(tenant);
    if (problem != null) {
      throw new InvalidTenantException(problem);
    }
    return tenant;
  }

  /** Why a tenant ID is refused, in Loki's words, or null when it is valid. */
  public static String problem(String tenant) {
    if (tenant.length() > MAX_LENGTH) {
      return "tenant ID is too long: max " + MAX_LENGTH + " characters";
    }
    if (tenant.equals(".") || tenant.equals("..")) {
      return "tenant ID is '.' or '..'";
    }
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      if (!isAllowed(c)) {
        return "tenant ID '" + tenant + "' contains unsupported character '" + c + "'";
      }
    }
    return null;
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

  /** A refused {@code X-Scope-OrgID}; the message is Loki's. */
  public static final class InvalidTenantException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTenantException(String message) {
      super(message);
    }
  }
}

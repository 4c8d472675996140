package dev.tonari.cluster.ruler;

import java.nio.charset.StandardCharsets;

/**
 * Names of the ruler's entries in the catalog. Every variable part is escaped so that {@code /}
 * separates parts only: bytes other than {@code A-Z a-z 0-9 - _ . : @} become {@code %XX}, which
 * is one to one, so two tenants, groups or SLOs never share an entry.
 */
final class CatalogKeys {
  private CatalogKeys() {}

  /** The lease whose holder evaluates the tenant's rules and SLOs. */
  static String lease(String tenant) {
    return "ruler/" + escape(tenant);
  }

  static String alertState(String tenant, String namespace, String group) {
    return "ruler/alert-state/" + escape(tenant) + "/" + escape(namespace) + "/" + escape(group);
  }

  static String sloProgress(String tenant) {
    return "ruler/slo-progress/" + escape(tenant);
  }

  static String sloRollup(String tenant, String name) {
    return "ruler/slo-rollup/" + escape(tenant) + "/" + name;
  }

  static String escape(String part) {
    StringBuilder escaped = new StringBuilder(part.length());
    for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':' || c == '@') {
        escaped.append(c);
      } else {
        escaped.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16))).append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return escaped.toString();
  }
}

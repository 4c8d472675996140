package dev.tonari.tenancy.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A token as stored: never its secret, only the SHA-256 of it.
 *
 * @param id public part of the token text, unique
 * @param name unique among tokens that are not revoked; for people and the audit log
 * @param secretSha256 lowercase hex SHA-256 of the 32 secret bytes
 * @param tenants granted tenants, or {@code ["*"]} for admins
 */
public record TokenRecord(String id, String name, String secretSha256, List<String> tenants, Role role, Instant created,
    Optional<Instant> expires, Optional<Instant> revoked) {
  public TokenRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(secretSha256, "secretSha256");
    tenants = List.copyOf(tenants);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(revoked, "revoked");
  }

  public boolean isActive(Instant now) {
    return revoked.isEmpty() && (expires.isEmpty() || now.isBefore(expires.get()));
  }

  TokenRecord withRevoked(Instant when) {
    return new TokenRecord(id, name, secretSha256, tenants, role, created, expires, Optional.of(when));
  }

  Principal principal() {
    return new Principal(id, name, role, java.util.Set.copyOf(tenants));
  }
}

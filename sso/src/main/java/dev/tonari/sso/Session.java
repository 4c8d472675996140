package dev.tonari.sso;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A person signed in through the identity provider: who they are, the groups the provider listed,
 * the CSRF token their browser must echo on every state change, and when the sign-in ends. The
 * groups are kept, not the rights: rights are computed from the tenants file at each request, so
 * a change to the {@code sso} section applies to sessions already open.
 *
 * @param subject the provider's stable ID of the person ({@code sub})
 * @param name a display name: {@code name}, else {@code preferred_username}, else {@code email}, else the subject
 * @param email the {@code email} claim, or empty
 * @param idToken the raw ID token, kept only as {@code id_token_hint} for signing out at the provider
 */
public record Session(String subject, String name, String email, List<String> groups, String csrfToken, Instant expiresAt, String idToken) {
  public Session {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(email, "email");
    groups = List.copyOf(groups);
    Objects.requireNonNull(csrfToken, "csrfToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(idToken, "idToken");
  }

  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    // Never print the ID token or the CSRF token into a log.
    return "Session[subject=" + subject + ", name=" + name + ", groups=" + groups + ", expiresAt=" + expiresAt + "]";
  }
}

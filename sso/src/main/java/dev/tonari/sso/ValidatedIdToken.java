package dev.tonari.sso;

import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import java.util.ArrayList;
import java.util.List;

/** An ID token that passed validation, and the claims Tonari reads from it. */
public record ValidatedIdToken(String serialized, IDTokenClaimsSet claims) {
  public String subject() {
    return claims.getSubject().getValue();
  }

  /** {@code name}, else {@code preferred_username}, else {@code email}, else the subject. */
  public String displayName() {
    for (String claim : List.of("name", "preferred_username", "email")) {
      String value = claims.getStringClaim(claim);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return subject();
  }

  public String email() {
    String email = claims.getStringClaim("email");
    return email == null ? "" : email;
  }

  /**
   * The groups in the named claim: a JSON array of strings, or one string (some providers send a
   * single group so); anything else counts as no groups.
   */
  public List<String> groups(String claim) {
    Object value = claims.getClaim(claim);
    List<String> groups = new ArrayList<>();
    if (value instanceof String single) {
      groups.add(single);
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof String group) {
          groups.add(group);
        }
      }
    }
    return groups;
  }

  @Override
  public String toString() {
    return "ValidatedIdToken[sub=" + subject() + "]";
  }
}

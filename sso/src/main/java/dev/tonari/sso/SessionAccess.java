package dev.tonari.sso;

import dev.tonari.tenancy.auth.GroupMapping;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.auth.Role;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a signed-in person may do on one request: the {@link Principal} their groups grant for the
 * tenants the request names, or a refusal that says why.
 *
 * <p>A principal has one role, and a person may hold different roles on different tenants. The
 * UI names the tenant it shows in {@code X-Scope-OrgID}, so the principal carries that tenant's
 * role; a request naming several tenants, or none, gets the weakest role among them, so that a
 * reader of one tenant never acts as the admin of another by naming both.
 */
public sealed interface SessionAccess {
  record Granted(Principal principal) implements SessionAccess {}

  record Denied(int status, String message) implements SessionAccess {}

  /** The access a session has on the named tenants (empty: every tenant it holds). */
  static SessionAccess of(Session session, GroupMapping mapping, List<String> named) {
    Map<String, Role> grants = mapping.grantsFor(session.groups());
    String who = "'" + session.name() + "'";
    if (grants.isEmpty()) {
      return new Denied(403, "signed in as " + who + ", but none of your groups " + session.groups()
          + " grants a tenant: the tenants file's sso.groups maps groups to tenants and roles; ask the platform team to add yours");
    }
    String principalId = "sso:" + session.subject();
    if (grants.get(Principal.ALL_TENANTS) == Role.ADMIN) {
      return new Granted(new Principal(principalId, session.name(), Role.ADMIN, Set.of(Principal.ALL_TENANTS)));
    }
    Collection<String> tenants = named.isEmpty() ? grants.keySet() : named;
    Role weakest = null;
    Set<String> held = new LinkedHashSet<>();
    for (String tenant : tenants) {
      Role role = grants.get(tenant);
      if (role == null) {
        return new Denied(403, who + " is not granted tenant '" + tenant + "' by any of the groups " + session.groups()
            + "; the tenants you hold: " + String.join(", ", grants.keySet()));
      }
      weakest = weakest == null ? role : weaker(weakest, role);
      held.add(tenant);
    }
    return new Granted(new Principal(principalId, session.name(), weakest, held));
  }

  private static Role weaker(Role first, Role second) {
    Set<dev.tonari.tenancy.auth.Action> firstActions = first.actions();
    // The role whose actions the other's include is the weaker; between writer and reader (neither
    // includes the other) there is no safe single role, so the person acts as a reader.
    if (second.actions().containsAll(firstActions)) {
      return first;
    }
    if (firstActions.containsAll(second.actions())) {
      return second;
    }
    return Role.READER;
  }
}

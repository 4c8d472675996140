package dev.tonari.tenancy.auth;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which tenants and roles a person signed in through single sign-on holds, from the groups their
 * identity provider puts in a claim of the ID token: the tenants file's {@code sso} section.
 *
 * <pre>
 * sso:
 *   groups_claim: groups                       # the claim that lists the groups (default groups)
 *   groups:
 *     team-payments-admins: {payments: tenant-admin}
 *     team-payments:        {payments: reader}
 *     platform-sre:         {"*": admin}       # every tenant: admins only
 * </pre>
 *
 * <p>A person in several groups holds the union; for a tenant named by more than one group the
 * strongest role wins ({@code admin} over {@code tenant-admin} over {@code reader} over {@code
 * writer}), so adding someone to a reader group never takes rights away.
 *
 * @param groupsClaim the ID-token claim that holds the groups: a list of strings, or one string
 * @param groups group name to (tenant ID or {@code *}) to role
 */
public record GroupMapping(String groupsClaim, Map<String, Map<String, Role>> groups) {
  public static final String DEFAULT_GROUPS_CLAIM = "groups";

  public GroupMapping {
    Objects.requireNonNull(groupsClaim, "groupsClaim");
    Map<String, Map<String, Role>> copy = new LinkedHashMap<>();
    groups.forEach((group, grants) -> copy.put(group, Map.copyOf(grants)));
    groups = Map.copyOf(copy);
  }

  /** No {@code sso} section: nobody gets anything through groups. */
  public static GroupMapping none() {
    return new GroupMapping(DEFAULT_GROUPS_CLAIM, Map.of());
  }

  public boolean isEmpty() {
    return groups.isEmpty();
  }

  /** Tenant (or {@code *}) to the strongest role any of the groups grants there, in tenant order. */
  public Map<String, Role> grantsFor(Collection<String> memberOf) {
    Map<String, Role> grants = new TreeMap<>();
    for (String group : memberOf) {
      Map<String, Role> granted = groups.get(group);
      if (granted == null) {
        continue;
      }
      granted.forEach((tenant, role) -> grants.merge(tenant, role, GroupMapping::stronger));
    }
    return grants;
  }

  /** The role that allows more: admin, then tenant-admin, then reader, then writer. */
  static Role stronger(Role first, Role second) {
    return strength(first) >= strength(second) ? first : second;
  }

  private static int strength(Role role) {
    return switch (role) {
      case ADMIN -> 3;
      case TENANT_ADMIN -> 2;
      case READER -> 1;
      case WRITER -> 0;
    };
  }
}

package dev.tonari.tenancy.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a token may do. {@code admin} is the platform team (every tenant, configuration, everyone's
 * usage and tokens, the audit log); {@code tenant-admin} runs its own tenants (their data, usage
 * and tokens, never admin tokens); {@code writer} pushes; {@code reader} reads and sees its
 * tenants' usage, SLOs, rule groups and alert history. Only admins and tenant admins change SLOs and
 * rule groups and acknowledge alerts.
 */
public enum Role {
  ADMIN("admin", EnumSet.allOf(Action.class)),
  TENANT_ADMIN("tenant-admin", EnumSet.of(Action.PUSH, Action.QUERY, Action.TAIL, Action.LABELS, Action.SERIES, Action.USAGE_OWN,
      Action.MANAGE_TOKENS_OWN, Action.SLO_READ, Action.SLO_WRITE, Action.RULES_READ, Action.RULES_WRITE, Action.ALERTS_READ,
      Action.ALERTS_WRITE)),
  WRITER("writer", EnumSet.of(Action.PUSH)),
  READER("reader", EnumSet.of(Action.QUERY, Action.TAIL, Action.LABELS, Action.SERIES, Action.USAGE_OWN, Action.SLO_READ, Action.RULES_READ,
      Action.ALERTS_READ));

  private final String text;
  private final Set<Action> actions;

  Role(String text, Set<Action> actions) {
    this.text = text;
    this.actions = actions;
  }

  public String text() {
    return text;
  }

  public boolean allows(Action action) {
    return actions.contains(action);
  }

  public Set<Action> actions() {
    return EnumSet.copyOf(actions);
  }

  /**
   * @throws IllegalArgumentException naming the accepted roles
   */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.text.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown role '" + text + "': expected admin, tenant-admin, writer or reader");
  }
}

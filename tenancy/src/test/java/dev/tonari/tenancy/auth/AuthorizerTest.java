package dev.tonari.tenancy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.auth.Authorizer.Decision;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
  private static final Principal ADMIN = new Principal("i0", "ops", Role.ADMIN, Set.of("*"));
  private static final Principal TEAM_ADMIN = new Principal("i1", "lead", Role.TENANT_ADMIN, Set.of("a"));
  private static final Principal WRITER_AB = new Principal("i2", "agent", Role.WRITER, Set.of("a", "b"));
  private static final Principal WRITER_A = new Principal("i3", "app", Role.WRITER, Set.of("a"));
  private static final Principal READER_AB = new Principal("i4", "grafana", Role.READER, Set.of("a", "b"));

  private static Decision decide(Principal principal, Action action, String header) {
    return Authorizer.authorize(Optional.ofNullable(principal), action, Optional.ofNullable(header));
  }

  @Test
  void roleActionMatrix() {
    Set<Action> tenantAdmin = EnumSet.of(Action.PUSH, Action.QUERY, Action.TAIL, Action.LABELS, Action.SERIES, Action.USAGE_OWN, Action.MANAGE_TOKENS_OWN,
        Action.SLO_READ, Action.SLO_WRITE, Action.RULES_READ, Action.RULES_WRITE, Action.ALERTS_READ, Action.ALERTS_WRITE);
    Set<Action> reader = EnumSet.of(Action.QUERY, Action.TAIL, Action.LABELS, Action.SERIES, Action.USAGE_OWN, Action.SLO_READ, Action.RULES_READ,
        Action.ALERTS_READ);
    for (Action action : Action.values()) {
      assertThat(decide(ADMIN, action, "a")).as("admin %s", action).isInstanceOf(Decision.Allowed.class);
      assertThat(decide(TEAM_ADMIN, action, "a") instanceof Decision.Allowed).as("tenant-admin %s", action).isEqualTo(tenantAdmin.contains(action));
      assertThat(decide(WRITER_A, action, "a") instanceof Decision.Allowed).as("writer %s", action).isEqualTo(action == Action.PUSH);
      assertThat(decide(READER_AB, action, "a") instanceof Decision.Allowed).as("reader %s", action).isEqualTo(reader.contains(action));
    }
    assertThat(decide(WRITER_A, Action.QUERY, "a")).isEqualTo(new Decision.Refused(403, "token 'app' has role writer, which may not query"));
    assertThat(decide(READER_AB, Action.USAGE_ALL, null)).isEqualTo(new Decision.Refused(403, "token 'grafana' has role reader, which may not usage-all"));
    assertThat(decide(READER_AB, Action.SLO_WRITE, "a")).isEqualTo(new Decision.Refused(403, "token 'grafana' has role reader, which may not slo-write"));
    assertThat(decide(READER_AB, Action.ALERTS_WRITE, "a"))
        .isEqualTo(new Decision.Refused(403, "token 'grafana' has role reader, which may not alerts-write"));
  }

  @Test
  void noPrincipalIs401() {
    for (Action action : Action.values()) {
      assertThat(decide(null, action, "a")).isInstanceOf(Decision.Refused.class).extracting(d -> ((Decision.Refused) d).status()).isEqualTo(401);
    }
  }

  @Test
  void tenantSetsFromTokenAndHeader() {
    // No header: the token's own tenants.
    assertThat(decide(READER_AB, Action.QUERY, null)).isEqualTo(new Decision.Allowed(READER_AB, List.of("a", "b")));
    assertThat(decide(WRITER_A, Action.PUSH, "  ")).isEqualTo(new Decision.Allowed(WRITER_A, List.of("a")));
    // The header narrows, in its own order, duplicates dropped.
    assertThat(decide(READER_AB, Action.QUERY, "b")).isEqualTo(new Decision.Allowed(READER_AB, List.of("b")));
    assertThat(decide(READER_AB, Action.QUERY, "b|a|b")).isEqualTo(new Decision.Allowed(READER_AB, List.of("b", "a")));
    assertThat(decide(ADMIN, Action.LABELS, "x|y")).isEqualTo(new Decision.Allowed(ADMIN, List.of("x", "y")));
    // ... but never widens.
    assertThat(decide(READER_AB, Action.QUERY, "a|c")).isEqualTo(new Decision.Refused(403, "token 'grafana' is not granted tenant 'c' (granted: a, b)"));
    assertThat(decide(WRITER_A, Action.PUSH, "b")).isEqualTo(new Decision.Refused(403, "token 'app' is not granted tenant 'b' (granted: a)"));
    assertThat(decide(TEAM_ADMIN, Action.MANAGE_TOKENS_OWN, "b")).isEqualTo(new Decision.Refused(403, "token 'lead' is not granted tenant 'b' (granted: a)"));
    // Push names exactly one tenant.
    assertThat(decide(WRITER_AB, Action.PUSH, null)).isEqualTo(new Decision.Refused(400,
        "push acts on exactly one tenant: token 'agent' holds a, b; name one with X-Scope-OrgID"));
    assertThat(decide(WRITER_AB, Action.PUSH, "a|b")).isInstanceOf(Decision.Refused.class);
    assertThat(decide(WRITER_AB, Action.PUSH, "b")).isEqualTo(new Decision.Allowed(WRITER_AB, List.of("b")));
    // An admin must say which tenants.
    assertThat(decide(ADMIN, Action.QUERY, null)).isEqualTo(new Decision.Refused(400,
        "X-Scope-OrgID is required: token 'ops' holds every tenant; name one or several as a|b"));
    assertThat(decide(ADMIN, Action.USAGE_ALL, null)).isEqualTo(new Decision.Allowed(ADMIN, List.of()));
  }

  @Test
  void oddTenantHeadersAreRefusedBeforeAnyLookup() {
    for (String header : new String[] {"../b", "a/../b", "a|", "|a", "a||b", "..", "a b", "a%2Fb", "x".repeat(151)}) {
      Decision decision = decide(ADMIN, Action.QUERY, header);
      assertThat(decision).as(header).isInstanceOf(Decision.Refused.class);
      assertThat(((Decision.Refused) decision).status()).as(header).isEqualTo(400);
    }
    assertThat(decide(READER_AB, Action.QUERY, "a/b")).isEqualTo(new Decision.Refused(400,
        "invalid X-Scope-OrgID: tenant ID 'a/b' contains unsupported character '/'"));
  }

  @Test
  void tokenManagementRights() {
    assertThat(Authorizer.mayManageToken(ADMIN, Role.ADMIN, Set.of("*"))).isInstanceOf(Decision.Allowed.class);
    assertThat(Authorizer.mayManageToken(TEAM_ADMIN, Role.WRITER, Set.of("a"))).isInstanceOf(Decision.Allowed.class);
    assertThat(Authorizer.mayManageToken(TEAM_ADMIN, Role.ADMIN, Set.of("*")))
        .isEqualTo(new Decision.Refused(403, "token 'lead' is a tenant-admin and may not manage admin tokens"));
    assertThat(Authorizer.mayManageToken(TEAM_ADMIN, Role.READER, Set.of("a", "b")))
        .isEqualTo(new Decision.Refused(403, "token 'lead' is not granted tenant 'b' (granted: a)"));
    assertThat(Authorizer.mayManageToken(READER_AB, Role.READER, Set.of("a")))
        .isEqualTo(new Decision.Refused(403, "token 'grafana' has role reader, which may not manage tokens"));
  }
}

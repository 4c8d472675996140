package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.auth.GroupMapping;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.config.TenantConfigLoader.LoadResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tenants file's {@code sso} section: groups to tenants and roles. */
class SsoSectionTest {
  private final TenantConfigLoader loader = new TenantConfigLoader();

  private TenantConfig valid(String yaml) {
    return LoadResults.valid(loader, yaml);
  }

  private List<String> problems(String yaml) {
    return LoadResults.problems(loader, yaml);
  }

  @Test
  void groupsMapToTenantsAndTheStrongestRoleWins() {
    GroupMapping sso = valid("""
        sso:
          groups_claim: roles
          groups:
            team-payments-admins: {payments: tenant-admin}
            team-payments: {payments: reader, search: reader}
            pushers: {payments: writer}
            platform-sre: {"*": admin}
        """).sso();
    assertThat(sso.groupsClaim()).isEqualTo("roles");
    assertThat(sso.grantsFor(List.of("team-payments", "team-payments-admins", "pushers")))
        .containsExactly(Map.entry("payments", Role.TENANT_ADMIN), Map.entry("search", Role.READER));
    assertThat(sso.grantsFor(List.of("pushers", "team-payments"))).containsEntry("payments", Role.READER);
    assertThat(sso.grantsFor(List.of("platform-sre"))).containsExactly(Map.entry("*", Role.ADMIN));
    assertThat(sso.grantsFor(List.of("unknown-group"))).isEmpty();
  }

  @Test
  void withoutTheSectionNobodyGetsAnythingAndTheClaimIsGroups() {
    GroupMapping sso = valid("tenants: {a: }\n").sso();
    assertThat(sso.isEmpty()).isTrue();
    assertThat(sso.groupsClaim()).isEqualTo("groups");
    assertThat(sso.grantsFor(List.of("team-payments-admins"))).isEmpty();
  }

  @Test
  void badRolesTenantsAndWildcardsAreReportedWhereTheyAre() {
    assertThat(problems("""
        sso:
          groups:
            g1: {payments: owner}
            g2: {"*": reader}
            g3: {"bad/tenant": reader}
            g4: reader
          group_claim: x
        """)).containsExactly(
        "t.yaml:3:20: error: sso.groups.g1.payments: unknown role 'owner': expected admin, tenant-admin, writer or reader",
        "t.yaml:4:15: error: sso.groups.g2.\"*\": every tenant can only be granted with role admin, got reader; name the tenants one by one for other roles",
        "t.yaml:5:10: error: sso.groups.g3: invalid tenant ID 'bad/tenant': " + TenantIds.problem("bad/tenant").orElseThrow(),
        "t.yaml:6:9: error: sso.groups.g4: expected a mapping from tenant ID (or \"*\" for every tenant) to a role, got the string \"reader\"",
        "t.yaml:7:3: error: unknown key 'group_claim' in sso; did you mean 'groups_claim'?");
  }

  @Test
  void theSectionMayAppearInOneFileOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) throws Exception {
    java.nio.file.Files.writeString(directory.resolve("a.yaml"), "sso: {groups: {x: {a: reader}}}\n");
    java.nio.file.Files.writeString(directory.resolve("b.yaml"), "sso: {groups: {y: {b: reader}}}\n");
    LoadResult result = loader.load(List.of(directory));
    assertThat(result).isInstanceOf(LoadResult.Invalid.class);
    assertThat(((LoadResult.Invalid) result).problems().get(0).format()).contains("b.yaml:1:1", "section 'sso' is already set in", "a.yaml");
  }
}

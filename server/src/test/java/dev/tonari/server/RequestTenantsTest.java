package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.auth.Action;
import dev.tonari.tenancy.config.TenantIds;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Tenant IDs as the gate checks them (tenancy's Loki rules), credentials parsing and path access rules. */
class RequestTenantsTest {
  @Test
  void lokisRulesRefuseDotsBadCharactersAndLongIds() {
    assertThat(TenantIds.problem(".")).contains("tenant ID is '.' or '..'");
    assertThat(TenantIds.problem("..")).contains("tenant ID is '.' or '..'");
    assertThat(TenantIds.problem("a/b")).contains("tenant ID 'a/b' contains unsupported character '/'");
    assertThat(TenantIds.problem("%2e%2e")).contains("tenant ID '%2e%2e' contains unsupported character '%'");
    assertThat(TenantIds.problem("x".repeat(151))).contains("tenant ID is too long: max 150 characters");
  }

  @Test
  void multiTenantSpecsSplitInOrderWithoutDuplicates() {
    assertThat(RequestTenants.split("a|b|a")).containsExactly("a", "b");
    assertThat(MultiTenantLogStore.isMultiTenant("a|b")).isTrue();
    assertThat(MultiTenantLogStore.isMultiTenant("a")).isFalse();
  }

  @Property
  void everyIdOfAllowedCharactersIsAccepted(
      @ForAll @StringLength(min = 1, max = 150) @CharRange(from = 'a', to = 'z') @CharRange(from = 'A', to = 'Z')
          @CharRange(from = '0', to = '9') @Chars({'!', '-', '_', '.', '*', '\'', '(', ')'}) String tenant) {
    Assume.that(!tenant.equals(".") && !tenant.equals(".."));
    assertThat(TenantIds.problem(tenant)).isEmpty();
  }

  @Property
  void anyOtherCharacterIsRefused(@ForAll @CharRange(from = ' ', to = '~') char c) {
    boolean allowed = Character.isLetterOrDigit(c) || "!-_.*'()".indexOf(c) >= 0;
    assertThat(TenantIds.problem("team" + c).isEmpty()).isEqualTo(allowed);
  }

  @Test
  void bearerAndBasicCredentialsParse() {
    assertThat(TenantGate.Credentials.parse("Bearer tnr_abc_def")).isEqualTo(new TenantGate.Credentials("tnr_abc_def", null));
    String basic = Base64.getEncoder().encodeToString("team-a:tnr_x_y".getBytes(StandardCharsets.UTF_8));
    assertThat(TenantGate.Credentials.parse("Basic " + basic)).isEqualTo(new TenantGate.Credentials("tnr_x_y", "team-a"));
    assertThat(TenantGate.Credentials.parse("Basic !!!")).isNull();
    assertThat(TenantGate.Credentials.parse("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)))).isNull();
    assertThat(TenantGate.Credentials.parse("Digest x")).isNull();
    assertThat(TenantGate.Credentials.parse("Bearer")).isNull();
  }

  @Test
  void onlyReadyAndMetricsAreOpenAndEveryLokiRouteHasItsAction() {
    assertThat(TenantGate.accessOf("/ready")).isInstanceOf(TenantGate.Access.Open.class);
    assertThat(TenantGate.accessOf("/metrics")).isInstanceOf(TenantGate.Access.Open.class);
    assertThat(TenantGate.accessOf("//ready")).isInstanceOf(TenantGate.Access.Open.class);
    assertThat(TenantGate.accessOf("/ready/")).isInstanceOf(TenantGate.Access.Authenticated.class);
    assertThat(TenantGate.accessOf("/tonari/api/v1/usage")).isInstanceOf(TenantGate.Access.Authenticated.class);
    assertThat(TenantGate.accessOf("/unknown")).isInstanceOf(TenantGate.Access.Authenticated.class);
    for (var expected : List.of(
        List.of("/loki/api/v1/push", Action.PUSH), List.of("/loki/api/v1/query", Action.QUERY), List.of("/loki/api/v1/query_range", Action.QUERY),
        List.of("/loki/api/v1/labels", Action.LABELS), List.of("/loki/api/v1/label/app/values", Action.LABELS),
        List.of("/loki/api/v1/series", Action.SERIES), List.of("/loki/api/v1/index/stats", Action.QUERY),
        List.of("/loki/api/v1/index/volume", Action.QUERY), List.of("/loki/api/v1/tail", Action.TAIL), List.of("//loki/api/v1//push", Action.PUSH))) {
      assertThat(TenantGate.accessOf((String) expected.get(0))).as((String) expected.get(0))
          .isEqualTo(new TenantGate.Access.Tenants((Action) expected.get(1)));
    }
  }

  @Test
  void agentPushRoutesNeedThePushRoleAndTheElasticsearchHandshakeOnlyAToken() {
    for (String path : List.of("/otlp/v1/logs", "/otlp/v1/logs/", "/_bulk", "/filebeat-8.15.0/_bulk", "/logs/_bulk/", "//_bulk",
        "/tonari/api/v1/push/jsonl")) {
      assertThat(TenantGate.accessOf("POST", path)).as(path).isEqualTo(new TenantGate.Access.Tenants(Action.PUSH));
    }
    for (String path : List.of("/", "/_license", "/a/b/_bulk")) {
      assertThat(TenantGate.accessOf("GET", path)).as(path).isInstanceOf(TenantGate.Access.Authenticated.class);
    }
  }
}

package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TenantIdsTest {
  @Test
  void missingHeaderMeansFake() throws Exception {
    assertThat(TenantIds.fromHeader(null)).isEqualTo("fake");
    assertThat(TenantIds.fromHeader("")).isEqualTo("fake");
    assertThat(TenantIds.fromHeader("team-a")).isEqualTo("team-a");
  }

  @Test
  void lokisRulesRefuseDotsBadCharactersAndLongIds() {
    assertThatThrownBy(() -> TenantIds.fromHeader(".")).hasMessage("tenant ID is '.' or '..'");
    assertThatThrownBy(() -> TenantIds.fromHeader("..")).hasMessage("tenant ID is '.' or '..'");
    assertThatThrownBy(() -> TenantIds.fromHeader("a/b")).hasMessage("tenant ID 'a/b' contains unsupported character '/'");
    assertThatThrownBy(() -> TenantIds.fromHeader("x".repeat(151))).hasMessage("tenant ID is too long: max 150 characters");
  }

  @Property
  void everyIdOfAllowedCharactersIsAccepted(
      @ForAll @StringLength(min = 1, max = 150) @CharRange(from = 'a', to = 'z') @CharRange(from = 'A', to = 'Z')
          @CharRange(from = '0', to = '9') @Chars({'!', '-', '_', '.', '*', '\'', '(', ')'}) String tenant) {
    Assume.that(!tenant.equals(".") && !tenant.equals(".."));
    assertThat(TenantIds.problem(tenant)).isNull();
  }

  @Property
  void anyOtherCharacterIsRefused(@ForAll @CharRange(from = ' ', to = '~') char c) {
    boolean allowed = Character.isLetterOrDigit(c) || "!-_.*'()".indexOf(c) >= 0;
    assertThat(TenantIds.problem("team" + c) == null).isEqualTo(allowed);
  }
}

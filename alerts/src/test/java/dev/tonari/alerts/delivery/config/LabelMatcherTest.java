package dev.tonari.alerts.delivery.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {
  @Test
  void parsesAlertmanagerMatcherSyntax() {
    List<LabelMatcher> matchers = LabelMatcher.parseList("{severity=\"page\", team=~\"db|api\", env!=prod,instance!~\"x\\\".*\"}");
    assertThat(matchers).extracting(LabelMatcher::toString).containsExactly("severity=\"page\"", "team=~\"db|api\"", "env!=\"prod\"", "instance!~\"x\\\".*\"");
    assertThat(LabelMatcher.all(matchers, Map.of("severity", "page", "team", "api", "env", "dev", "instance", "y"))).isTrue();
    assertThat(LabelMatcher.all(matchers, Map.of("severity", "page", "team", "apis"))).isFalse();
  }

  @Test
  void missingLabelIsTheEmptyStringAndRegexesAreAnchored() {
    assertThat(new LabelMatcher("team", LabelMatcher.Type.EQUAL, "").matches(Map.of())).isTrue();
    assertThat(new LabelMatcher("team", LabelMatcher.Type.REGEX, "d").matches(Map.of("team", "db"))).isFalse();
    assertThat(new LabelMatcher("team", LabelMatcher.Type.NOT_REGEX, "d.*").matches(Map.of("team", "api"))).isTrue();
  }

  @Test
  void explainsBadMatchers() {
    assertThatThrownBy(() -> LabelMatcher.parseList("severity")).hasMessageContaining("expected one of =, !=, =~, !~ after label severity");
    assertThatThrownBy(() -> LabelMatcher.parseList("a=\"b")).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> LabelMatcher.parseList("a=~\"(\"")).hasMessageContaining("invalid regular expression");
    assertThatThrownBy(() -> LabelMatcher.parseList("1a=b")).hasMessageContaining("not a label name");
    assertThatThrownBy(() -> LabelMatcher.parseList("{}")).hasMessageContaining("no matcher");
  }
}

package dev.tonari.query.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dialects: predeclared variables, Go's builtins alone, added functions, and message positions. */
class TemplateDialectTest {
  private static final TemplateFunction SHOUT = TemplateFunction.of("shout", 1,
      arguments -> TemplateFunctionException.stringArgument(arguments, 0).toUpperCase(java.util.Locale.ROOT) + "!");
  private static final TemplateFunction FAIL = TemplateFunction.of("fail", 1, arguments -> {
    throw new TemplateFunctionException("no luck with " + arguments.get(0));
  });
  private static final TemplateDialect ALERTS = TemplateDialect.goBuiltinsWith(List.of("$labels", "$value"), List.of(SHOUT, FAIL), 0);

  private static String run(TemplateDialect dialect, String text, Map<String, String> labels, double value) throws Exception {
    Object labelMap = Template.stringMap(labels);
    return Template.parse("t", text, dialect).execute(Map.of("Labels", labelMap, "Value", value), Map.of("$labels", labelMap, "$value", value));
  }

  @Test
  void predeclaredVariablesReadLikePrometheusTemplateData() throws Exception {
    String text = "{{ $labels.instance }} {{ $value }} [{{ $labels.missing }}] {{ .Labels.instance }} {{ len $labels }} {{ printf \"%.1f\" $value }}";
    assertThat(run(ALERTS, text, Map.of("instance", "a:1"), 1234567)).isEqualTo("a:1 1.234567e+06 [] a:1 1 1234567.0");
    assertThat(run(ALERTS, "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", Map.of("b", "2", "a", "1"), 0)).isEqualTo("a=1;b=2;");
    assertThat(run(ALERTS, "{{ $labels }}", Map.of("b", "2", "a", "1"), 0)).isEqualTo("map[a:1 b:2]");
  }

  @Test
  void aVariableNotPredeclaredIsAParseError() {
    assertThatThrownBy(() -> Template.parse("t", "{{ $other }}", ALERTS)).isInstanceOf(TemplateParseException.class)
        .hasMessage("template: t:1: undefined variable \"$other\"");
    assertThatThrownBy(() -> Template.parse("line", "{{ $labels }}")).isInstanceOf(TemplateParseException.class)
        .hasMessage("template: line:1: undefined variable \"$labels\"");
  }

  @Test
  void withoutLokiFunctionsOnlyGoBuiltinsAndAddedFunctionsExist() throws Exception {
    assertThatThrownBy(() -> Template.parse("t", "{{ upper \"x\" }}", ALERTS)).hasMessage("template: t:1: function \"upper\" not defined");
    assertThatThrownBy(() -> Template.parse("t", "{{ __line__ }}", ALERTS)).hasMessage("template: t:1: function \"__line__\" not defined");
    assertThat(run(ALERTS, "{{ shout \"hi\" }} {{ \"x\" | shout }} {{ if eq $value 2.0 }}two{{ end }}", Map.of(), 2)).isEqualTo("HI! X! two");
    // Loki's dialect does not know the added function.
    assertThatThrownBy(() -> Template.parse("line", "{{ shout \"x\" }}")).hasMessage("template: line:1: function \"shout\" not defined");
  }

  @Test
  void addedFunctionsFailWithGoMessages() {
    assertThatThrownBy(() -> run(ALERTS, "{{ fail 3 }}", Map.of(), 0)).isInstanceOf(TemplateExecutionException.class)
        .hasMessage("template: t:1:3: executing \"t\" at <fail 3>: error calling fail: no luck with 3");
    // Go points at the argument of the wrong type, at the function for a wrong count, at the command for a failed call.
    assertThatThrownBy(() -> run(ALERTS, "{{ shout $value }}", Map.of(), 0))
        .hasMessage("template: t:1:9: executing \"t\" at <$value>: wrong type for value; expected string; got float64");
    assertThatThrownBy(() -> run(ALERTS, "{{ $value | shout }}", Map.of(), 0))
        .hasMessage("template: t:1:12: executing \"t\" at <shout>: wrong type for value; expected string; got float64");
    assertThatThrownBy(() -> run(ALERTS, "{{ \"x\" | fail }}", Map.of(), 0))
        .hasMessage("template: t:1:9: executing \"t\" at <fail>: error calling fail: no luck with x");
    assertThatThrownBy(() -> run(ALERTS, "é {{ fail  1 }}", Map.of(), 0))
        .hasMessage("template: t:1:6: executing \"t\" at <fail 1>: error calling fail: no luck with 1");
    assertThatThrownBy(() -> run(ALERTS, "{{ shout }}", Map.of(), 0))
        .hasMessage("template: t:1:3: executing \"t\" at <shout>: wrong number of args for shout: want 1 got 0");
  }

  @Test
  void theColumnOffsetMovesFirstLinePositionsOnly() {
    TemplateDialect shifted = TemplateDialect.goBuiltinsWith(List.of("$labels", "$value"), List.of(FAIL), 112);
    assertThatThrownBy(() -> run(shifted, "{{ fail 1 }}", Map.of(), 0)).hasMessageStartingWith("template: t:1:115: executing");
    assertThatThrownBy(() -> run(shifted, "\n {{ fail 1 }}", Map.of(), 0)).hasMessageStartingWith("template: t:2:4: executing");
  }

  @Test
  void executingWithoutAPredeclaredValueIsRefused() throws Exception {
    Template template = Template.parse("t", "{{ $value }}", ALERTS);
    assertThatThrownBy(() -> template.execute(Map.of(), Map.of("$labels", Template.stringMap(Map.of()))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$value");
    assertThatThrownBy(() -> template.execute(TemplateData.of(Map.of(), "", 0))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void lineFormatIsUnchanged() throws Exception {
    assertThat(Template.parse("line", "{{ .a | upper }} {{ __line__ }}").execute(TemplateData.of(Map.of("a", "x"), "the line", 0))).isEqualTo("X the line");
  }

  @Test
  void infinitiesAndNaNPrintAsGoPrintsThem() throws Exception {
    double inf = Double.POSITIVE_INFINITY;
    assertThat(run(ALERTS, "{{ printf \"%g|%v|%5.1f|%-6g|%+g|% g|%06g|%.4g\" $value $value 0.0 $value $value $value 0.0 $value }}", Map.of(), inf))
        .isEqualTo("+Inf|+Inf|  0.0|+Inf  |+Inf| Inf|000000|+Inf");
    assertThat(run(ALERTS, "{{ printf \"%g|%06g|%+g|% g|%5v\" $value $value $value $value $value }}", Map.of(), -inf)).isEqualTo("-Inf|  -Inf|-Inf|-Inf| -Inf");
    assertThat(run(ALERTS, "{{ printf \"%g|%+g|% g|%5.2f\" $value $value $value $value }}", Map.of(), Double.NaN)).isEqualTo("NaN|+NaN| NaN|  NaN");
  }
}

package dev.tonari.query.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loki's documented template examples ("LogQL template functions" page) and Go text/template rules. */
class TemplateTest {
  private static final long TIMESTAMP = 1_679_577_215_123_000_000L;

  private static String run(String template, Map<String, String> labels) throws Exception {
    return Template.parse("line", template).execute(TemplateData.of(labels, "Hello World line", TIMESTAMP));
  }

  private static String run(String template) throws Exception {
    return run(template, Map.of());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '\'',
      value = {
        "{{ alignLeft 5 \"hello world\"}} => hello",
        "{{ alignLeft 5 \"hi\"}} => 'hi   '",
        "{{ alignRight 5 \"hello world\"}} => world",
        "{{ alignRight 5 \"hi\"}} => '   hi'",
        "{{ default \"-\" \"\" }} => -",
        "{{ default \"-\" \"foo\" }} => foo",
        "{{ lower  \"HELLO\"}} => hello",
        "{{ repeat 3 \"hello\" }} => hellohellohello",
        "{{ replace \"hello\" \"world\" \"hello world\" }} => world world",
        "{{ substr 0 5 \"hello world\"}} => hello",
        "{{ substr 6 11 \"hello world\"}} => world",
        "{{ title \"hello world\"}} => Hello World",
        "{{ trim \"   hello    \" }} => hello",
        "{{ trimAll \"$\" \"$5.00\" }} => 5.00",
        "{{ trimPrefix \"-\" \"-hello\" }} => hello",
        "{{ trimSuffix \"-\" \"hello-\" }} => hello",
        "{{ trunc 5 \"hello world\"}} => hello",
        "{{ trunc -5 \"hello world\"}} => world",
        "{{ upper  \"hello\"}} => HELLO",
        "{{ if contains \"he\" \"hello\" }} yes {{end}} => ' yes '",
        "{{ if eq \"hello\" \"hello\" }} yes {{end}} => ' yes '",
        "{{ if hasPrefix \"he\" \"hello\" }} yes {{end}} => ' yes '",
        "{{ add 3 2 5 }} => 10",
        "{{ addf 3.5 2 5 }} => 10.5",
        "{{ ceil 123.001 }} => 124",
        "{{ div 10 2}} => 5",
        "{{ divf 10 2 4}} => 1.25",
        "{{ \"3.5\" | float64 }} => 3.5",
        "{{ floor 123.9999 }} => 123",
        "{{ \"3\" | int }} => 3",
        "{{ max 1 2 3 }} => 3",
        "{{ maxf 1 2.5 3 }} => 3",
        "{{ min 1 2 3 }} => 1",
        "{{ minf 1 2.5 3 }} => 1",
        "{{ mul 5 2 3}} => 30",
        "{{ mulf 5.5 2 2.5 }} => 27.5",
        "{{ mod 10 3}} => 1",
        "{{ round 123.555555 3 }} => 123.556",
        "{{ round 123.88571428571 5 .2 }} => 123.88572",
        "{{ sub 5 2 }} => 3",
        "{{ subf  5.5 2 1.5 }} => 2",
        "{{ count \"a|b\" \"abab\" }} => 4",
        "{{ count \"o\" \"foo\" }} => 2",
        "{{ regexReplaceAll \"(a*)bc\" \"aabcd\" \"${1}a\" }} => aaad",
        "{{ regexReplaceAllLiteral \"(ts=)\" \"ts=1\" \"timestamp=\" }} => timestamp=1",
        "{{ regexReplaceAll \"a*\" \"baaac\" \"X\" }} => XbXcX",
        "{{ toDate \"2006-01-02\" \"2021-11-02\" }} => 2021-11-02 00:00:00 +0000 UTC",
        "{{ toDateInZone \"2006-01-02\" \"UTC\" \"2021-11-02\" | unixEpoch }} => 1635811200",
        "{{ date \"2006-01-02\" (unixToTime \"1679577215\") }} => 2023-03-23",
        "{{ unixToTime \"19435\" | unixEpoch }} => 1679184000",
        "{{ unixToTime \"1679577215123\" | unixEpochMillis }} => 1679577215123",
        "{{ __timestamp__ | unixEpoch }} => 1679577215",
        "{{ __timestamp__ | unixEpochNanos }} => 1679577215123000000",
        "{{ __timestamp__ | date \"2006-01-02T15:04:05.00Z07:00\" }} => 2023-03-23T13:13:35.12Z",
        "{{ __timestamp__ }} => 2023-03-23 13:13:35.123 +0000 UTC",
        "{{ __line__ | lower }} => hello world line",
        "{{ \"1m30s\" | duration }} => 90",
        "{{ duration_seconds \"1.5s\" }} => 1.5",
        "{{ bytes \"1KiB\" }} => 1024",
        "{{ bytes \"20MB\" }} => 2e+07",
        "{{ b64enc \"hello\" }} => aGVsbG8=",
        "{{ b64dec \"aGVsbG8=\" }} => hello",
        "{{ urlencode \"a b&c=d/é\" }} => a+b%26c%3Dd%2F%C3%A9",
        "{{ urldecode \"a+b%26c\" }} => a b&c",
        "{{fromJson \"{\\\"foo\\\": 55}\"}} => map[foo:55]",
        "{{ printf \"%-5.5s|\" \"GETTING\" }} => GETTI|",
        "{{ printf \"%5s\" \"ab\" }} => '   ab'",
        "{{ printf \"%d %v %.2f %q %x\" 42 true 3.14159 \"a\" 255 }} => 42 true 3.14 \"a\" ff",
        "{{ printf \"%d\" \"x\" }} => %!d(string=x)",
        "{{ printf \"%s\" }} => %!s(MISSING)",
        "{{ printf \"%05d|%+d|%e|%g\" 42 7 1234.5678 0.000012 }} => 00042|+7|1.234568e+03|1.2e-05",
        "{{ 123456789.0 }} => 1.23456789e+08",
        "{{ $x := \"v\" }}{{ $x }} => v",
        "{{ range $i, $e := fromJson \"[1,2]\" }}{{ $i }}={{ $e }};{{ end }} => 0=1;1=2;",
        "{{ range $q := fromJson \"[]\" }}x{{ else }}empty{{ end }} => empty",
        "{{ with \"\" }}x{{ else }}y{{ end }} => y",
        "{{ len \"héllo\" }} => 6",
        "{{ not true }} => false",
        "{{ and 1 0 }} => 0",
        "{{ or 0 \"x\" }} => x",
        "{{ lt 1 2 }} => true",
        "{{ ge \"b\" \"a\" }} => true",
        "{{ ne 1 2 }} => true",
        "{{ print 1 2 \"a\" \"b\" }} => 1 2ab",
        "a  {{- \" b \" -}}  c => a b c",
        "{{/* a comment */}}x => x",
        "{{ fromJson \"bad\" }} => <no value>",
        "{{ index (fromJson \"{\\\"a\\\":[5,6]}\") \"a\" 1 }} => 6",
      })
  void documentedExamples(String template, String expected) throws Exception {
    assertThat(run(template)).isEqualTo(expected);
  }

  @Test
  void labelsAreFieldsAndMissingLabelsAreEmpty() throws Exception {
    Map<String, String> labels = Map.of("path", "/a b/c", "request_method", "get", "cluster", "us-cluster", "err", "xyz");
    assertThat(run("{{ .path | replace \" \" \"_\" | trunc 5 | upper }}", labels)).isEqualTo("/A_B/");
    assertThat(run("{{.request_method | title}}", labels)).isEqualTo("Get");
    assertThat(run("{{ .cluster | replace \"-cluster\" \"\" }}", labels)).isEqualTo("us");
    assertThat(run("[{{ .missing }}]", labels)).isEqualTo("[]");
    assertThat(run("{{.http_request_headers_x_forwarded_for | default \"-\"}}", labels)).isEqualTo("-");
    assertThat(run("{{ if contains .err \"ErrTimeout\" }} timeout {{else if contains \"he\" \"hello\"}} yes {{else}} no {{end}}", labels)).isEqualTo(" yes ");
    assertThat(run("{{ range $k, $v := . }}{{ $k }};{{ end }}", labels)).isEqualTo("cluster;err;path;request_method;");
    assertThat(run("{{ len . }}", labels)).isEqualTo("4");
    assertThat(run("{{ indent 2 \"a\\nb\" }}")).isEqualTo("  a\n  b");
    assertThat(run("{{ nindent 2 \"a\" }}")).isEqualTo("\n  a");
  }

  @Test
  void loopRangeOverJsonQueries() throws Exception {
    Map<String, String> labels = Map.of("queries", "[{\"query\":\"a\"},{\"query\":\"b\"}]");
    assertThat(run("{{ range $q := fromJson .queries }} {{ $q.query }} {{ end }}", labels)).isEqualTo(" a  b ");
  }

  @Test
  void executionErrorsCarryGoMessages() {
    assertThatThrownBy(() -> run("{{ div 1 0 }}"))
        .isInstanceOf(TemplateExecutionException.class)
        .hasMessage("template: line:1:3: executing \"line\" at <div 1 0>: error calling div: runtime error: integer divide by zero");
    assertThatThrownBy(() -> run("{{ .x | duration }}", Map.of("x", "abc")))
        .isInstanceOf(TemplateExecutionException.class)
        .hasMessageEndingWith("error calling duration: time: invalid duration \"abc\"");
    assertThatThrownBy(() -> run("{{ lower 5 }}")).isInstanceOf(TemplateExecutionException.class).hasMessageEndingWith("wrong type for value; expected string; got int");
    assertThatThrownBy(() -> run("{{ eq \"a\" 1 }}")).isInstanceOf(TemplateExecutionException.class).hasMessageEndingWith("error calling eq: incompatible types for comparison");
    assertThatThrownBy(() -> run("{{ range 10000000 }}x{{ end }}")).isInstanceOf(TemplateExecutionException.class).hasMessageContaining("exceeded");
    assertThatThrownBy(() -> run("{{ repeat 100000000 \"xy\" }}")).isInstanceOf(TemplateExecutionException.class).hasMessageContaining("exceeds the limit");
  }

  @Test
  void parseErrorsCarryGoMessages() {
    assertThatThrownBy(() -> Template.parse("line", "{{ nope 1 }}")).isInstanceOf(TemplateParseException.class).hasMessage("template: line:1: function \"nope\" not defined");
    assertThatThrownBy(() -> Template.parse("line", "{{ if 1 }}")).isInstanceOf(TemplateParseException.class).hasMessage("template: line:1: unexpected EOF");
    assertThatThrownBy(() -> Template.parse("line", "{{ .a ")).isInstanceOf(TemplateParseException.class);
    assertThatThrownBy(() -> Template.parse("line", "{{ $y }}")).isInstanceOf(TemplateParseException.class).hasMessageContaining("undefined variable \"$y\"");
    assertThatThrownBy(() -> Template.parse("line", "{{ end }}")).isInstanceOf(TemplateParseException.class);
  }

  @Test
  void fieldNamesListsReferencedLabels() throws Exception {
    assertThat(Template.parse("line", "{{ .a }} {{ if .b }}{{ (.c) }}{{ end }}").fieldNames()).containsExactly("a", "b", "c");
  }

  @Test
  void executesOnATreeOfValuesForNotificationTemplates() throws Exception {
    Map<String, Object> data = Map.of(
        "Status", "firing",
        "CommonLabels", Map.of("alertname", "HighErrors"),
        "Alerts", java.util.List.of(Map.of("Labels", Map.of("job", "api")), Map.of("Labels", Map.of("job", "web"))));
    Template template = Template.parse("slack", "[{{ .Status | upper }}:{{ len .Alerts }}] {{ .CommonLabels.alertname }}{{ range .Alerts }} {{ .Labels.job }}{{ end }} {{ $.Status }}");
    assertThat(template.execute(data)).isEqualTo("[FIRING:2] HighErrors api web firing");
    assertThatThrownBy(() -> Template.parse("t", "{{ .Status.x }}").execute(data)).isInstanceOf(TemplateExecutionException.class).hasMessageContaining("can't evaluate field x");
  }
}

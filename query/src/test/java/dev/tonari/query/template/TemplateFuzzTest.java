package dev.tonari.query.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random and mutated templates: only the two documented exceptions may come out, never another. */
class TemplateFuzzTest {
  private static final List<String> PIECES =
      List.of(
          "{{", "}}", "{{-", " -}}", " ", ".a", ".b", "$", "$x", ":=", "=", "|", "(", ")", "\"s\"", "`r`", "'c'", "1", "-2", "3.5", "0x1F", "if", "else", "end", "range",
          "with", "break", "continue", "nil", "true", "printf", "\"%d %s %5.2f %q\"", "lower", "upper", "add", "div", "0", "substr", "trunc", "regexReplaceAll", "\"(a\"", "\"a*\"",
          "fromJson", "\"[1,{\\\"a\\\":2}]\"", "index", "len", "eq", "lt", "and", "or", "not", "default", "date", "toDate", "\"2006-01-02\"", "__timestamp__", "__line__",
          "unixToTime", "duration", "bytes", "repeat", "indent", "round", "count", "alignLeft", "b64dec", "urldecode", "\"%zz\"", "slice", "print", ",", "/*", "*/", "text");

  @Provide
  Arbitrary<String> templates() {
    return Arbitraries.of(PIECES).list().ofMaxSize(30).map(pieces -> String.join(" ", pieces));
  }

  @Property(tries = 2000)
  void randomTemplatesFailOnlyThroughDocumentedErrors(@ForAll("templates") String text, @ForAll("lines") String line) {
    Template template;
    try {
      template = Template.parse("line", text);
    } catch (TemplateParseException e) {
      assertThat(e.getMessage()).startsWith("template: line:");
      return;
    }
    try {
      String result = template.execute(TemplateData.of(Map.of("a", line, "b", "2"), line, 1_600_000_000_000_000_000L));
      assertThat(result).isNotNull();
    } catch (TemplateExecutionException e) {
      assertThat(e.getMessage()).startsWith("template: line").doesNotContain("internal error");
    }
  }

  @Provide
  Arbitrary<String> lines() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40), Arbitraries.of("12", "1.5s", "{\"a\":1}", "2021-11-02", "%41", "aGk=", ""));
  }
}

package dev.tonari.alerts.delivery.config;

import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * The {@code templates:} section's inline named templates, and their use from receiver fields with
 * Alertmanager's {@code {{ template "name" . }}}. Query's template engine has no {@code define}
 * nor {@code template} actions, so a use is replaced by the named template's text before parsing;
 * since the named template runs on the same dot, that is what Go's {@code template} does with
 * {@code .} as its argument (the only argument supported). Trim markers ({@code {{-}}, {@code -}}})
 * keep their effect.
 */
final class NamedTemplates {
  private static final Pattern USE = Pattern.compile("\\{\\{(-?)\\s*template\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(\\.)?\\s*(-?)}}");
  private static final int MAX_DEPTH = 16;

  private final Map<String, String> templates;

  NamedTemplates(Map<String, String> templates) {
    this.templates = templates;
  }

  /**
   * Parses a receiver field after expanding the named templates it uses.
   *
   * @throws TemplateParseException for an unknown name, a cycle, or a template the engine refuses
   */
  Template compile(String name, String text) throws TemplateParseException {
    return Template.parse(name, expand(text, new ArrayDeque<>()));
  }

  private String expand(String text, Deque<String> using) throws TemplateParseException {
    Matcher matcher = USE.matcher(text);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (matcher.find()) {
      String name = matcher.group(2);
      String body = templates.get(name);
      if (body == null) {
        throw new TemplateParseException("template \"" + name + "\" is not defined in templates: (defined: " + String.join(", ", templates.keySet().stream().sorted().toList()) + ")");
      }
      if (using.contains(name) || using.size() >= MAX_DEPTH) {
        throw new TemplateParseException("template \"" + name + "\" uses itself (through " + String.join(" -> ", using) + ")");
      }
      using.push(name);
      String expanded = expand(body, using);
      using.pop();
      out.append(text, last, matcher.start());
      if (!matcher.group(1).isEmpty()) {
        out.append("{{- \"\" }}");
      }
      out.append(expanded);
      if (!matcher.group(4).isEmpty()) {
        out.append("{{ \"\" -}}");
      }
      last = matcher.end();
    }
    out.append(text, last, text.length());
    return out.toString();
  }
}

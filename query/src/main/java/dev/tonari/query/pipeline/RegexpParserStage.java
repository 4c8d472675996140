package dev.tonari.query.pipeline;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code | regexp "(?P<method>\\w+) (?P<path>\\S+)"}: each named group of the first match becomes a
 * label (RE2 syntax, linear time). A line that does not match keeps its labels and is not dropped.
 */
final class RegexpParserStage implements Stage {
  private final Pattern pattern;
  private final int[] groups;
  private final String[] names;

  private RegexpParserStage(Pattern pattern, int[] groups, String[] names) {
    this.pattern = pattern;
    this.groups = groups;
    this.names = names;
  }

  static RegexpParserStage compile(String regex) throws PipelineCompileException {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new PipelineCompileException(e.getMessage(), e);
    }
    Map<String, Integer> named = new TreeMap<>(pattern.namedGroups());
    if (named.isEmpty()) {
      throw new PipelineCompileException("at least one named capture must be supplied");
    }
    int[] groups = new int[named.size()];
    String[] names = new String[named.size()];
    int i = 0;
    for (Map.Entry<String, Integer> entry : named.entrySet()) {
      if (!LabelNames.isValid(entry.getKey())) {
        throw new PipelineCompileException("invalid extracted label name '" + entry.getKey() + "'");
      }
      names[i] = entry.getKey();
      groups[i] = entry.getValue();
      i++;
    }
    return new RegexpParserStage(pattern, groups, names);
  }

  @Override
  public boolean process(LineState state) {
    Matcher matcher = pattern.matcher(state.line);
    if (!matcher.find()) {
      return true;
    }
    for (int i = 0; i < groups.length; i++) {
      String value = matcher.group(groups[i]);
      state.labels.set(LabelNames.forParsed(state.labels, names[i]), value == null ? "" : value);
    }
    return true;
  }
}

package dev.tonari.query.pipeline;

import dev.tonari.logql.LabelFormatting;
import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateExecutionException;
import dev.tonari.query.template.TemplateParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code | label_format dst=src, other="{{.a}}-{{.b}}"}: renames (the source label is removed; a
 * missing source changes nothing) and templates, in order. As in Loki, the templates of one stage
 * all see the labels as they were when the first template ran, a label may appear once per stage,
 * and {@code __error__} cannot be formatted.
 */
final class LabelFormatStage implements Stage {
  /** A rename (template null) or a template assignment. */
  private record Assignment(String destination, String source, Template template) {}

  private final Assignment[] assignments;

  private LabelFormatStage(Assignment[] assignments) {
    this.assignments = assignments;
  }

  static LabelFormatStage compile(List<LabelFormatting> formattings) throws PipelineCompileException {
    Set<String> seen = new HashSet<>();
    Assignment[] assignments = new Assignment[formattings.size()];
    for (int i = 0; i < assignments.length; i++) {
      LabelFormatting formatting = formattings.get(i);
      String destination = formatting.destination();
      if (destination.equals(LabelsBuilder.ERROR_LABEL)) {
        throw new PipelineCompileException(destination + " cannot be formatted");
      }
      if (!seen.add(destination)) {
        throw new PipelineCompileException("multiple label name '" + destination + "' not allowed in a single format operation");
      }
      assignments[i] =
          switch (formatting) {
            case LabelFormatting.Rename rename -> new Assignment(destination, rename.source(), null);
            case LabelFormatting.Template template -> {
              try {
                yield new Assignment(destination, null, Template.parse("label", template.template()));
              } catch (TemplateParseException e) {
                throw new PipelineCompileException("invalid template for label '" + destination + "': " + e.getMessage(), e);
              }
            }
          };
    }
    return new LabelFormatStage(assignments);
  }

  @Override
  public boolean process(LineState state) {
    LabelsBuilder labels = state.labels;
    FrozenData data = null;
    for (Assignment assignment : assignments) {
      if (assignment.template() == null) {
        String value = labels.get(assignment.source());
        if (value != null) {
          labels.set(assignment.destination(), value);
          labels.delete(assignment.source());
        }
        continue;
      }
      if (data == null) {
        data = new FrozenData(labels.toMap(), state);
      }
      try {
        labels.set(assignment.destination(), assignment.template().execute(data));
      } catch (TemplateExecutionException e) {
        labels.setError(ErrorNames.TEMPLATE_FORMAT, e.getMessage());
      }
    }
    return true;
  }

  /** The labels as they were before the first template of the stage. */
  private record FrozenData(TreeMap<String, String> map, LineState state) implements dev.tonari.query.template.TemplateData {
    @Override
    public String label(String name) {
      return map.get(name);
    }

    @Override
    public Map<String, String> labels() {
      return map;
    }

    @Override
    public String line() {
      return state.line;
    }

    @Override
    public long timestampNanos() {
      return state.timestampNanos;
    }
  }
}

package dev.tonari.query.template;

import java.util.List;

/** The parsed form of a template: Go's text/template node kinds that LogQL templates use. */
sealed interface TemplateNode {
  /** Where a node starts, for Go-style messages ({@code line:1:5}). */
  record Position(int line, int column) {}

  record Text(String text) implements TemplateNode {}

  record Action(Pipeline pipeline) implements TemplateNode {}

  record If(Pipeline condition, List<TemplateNode> then, List<TemplateNode> otherwise) implements TemplateNode {}

  record Range(Pipeline pipeline, List<TemplateNode> body, List<TemplateNode> otherwise) implements TemplateNode {}

  record With(Pipeline pipeline, List<TemplateNode> body, List<TemplateNode> otherwise) implements TemplateNode {}

  record Break(Position position) implements TemplateNode {}

  record Continue(Position position) implements TemplateNode {}

  /** {@code $x := cmd1 | cmd2 arg}; {@code assign} is true for {@code =} (an existing variable). */
  record Pipeline(List<String> declarations, boolean assign, List<Command> commands, Position position, String source) {}

  /**
   * One command of a pipeline; {@code argumentPositions} and {@code argumentSources} are those of
   * each operand (the function name first), for messages that point at one of them as Go does.
   */
  record Command(List<Operand> arguments, List<Position> argumentPositions, List<String> argumentSources) {
    Position position() {
      return argumentPositions.get(0);
    }

    /** Go's rendering of the command: its operands separated by single spaces. */
    String source() {
      return String.join(" ", argumentSources);
    }
  }

  /** An argument of a command. */
  sealed interface Operand {}

  /** {@code .a.b}: fields of the dot; an empty list is the dot itself. */
  record Field(List<String> names) implements Operand {}

  /** {@code $x.a.b}; the name includes the dollar sign, {@code $} alone is the data root. */
  record Variable(String name, List<String> fields) implements Operand {}

  /** A literal: String, Long, Double, Boolean, or null for {@code nil}. */
  record Constant(Object value) implements Operand {}

  record Function(String name) implements Operand {}

  /** {@code (pipeline).a.b}. */
  record Parenthesized(Pipeline pipeline, List<String> fields) implements Operand {}
}

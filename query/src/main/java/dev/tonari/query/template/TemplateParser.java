package dev.tonari.query.template;

import dev.tonari.query.template.TemplateNode.Command;
import dev.tonari.query.template.TemplateNode.Constant;
import dev.tonari.query.template.TemplateNode.Field;
import dev.tonari.query.template.TemplateNode.Operand;
import dev.tonari.query.template.TemplateNode.Parenthesized;
import dev.tonari.query.template.TemplateNode.Pipeline;
import dev.tonari.query.template.TemplateNode.Position;
import dev.tonari.query.template.TemplateNode.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses Go text/template syntax: text, {@code {{ actions }}} with {@code {{-} and {@code -}}}
 * trimming, comments, pipelines, {@code if}/{@code else if}/{@code else}, {@code range},
 * {@code with}, {@code break}/{@code continue} and variables. {@code define}, {@code template} and
 * {@code block} are refused: LogQL templates are single, unnamed templates. Messages follow Go's
 * {@code template: NAME:LINE: message} form.
 */
final class TemplateParser {
  private static final Set<String> KEYWORDS = Set.of("if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true", "false");
  /** Nesting deeper than this is refused so that hostile templates cannot exhaust the stack. */
  private static final int MAX_DEPTH = 100;

  private final String name;
  private final String text;
  private final Set<String> functions;
  private int position;
  /** Set after an action closed with {@code -}}}: the following text loses its leading spaces. */
  private boolean trimNextText;
  private int depth;
  private int rangeDepth;
  private final List<List<String>> scopes = new ArrayList<>();

  private TemplateParser(String name, String text, Set<String> functions, List<String> predeclaredVariables) {
    this.name = name;
    this.text = text;
    this.functions = functions;
    List<String> top = new ArrayList<>(List.of("$"));
    top.addAll(predeclaredVariables);
    scopes.add(top);
  }

  static List<TemplateNode> parse(String name, String text, Set<String> functions, List<String> predeclaredVariables) throws TemplateParseException {
    TemplateParser parser = new TemplateParser(name, text, functions, predeclaredVariables);
    List<TemplateNode> nodes = new ArrayList<>();
    String terminator = parser.parseList(nodes);
    if (terminator != null) {
      throw parser.error("unexpected {{" + terminator + "}}");
    }
    return nodes;
  }

  /** What ended a list: null at the end of input, or "end", "else" (position after the keyword). */
  private String parseList(List<TemplateNode> nodes) throws TemplateParseException {
    while (position < text.length()) {
      int open = text.indexOf("{{", position);
      int textEnd = open < 0 ? text.length() : open;
      boolean trimLeft = open >= 0 && open + 3 <= text.length() && text.charAt(open + 2) == '-' && open + 3 < text.length() && isSpace(text.charAt(open + 3));
      String literal = text.substring(position, textEnd);
      if (trimNextText) {
        literal = stripLeading(literal);
        trimNextText = false;
      }
      if (trimLeft) {
        literal = stripTrailing(literal);
      }
      if (!literal.isEmpty()) {
        nodes.add(new TemplateNode.Text(literal));
      }
      if (open < 0) {
        position = text.length();
        return null;
      }
      position = open + 2 + (trimLeft ? 2 : 0);
      Position actionPosition = positionOf(open);
      skipSpaces();
      if (text.startsWith("/*", position)) {
        int close = text.indexOf("*/", position + 2);
        if (close < 0) {
          throw error("unclosed comment");
        }
        position = close + 2;
        if (!closeAction()) {
          throw error("comment ends before closing delimiter");
        }
        continue;
      }
      String keyword = peekIdentifier();
      if (keyword != null && KEYWORDS.contains(keyword) && !keyword.equals("nil") && !keyword.equals("true") && !keyword.equals("false")) {
        position += keyword.length();
        switch (keyword) {
          case "end" -> {
            expectClose("end");
            return "end";
          }
          case "else" -> {
            return "else";
          }
          case "if" -> nodes.add(parseIf(actionPosition));
          case "range" -> nodes.add(parseRange(actionPosition));
          case "with" -> nodes.add(parseWith(actionPosition));
          case "break", "continue" -> {
            if (rangeDepth == 0) {
              throw error("{{" + keyword + "}} outside {{range}}");
            }
            expectClose(keyword);
            nodes.add(keyword.equals("break") ? new TemplateNode.Break(actionPosition) : new TemplateNode.Continue(actionPosition));
          }
          default -> throw error("{{" + keyword + "}} is not supported in LogQL templates");
        }
        continue;
      }
      Pipeline pipeline = parsePipeline(actionPosition, true, "command");
      nodes.add(new TemplateNode.Action(pipeline));
    }
    return null;
  }

  private TemplateNode parseIf(Position actionPosition) throws TemplateParseException {
    enter();
    scopes.add(new ArrayList<>());
    Pipeline condition = parsePipeline(actionPosition, true, "if");
    List<TemplateNode> then = new ArrayList<>();
    String terminator = parseList(then);
    List<TemplateNode> otherwise = new ArrayList<>();
    terminator = parseElse(terminator, otherwise, "if");
    scopes.remove(scopes.size() - 1);
    leave();
    return new TemplateNode.If(condition, then, otherwise);
  }

  /** After an {@code else}: either {@code else if ...} (a nested if), {@code else with}, or a plain else list. */
  private String parseElse(String terminator, List<TemplateNode> otherwise, String context) throws TemplateParseException {
    if (terminator == null) {
      throw error("unexpected EOF");
    }
    if (terminator.equals("end")) {
      return terminator;
    }
    skipSpaces();
    String next = peekIdentifier();
    if ((context.equals("if") && "if".equals(next)) || (context.equals("with") && "with".equals(next))) {
      position += next.length();
      Position nestedPosition = positionOf(position);
      // "else if" is an if nested in the else branch that shares this branch's {{end}}.
      otherwise.add(next.equals("if") ? parseIf(nestedPosition) : parseWith(nestedPosition));
      return "end";
    }
    expectClose("else");
    String end = parseList(otherwise);
    if (end == null) {
      throw error("unexpected EOF");
    }
    if (!end.equals("end")) {
      throw error("expected end; found {{else}}");
    }
    return end;
  }

  private TemplateNode parseRange(Position actionPosition) throws TemplateParseException {
    enter();
    scopes.add(new ArrayList<>());
    Pipeline pipeline = parsePipeline(actionPosition, true, "range");
    rangeDepth++;
    List<TemplateNode> body = new ArrayList<>();
    String terminator = parseList(body);
    rangeDepth--;
    List<TemplateNode> otherwise = new ArrayList<>();
    parseElse(terminator, otherwise, "range");
    scopes.remove(scopes.size() - 1);
    leave();
    return new TemplateNode.Range(pipeline, body, otherwise);
  }

  private TemplateNode parseWith(Position actionPosition) throws TemplateParseException {
    enter();
    scopes.add(new ArrayList<>());
    Pipeline pipeline = parsePipeline(actionPosition, true, "with");
    List<TemplateNode> body = new ArrayList<>();
    String terminator = parseList(body);
    List<TemplateNode> otherwise = new ArrayList<>();
    parseElse(terminator, otherwise, "with");
    scopes.remove(scopes.size() - 1);
    leave();
    return new TemplateNode.With(pipeline, body, otherwise);
  }

  private void enter() throws TemplateParseException {
    if (++depth > MAX_DEPTH) {
      throw error("template nesting too deep");
    }
  }

  private void leave() {
    depth--;
  }

  /** Parses a pipeline up to and including the closing delimiter (or a closing parenthesis). */
  private Pipeline parsePipeline(Position actionPosition, boolean inAction, String context) throws TemplateParseException {
    skipSpaces();
    int start = position;
    Position pipelinePosition = positionOf(position);
    int sourceEnd = position;
    List<String> declarations = new ArrayList<>();
    boolean assign = false;
    // Declarations: $x := or $x, $y := (range) or $x =.
    int save = position;
    if (peek() == '$') {
      List<String> names = new ArrayList<>();
      boolean ok = true;
      while (true) {
        String variable = readVariableName();
        if (variable == null) {
          ok = false;
          break;
        }
        names.add(variable);
        skipSpaces();
        if (peek() == ',' && context.equals("range") && names.size() < 2) {
          position++;
          skipSpaces();
          continue;
        }
        break;
      }
      if (ok && text.startsWith(":=", position)) {
        position += 2;
        declarations = names;
      } else if (ok && names.size() == 1 && peek() == '=' && !text.startsWith("==", position)) {
        position += 1;
        declarations = names;
        assign = true;
        if (!isDeclared(names.get(0))) {
          throw error("undefined variable \"" + names.get(0) + "\"");
        }
      } else {
        position = save;
      }
    }
    List<Command> commands = new ArrayList<>();
    while (true) {
      skipSpaces();
      sourceEnd = position;
      if (inAction && atClose()) {
        closeAction();
        break;
      }
      if (!inAction && peek() == ')') {
        position++;
        break;
      }
      if (position >= text.length()) {
        throw error(inAction ? "unclosed action" : "unclosed left paren");
      }
      commands.add(parseCommand(inAction));
      skipSpaces();
      if (peek() == '|') {
        position++;
        skipSpaces();
        if ((inAction && atClose()) || (!inAction && peek() == ')')) {
          throw error("missing command");
        }
        continue;
      }
      sourceEnd = position;
      if (inAction && atClose()) {
        closeAction();
        break;
      }
      if (!inAction && peek() == ')') {
        position++;
        break;
      }
      if (position >= text.length()) {
        // Go's lexer reports the end of input inside an action before the parser sees it.
        throw error(inAction ? "unclosed action" : "unclosed left paren");
      }
      throw error("unexpected " + describe() + " in " + context);
    }
    if (commands.isEmpty()) {
      throw error("missing value for " + context);
    }
    if (!assign) {
      scopes.get(scopes.size() - 1).addAll(declarations);
    }
    String source = text.substring(start, Math.max(start, sourceEnd)).strip();
    return new Pipeline(declarations, assign, commands, pipelinePosition, source);
  }

  private Command parseCommand(boolean inAction) throws TemplateParseException {
    List<Operand> arguments = new ArrayList<>();
    List<Position> positions = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    while (true) {
      skipSpaces();
      if (position >= text.length() || peek() == '|' || peek() == ')' || (inAction && atClose())) {
        break;
      }
      int before = position;
      arguments.add(parseOperand());
      positions.add(positionOf(before));
      sources.add(text.substring(before, position));
      if (position < text.length() && !isSpace(peek()) && peek() != '|' && peek() != ')' && !atClose()) {
        throw error("unexpected " + describe() + " in operand");
      }
      if (position == before) {
        throw error("unexpected " + describe() + " in operand");
      }
    }
    if (arguments.isEmpty()) {
      throw error("empty command");
    }
    return new Command(arguments, positions, sources);
  }

  private Operand parseOperand() throws TemplateParseException {
    char c = peek();
    if (c == '.' && !(position + 1 < text.length() && Character.isDigit(text.charAt(position + 1)))) {
      if (position + 1 >= text.length() || !isIdentifierStart(text.charAt(position + 1))) {
        position++;
        return new Field(List.of());
      }
      return new Field(readFields());
    }
    if (c == '$') {
      String variable = readVariableName();
      if (variable == null) {
        throw error("bad variable");
      }
      if (!isDeclared(variable)) {
        throw error("undefined variable \"" + variable + "\"");
      }
      List<String> fields = peek() == '.' ? readFields() : List.of();
      return new Variable(variable, fields);
    }
    if (c == '(') {
      position++;
      enter();
      Pipeline inner = parsePipeline(positionOf(position), false, "parenthesized pipeline");
      leave();
      List<String> fields = peek() == '.' ? readFields() : List.of();
      return new Parenthesized(inner, fields);
    }
    if (c == '"') {
      return new Constant(readQuoted());
    }
    if (c == '`') {
      int close = text.indexOf('`', position + 1);
      if (close < 0) {
        throw error("unterminated raw quoted string");
      }
      String value = text.substring(position + 1, close);
      position = close + 1;
      return new Constant(value);
    }
    if (c == '\'') {
      return new Constant(readCharacter());
    }
    if (Character.isDigit(c) || ((c == '-' || c == '+') && position + 1 < text.length() && (Character.isDigit(text.charAt(position + 1)) || text.charAt(position + 1) == '.'))
        || (c == '.' && position + 1 < text.length() && Character.isDigit(text.charAt(position + 1)))) {
      return new Constant(readNumber());
    }
    String identifier = peekIdentifier();
    if (identifier != null) {
      position += identifier.length();
      switch (identifier) {
        case "true" -> {
          return new Constant(Boolean.TRUE);
        }
        case "false" -> {
          return new Constant(Boolean.FALSE);
        }
        case "nil" -> {
          return new Constant(null);
        }
        default -> {
          if (KEYWORDS.contains(identifier)) {
            throw error("unexpected <" + identifier + "> in operand");
          }
          if (!functions.contains(identifier)) {
            throw error("function \"" + identifier + "\" not defined");
          }
          return new TemplateNode.Function(identifier);
        }
      }
    }
    throw error("unexpected " + describe() + " in operand");
  }

  private List<String> readFields() throws TemplateParseException {
    List<String> fields = new ArrayList<>();
    while (peek() == '.') {
      position++;
      String identifier = peekIdentifier();
      if (identifier == null) {
        throw error("unexpected . after term");
      }
      fields.add(identifier);
      position += identifier.length();
    }
    return fields;
  }

  private String readVariableName() {
    if (peek() != '$') {
      return null;
    }
    int end = position + 1;
    while (end < text.length() && isIdentifierPart(text.charAt(end))) {
      end++;
    }
    String variable = text.substring(position, end);
    position = end;
    return variable;
  }

  private boolean isDeclared(String variable) {
    for (List<String> scope : scopes) {
      if (scope.contains(variable)) {
        return true;
      }
    }
    return false;
  }

  private String readQuoted() throws TemplateParseException {
    StringBuilder value = new StringBuilder();
    position++;
    while (true) {
      if (position >= text.length() || text.charAt(position) == '\n') {
        throw error("unterminated quoted string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return value.toString();
      }
      if (c != '\\') {
        value.append(c);
        continue;
      }
      readEscape(value, '"');
    }
  }

  private Long readCharacter() throws TemplateParseException {
    position++;
    if (position >= text.length()) {
      throw error("unterminated character constant");
    }
    StringBuilder value = new StringBuilder();
    char c = text.charAt(position++);
    if (c == '\\') {
      readEscape(value, '\'');
    } else {
      value.append(c);
      if (Character.isHighSurrogate(c) && position < text.length()) {
        value.append(text.charAt(position++));
      }
    }
    if (position >= text.length() || text.charAt(position) != '\'' || value.codePointCount(0, value.length()) != 1) {
      throw error("malformed character constant");
    }
    position++;
    return (long) value.codePointAt(0);
  }

  private void readEscape(StringBuilder value, char quote) throws TemplateParseException {
    if (position >= text.length()) {
      throw error("unterminated quoted string");
    }
    char e = text.charAt(position++);
    switch (e) {
      case 'a' -> value.append((char) 7);
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case 'n' -> value.append('\n');
      case 'r' -> value.append('\r');
      case 't' -> value.append('\t');
      case 'v' -> value.append((char) 11);
      case '\\' -> value.append('\\');
      case 'x', 'u', 'U' -> {
        int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (position + digits > text.length()) {
          throw error("invalid syntax");
        }
        try {
          int code = Integer.parseUnsignedInt(text.substring(position, position + digits), 16);
          if (e == 'x') {
            value.append((char) code);
          } else {
            value.appendCodePoint(code);
          }
        } catch (IllegalArgumentException ex) {
          throw error("invalid syntax");
        }
        position += digits;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        if (position + 2 > text.length()) {
          throw error("invalid syntax");
        }
        try {
          value.append((char) Integer.parseInt(text.substring(position - 1, position + 2), 8));
        } catch (NumberFormatException ex) {
          throw error("invalid syntax");
        }
        position += 2;
      }
      default -> {
        if (e == quote) {
          value.append(e);
        } else {
          throw error("invalid syntax");
        }
      }
    }
  }

  /** Go number syntax: decimal, 0x/0o/0b integers, underscores, floats with exponents. */
  private Object readNumber() throws TemplateParseException {
    int start = position;
    if (peek() == '+' || peek() == '-') {
      position++;
    }
    while (position < text.length() && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '.' || text.charAt(position) == '_'
        || ((text.charAt(position) == '+' || text.charAt(position) == '-') && "eEpP".indexOf(text.charAt(position - 1)) >= 0))) {
      position++;
    }
    String literal = text.substring(start, position);
    Object value = GoNumbers.parseLiteral(literal);
    if (value == null) {
      throw error("bad number syntax: \"" + literal + "\"");
    }
    return value;
  }

  private boolean atClose() {
    if (text.startsWith("}}", position)) {
      return true;
    }
    return position + 3 <= text.length() && text.charAt(position) == '-' && text.startsWith("}}", position + 1) && position > 0 && isSpace(text.charAt(position - 1));
  }

  /** Consumes {@code }}} or {@code -}}}; false when neither is next. */
  private boolean closeAction() {
    skipSpaces();
    if (text.startsWith("}}", position)) {
      position += 2;
      return true;
    }
    if (text.startsWith("-}}", position) && position > 0 && isSpace(text.charAt(position - 1))) {
      position += 3;
      trimNextText = true;
      return true;
    }
    return false;
  }

  private void expectClose(String context) throws TemplateParseException {
    if (!closeAction()) {
      throw error("unexpected " + describe() + " in " + context);
    }
  }

  private String peekIdentifier() {
    if (position >= text.length() || !isIdentifierStart(text.charAt(position))) {
      return null;
    }
    int end = position + 1;
    while (end < text.length() && isIdentifierPart(text.charAt(end))) {
      end++;
    }
    return text.substring(position, end);
  }

  private static boolean isIdentifierStart(char c) {
    return c == '_' || Character.isLetter(c);
  }

  private static boolean isIdentifierPart(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }

  private char peek() {
    return position < text.length() ? text.charAt(position) : '\0';
  }

  private void skipSpaces() {
    while (position < text.length() && isSpace(text.charAt(position))) {
      position++;
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static String stripLeading(String s) {
    int i = 0;
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  private static String stripTrailing(String s) {
    int i = s.length();
    while (i > 0 && isSpace(s.charAt(i - 1))) {
      i--;
    }
    return s.substring(0, i);
  }

  private String describe() {
    if (position >= text.length()) {
      return "EOF";
    }
    int end = Math.min(text.length(), position + 1);
    return "\"" + text.substring(position, end) + "\"";
  }

  private Position positionOf(int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    // Go counts columns in bytes of UTF-8.
    int end = Math.min(offset, text.length());
    return new Position(line, lineStart >= end ? offset - lineStart : Utf8Length.of(text, lineStart, end) + (offset - end));
  }

  private TemplateParseException error(String message) {
    return new TemplateParseException("template: " + name + ":" + positionOf(position).line() + ": " + message);
  }
}

package dev.tonari.logql;

/** Token kinds of LogQL, each with the name Loki's parser uses for it in error messages. */
enum TokenType {
  IDENTIFIER("IDENTIFIER"),
  STRING("STRING"),
  NUMBER("NUMBER"),
  RANGE("RANGE"),
  OPEN_BRACE("{"),
  CLOSE_BRACE("}"),
  OPEN_PARENTHESIS("("),
  CLOSE_PARENTHESIS(")"),
  COMMA(","),
  DOT("."),
  EQ("="),
  NEQ("!="),
  RE("=~"),
  NRE("!~"),
  PIPE("|"),
  PIPE_EXACT("|="),
  PIPE_MATCH("|~"),
  PIPE_PATTERN("|>"),
  NPA("!>"),
  /** A word of Loki's keyword table ({@code by}, {@code json}, {@code or}, ...); shown as its text. */
  KEYWORD("KEYWORD"),
  /** A function name followed by {@code (} (or by {@code by}/{@code without} and {@code (}). */
  FUNCTION("FUNCTION"),
  DURATION("DURATION"),
  BYTES("BYTES"),
  PARSER_FLAG("PARSER_FLAG"),
  CMP_EQ("=="),
  LT("<"),
  LTE("<="),
  GT(">"),
  GTE(">="),
  ADD("+"),
  SUB("-"),
  MUL("*"),
  DIV("/"),
  MOD("%"),
  POW("^"),
  END("$end");

  private final String displayName;

  TokenType(String displayName) {
    this.displayName = displayName;
  }

  String displayName() {
    return displayName;
  }
}

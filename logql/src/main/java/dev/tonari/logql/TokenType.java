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
  IP("ip"),
  OR("or"),
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

package dev.tonari.logql;

/**
 * Splits LogQL text into tokens on demand. Strings follow Go's rules as Loki's lexer does:
 * double-quoted with backslash escapes, or back-quoted raw. {@code #} starts a comment to the end
 * of the line.
 */
final class Lexer {
  private final String text;
  private int position;
  private int line = 1;
  private int column = 1;

  Lexer(String text) {
    this.text = text;
  }

  Token next() throws LogqlParseException {
    skipSpaceAndComments();
    int startLine = line;
    int startColumn = column;
    if (position >= text.length()) {
      return new Token(TokenType.END, "", startLine, startColumn);
    }
    char c = text.charAt(position);
    if (isIdentifierStart(c)) {
      int start = position;
      while (position < text.length() && isIdentifierPart(text.charAt(position))) {
        advance();
      }
      String word = text.substring(start, position);
      TokenType type = TokenType.IDENTIFIER;
      if (word.equals("or")) {
        type = TokenType.OR;
      } else if (word.equals("ip") && nextNonSpaceIs('(')) {
        // ip is a function only when called, so that "ip" stays usable as a label name.
        type = TokenType.IP;
      }
      return new Token(type, word, startLine, startColumn);
    }
    if (c >= '0' && c <= '9') {
      int start = position;
      while (position < text.length() && (isIdentifierPart(text.charAt(position)) || text.charAt(position) == '.')) {
        advance();
      }
      return new Token(TokenType.NUMBER, text.substring(start, position), startLine, startColumn);
    }
    if (c == '"') {
      return new Token(TokenType.STRING, quotedString(startLine, startColumn), startLine, startColumn);
    }
    if (c == '`') {
      return new Token(TokenType.STRING, rawString(startLine, startColumn), startLine, startColumn);
    }
    if (c == '[') {
      int close = text.indexOf(']', position);
      if (close < 0) {
        throw LogqlParseException.at("missing closing ']' in duration", startLine, startColumn);
      }
      String range = text.substring(position + 1, close);
      while (position <= close) {
        advance();
      }
      return new Token(TokenType.RANGE, range, startLine, startColumn);
    }
    advance();
    char following = position < text.length() ? text.charAt(position) : '\0';
    TokenType type =
        switch (c) {
          case '{' -> TokenType.OPEN_BRACE;
          case '}' -> TokenType.CLOSE_BRACE;
          case '(' -> TokenType.OPEN_PARENTHESIS;
          case ')' -> TokenType.CLOSE_PARENTHESIS;
          case ',' -> TokenType.COMMA;
          case '.' -> TokenType.DOT;
          case '+' -> TokenType.ADD;
          case '-' -> TokenType.SUB;
          case '*' -> TokenType.MUL;
          case '/' -> TokenType.DIV;
          case '%' -> TokenType.MOD;
          case '^' -> TokenType.POW;
          case '=' -> following == '~' ? consume(TokenType.RE) : following == '=' ? consume(TokenType.CMP_EQ) : TokenType.EQ;
          case '!' ->
              switch (following) {
                case '=' -> consume(TokenType.NEQ);
                case '~' -> consume(TokenType.NRE);
                case '>' -> consume(TokenType.NPA);
                default -> null;
              };
          case '|' ->
              switch (following) {
                case '=' -> consume(TokenType.PIPE_EXACT);
                case '~' -> consume(TokenType.PIPE_MATCH);
                case '>' -> consume(TokenType.PIPE_PATTERN);
                default -> TokenType.PIPE;
              };
          case '<' -> following == '=' ? consume(TokenType.LTE) : TokenType.LT;
          case '>' -> following == '=' ? consume(TokenType.GTE) : TokenType.GT;
          default -> null;
        };
    if (type == null) {
      // goyacc names a token it does not know "$unk"; Loki's parser reports it so.
      throw LogqlParseException.at("syntax error: unexpected $unk", startLine, startColumn);
    }
    return new Token(type, type.displayName(), startLine, startColumn);
  }

  private TokenType consume(TokenType type) {
    advance();
    return type;
  }

  private String quotedString(int startLine, int startColumn) throws LogqlParseException {
    advance();
    StringBuilder value = new StringBuilder();
    // Go strings may spell arbitrary bytes (\xff, \377); consecutive ones are decoded together as UTF-8.
    java.io.ByteArrayOutputStream pendingBytes = new java.io.ByteArrayOutputStream();
    while (true) {
      if (position >= text.length() || text.charAt(position) == '\n') {
        throw LogqlParseException.at("literal not terminated", startLine, startColumn);
      }
      char c = text.charAt(position);
      if (c == '"') {
        advance();
        flush(pendingBytes, value);
        return value.toString();
      }
      if (c != '\\') {
        flush(pendingBytes, value);
        value.append(c);
        advance();
        continue;
      }
      int escapeLine = line;
      int escapeColumn = column;
      advance();
      if (position >= text.length()) {
        throw LogqlParseException.at("literal not terminated", startLine, startColumn);
      }
      char escape = text.charAt(position);
      advance();
      switch (escape) {
        case 'x' -> pendingBytes.write(hexDigits(2, escapeLine, escapeColumn));
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int octal = escape - '0';
          for (int i = 0; i < 2; i++) {
            char digit = position < text.length() ? text.charAt(position) : '\0';
            if (digit < '0' || digit > '7') {
              throw LogqlParseException.at("invalid char escape", escapeLine, escapeColumn);
            }
            octal = octal * 8 + (digit - '0');
            advance();
          }
          if (octal > 255) {
            throw LogqlParseException.at("invalid char escape", escapeLine, escapeColumn);
          }
          pendingBytes.write(octal);
        }
        case 'u', 'U' -> {
          int codePoint = hexDigits(escape == 'u' ? 4 : 8, escapeLine, escapeColumn);
          if (!Character.isValidCodePoint(codePoint) || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
            throw LogqlParseException.at("invalid char escape", escapeLine, escapeColumn);
          }
          flush(pendingBytes, value);
          value.appendCodePoint(codePoint);
        }
        default -> {
          char decoded =
              switch (escape) {
                case 'a' -> '\u0007';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'v' -> '\u000b';
                case '\\' -> '\\';
                case '"' -> '"';
                case '\'' -> '\'';
                default -> throw LogqlParseException.at("invalid char escape", escapeLine, escapeColumn);
              };
          flush(pendingBytes, value);
          value.append(decoded);
        }
      }
    }
  }

  private static void flush(java.io.ByteArrayOutputStream pendingBytes, StringBuilder value) {
    if (pendingBytes.size() > 0) {
      value.append(pendingBytes.toString(java.nio.charset.StandardCharsets.UTF_8));
      pendingBytes.reset();
    }
  }

  private int hexDigits(int count, int escapeLine, int escapeColumn) throws LogqlParseException {
    long result = 0;
    for (int i = 0; i < count; i++) {
      int digit = position < text.length() ? Character.digit(text.charAt(position), 16) : -1;
      if (digit < 0) {
        throw LogqlParseException.at("invalid char escape", escapeLine, escapeColumn);
      }
      result = result * 16 + digit;
      advance();
    }
    return result > Integer.MAX_VALUE ? -1 : (int) result;
  }

  private String rawString(int startLine, int startColumn) throws LogqlParseException {
    advance();
    int start = position;
    int end = text.indexOf('`', position);
    if (end < 0) {
      throw LogqlParseException.at("literal not terminated", startLine, startColumn);
    }
    while (position <= end) {
      advance();
    }
    // Go drops carriage returns from raw strings.
    return text.substring(start, end).replace("\r", "");
  }

  private void skipSpaceAndComments() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c == '#') {
        while (position < text.length() && text.charAt(position) != '\n') {
          advance();
        }
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else {
        return;
      }
    }
  }

  private boolean nextNonSpaceIs(char expected) {
    int i = position;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < text.length() && text.charAt(i) == expected;
  }

  /** Moves past one character, keeping line and column (a surrogate pair is one column). */
  private void advance() {
    char c = text.charAt(position++);
    if (c == '\n') {
      line++;
      column = 1;
    } else if (!Character.isHighSurrogate(c) || position >= text.length() || !Character.isLowSurrogate(text.charAt(position))) {
      column++;
    }
  }

  private static boolean isIdentifierStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || (c >= '0' && c <= '9');
  }
}

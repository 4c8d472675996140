package dev.tonari.logql;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Splits LogQL text into tokens on demand. Strings follow Go's rules as Loki's lexer does:
 * double-quoted with backslash escapes, or back-quoted raw. {@code #} starts a comment to the end
 * of the line. Words follow Loki's lexer: keywords ({@code by}, {@code json}, {@code or}, ...) are
 * reserved in any case; function names ({@code rate}, {@code sum}, {@code bytes}, {@code ip}) are
 * functions only when a call follows, so {@code | bytes > 1KB} filters a label named bytes.
 * Numbers directly followed by unit letters are durations or byte sizes.
 */
final class Lexer {
  private final String text;
  private int position;
  private int line = 1;
  private int column = 1;

  Lexer(String text) {
    this.text = text;
  }

  /** Words that are always keywords in Loki, whatever follows them (so they cannot be label names). */
  private static final Set<String> KEYWORDS =
      Set.of(
          "by", "without", "bool", "offset", "on", "ignoring", "group_left", "group_right", "or", "and", "unless", "json", "regexp",
          "logfmt", "unpack", "pattern", "label_format", "line_format", "decolorize", "drop", "keep", "unwrap", "variants", "of");

  /** Words that are functions only when a call follows; elsewhere they are ordinary identifiers. */
  private static final Set<String> FUNCTIONS =
      Set.of(
          "rate", "rate_counter", "count_over_time", "bytes_rate", "bytes_over_time", "avg_over_time", "sum_over_time", "min_over_time",
          "max_over_time", "stdvar_over_time", "stddev_over_time", "quantile_over_time", "first_over_time", "last_over_time",
          "absent_over_time", "vector", "sum", "avg", "max", "min", "count", "stddev", "stdvar", "bottomk", "topk", "sort", "sort_desc",
          "label_replace", "approx_topk", "bytes", "duration", "duration_seconds", "ip");

  private static final Set<String> PARSER_FLAGS = Set.of("--strict", "--keep-empty");

  /** Whether Loki reserves this word as a keyword, so that it cannot be a label name. */
  static boolean isKeyword(String word) {
    return KEYWORDS.contains(word.toLowerCase(Locale.ROOT));
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
      // Loki matches keywords and functions case-insensitively.
      String lower = word.toLowerCase(Locale.ROOT);
      if (FUNCTIONS.contains(lower) && callFollows()) {
        return new Token(TokenType.FUNCTION, lower, startLine, startColumn);
      }
      if (KEYWORDS.contains(lower)) {
        return new Token(TokenType.KEYWORD, lower, startLine, startColumn);
      }
      return new Token(TokenType.IDENTIFIER, word, startLine, startColumn);
    }
    if (isAsciiDigit(c) || (c == '.' && position + 1 < text.length() && isAsciiDigit(text.charAt(position + 1)))) {
      return number(startLine, startColumn);
    }
    if (c == '-' && position + 1 < text.length()) {
      Token flagOrDuration = parserFlagOrNegativeDuration(startLine, startColumn);
      if (flagOrDuration != null) {
        return flagOrDuration;
      }
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
      Duration duration;
      try {
        duration = LogqlUnits.parsePrometheusDuration(range);
      } catch (IllegalArgumentException e) {
        throw LogqlParseException.at(e.getMessage(), startLine, startColumn);
      }
      return new Token(TokenType.RANGE, range, duration, startLine, startColumn);
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

  /**
   * A number as Go's scanner reads it (digits, fraction, exponent); then, as Loki's lexer does,
   * the characters up to the next space may turn it into a duration ({@code 5m}, {@code 1.5s}) or
   * a byte size ({@code 20MB}).
   */
  private Token number(int startLine, int startColumn) {
    int start = position;
    int end = position;
    while (end < text.length() && isAsciiDigit(text.charAt(end))) {
      end++;
    }
    if (end < text.length() && text.charAt(end) == '.') {
      end++;
      while (end < text.length() && isAsciiDigit(text.charAt(end))) {
        end++;
      }
    }
    if (end < text.length() && (text.charAt(end) == 'e' || text.charAt(end) == 'E')) {
      int exponent = end + 1;
      if (exponent < text.length() && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
        exponent++;
      }
      if (exponent < text.length() && isAsciiDigit(text.charAt(exponent))) {
        end = exponent;
        while (end < text.length() && isAsciiDigit(text.charAt(end))) {
          end++;
        }
      }
    }
    String number = text.substring(start, end);
    int durationEnd = suffixEnd(end, true);
    if (durationEnd > end) {
      Duration duration = LogqlUnits.parseLokiDuration(text.substring(start, durationEnd));
      if (duration != null) {
        moveTo(durationEnd);
        return new Token(TokenType.DURATION, text.substring(start, durationEnd), duration, startLine, startColumn);
      }
    }
    int bytesEnd = suffixEnd(end, false);
    if (bytesEnd > end) {
      try {
        long bytes = LogqlUnits.parseBytes(text.substring(start, bytesEnd));
        moveTo(bytesEnd);
        return new Token(TokenType.BYTES, text.substring(start, bytesEnd), bytes, startLine, startColumn);
      } catch (IllegalArgumentException notBytes) {
        // Not a size either: the number stands alone and the letters form the next token, as in Loki.
      }
    }
    moveTo(end);
    return new Token(TokenType.NUMBER, number, startLine, startColumn);
  }

  /** Where the run of unit characters (and digits and dots) starting at {@code from} ends. */
  private int suffixEnd(int from, boolean durationUnits) {
    int end = from;
    while (end < text.length()) {
      char c = text.charAt(end);
      boolean unitCharacter = durationUnits ? "nuµmshdwy".indexOf(c) >= 0 : "BikKMGTP".indexOf(c) >= 0;
      if (!(isAsciiDigit(c) || c == '.' || unitCharacter)) {
        break;
      }
      end++;
    }
    return end;
  }

  /** {@code --strict}/{@code --keep-empty}, or a negative duration such as {@code -5m}; null for a plain minus. */
  private Token parserFlagOrNegativeDuration(int startLine, int startColumn) {
    if (text.charAt(position + 1) == '-') {
      int end = position + 2;
      while (end < text.length() && (Character.isLetter(text.charAt(end)) || text.charAt(end) == '-')) {
        end++;
      }
      String flag = text.substring(position, end);
      if (PARSER_FLAGS.contains(flag)) {
        moveTo(end);
        return new Token(TokenType.PARSER_FLAG, flag, startLine, startColumn);
      }
    }
    int durationEnd = suffixEnd(position + 1, true);
    if (durationEnd > position + 1) {
      Duration duration = LogqlUnits.parseLokiDuration(text.substring(position, durationEnd));
      if (duration != null) {
        String spelled = text.substring(position, durationEnd);
        moveTo(durationEnd);
        return new Token(TokenType.DURATION, spelled, duration, startLine, startColumn);
      }
    }
    return null;
  }

  private void moveTo(int end) {
    while (position < end) {
      advance();
    }
  }

  /** Loki's isFunction: the next non-space text is {@code (}, or {@code by}/{@code without} followed by {@code (}. */
  private boolean callFollows() {
    int i = skipSpaces(position);
    if (i < text.length() && text.charAt(i) == '(') {
      return true;
    }
    for (String grouping : new String[] {"by", "without"}) {
      if (text.regionMatches(true, i, grouping, 0, grouping.length())) {
        int afterGrouping = skipSpaces(i + grouping.length());
        return afterGrouping < text.length() && text.charAt(afterGrouping) == '(';
      }
    }
    return false;
  }

  private int skipSpaces(int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
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

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || (c >= '0' && c <= '9');
  }
}

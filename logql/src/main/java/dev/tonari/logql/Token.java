package dev.tonari.logql;

import java.util.Locale;
import java.util.Set;

/**
 * A lexed token: its kind, its text (the decoded value for strings, the lower-cased word for
 * keywords and functions), its decoded value for durations ({@link java.time.Duration}) and byte
 * sizes ({@link Long}, unsigned), and where it starts (1-based line and column in code points, as
 * Go's text/scanner counts them for Loki's messages).
 */
record Token(TokenType type, String text, Object value, int line, int column) {
  /** Functions whose token names Loki's error messages spell as the word itself, since they are also in its keyword table. */
  private static final Set<String> FUNCTIONS_SHOWN_AS_WORDS = Set.of("ip", "label_replace");

  Token(TokenType type, String text, int line, int column) {
    this(type, text, null, line, column);
  }

  boolean isKeyword(String word) {
    return type == TokenType.KEYWORD && text.equals(word);
  }

  boolean isFunction(String word) {
    return type == TokenType.FUNCTION && text.equals(word);
  }

  /** How goyacc names this token in {@code syntax error: unexpected ...}. */
  String displayName() {
    return switch (type) {
      case KEYWORD -> text;
      case FUNCTION -> {
        if (FUNCTIONS_SHOWN_AS_WORDS.contains(text)) {
          yield text;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        yield switch (text) {
          case "bytes", "duration", "duration_seconds" -> upper + "_CONV";
          default -> upper;
        };
      }
      default -> type.displayName();
    };
  }
}

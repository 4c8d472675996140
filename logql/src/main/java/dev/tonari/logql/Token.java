package dev.tonari.logql;

/**
 * A lexed token: its kind, its text (the decoded value for strings) and where it starts (1-based
 * line and column in code points, as Go's text/scanner counts them for Loki's messages).
 */
record Token(TokenType type, String text, int line, int column) {}

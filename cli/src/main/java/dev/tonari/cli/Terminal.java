package dev.tonari.cli;

/**
 * ANSI colours for output meant for people, switched off when the output is not a terminal (a
 * pipe or a file gets plain text) or when {@code NO_COLOR} is set, as the convention asks.
 */
final class Terminal {
  static final String RESET = "\u001b[0m";
  static final String BOLD = "\u001b[1m";
  static final String DIM = "\u001b[2m";
  static final String RED = "\u001b[31m";
  static final String GREEN = "\u001b[32m";
  static final String YELLOW = "\u001b[33m";
  static final String BLUE = "\u001b[34m";
  static final String MAGENTA = "\u001b[35m";
  static final String CYAN = "\u001b[36m";

  private final boolean colour;

  Terminal(boolean colour) {
    this.colour = colour;
  }

  /** Colours when stdout is a terminal and NO_COLOR is not set. */
  static Terminal detect() {
    return new Terminal(isInteractive() && System.getenv("NO_COLOR") == null);
  }

  static boolean isInteractive() {
    return System.console() != null;
  }

  boolean colour() {
    return colour;
  }

  String paint(String style, String text) {
    return colour ? style + text + RESET : text;
  }
}

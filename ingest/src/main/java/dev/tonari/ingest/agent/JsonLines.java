package dev.tonari.ingest.agent;

/**
 * Walks the non-blank lines of an NDJSON body in place (no copies): {@link #start()} and {@link
 * #end()} bound the current line without its {@code \n} (and a {@code \r} before it), {@link
 * #lineNumber()} counts from 1 and includes blank lines.
 */
public final class JsonLines {
  private final byte[] bytes;
  private final int length;
  private int position;
  private int start;
  private int end;
  private int lineNumber;

  public JsonLines(byte[] bytes, int length) {
    this.bytes = bytes;
    this.length = length;
  }

  /** Moves to the next non-blank line; false at the end. */
  public boolean next() {
    while (position < length) {
      int from = position;
      int newline = from;
      while (newline < length && bytes[newline] != '\n') {
        newline++;
      }
      position = newline + 1;
      lineNumber++;
      int to = newline;
      if (to > from && bytes[to - 1] == '\r') {
        to--;
      }
      if (!isBlank(from, to)) {
        start = from;
        end = to;
        return true;
      }
    }
    return false;
  }

  private boolean isBlank(int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  public int start() {
    return start;
  }

  public int end() {
    return end;
  }

  public int lineNumber() {
    return lineNumber;
  }
}

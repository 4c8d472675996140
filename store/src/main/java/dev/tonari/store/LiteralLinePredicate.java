package dev.tonari.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LinePredicate} that is exactly "the line contains every one of these literals"
 * (case-sensitive, byte for byte in UTF-8): what a chain of LogQL {@code |=} filters compiles to.
 * Knowing this, a store may search a literal over a whole decompressed block of lines at once and
 * map the hits to lines, instead of calling {@link #test} per line; {@link #test} must still
 * answer the same (stores that know nothing of this interface call it).
 *
 * <p>An implementation other than {@link #containingAll} must keep that contract exactly: the
 * store relies on it and may never call {@link #test}.
 */
public interface LiteralLinePredicate extends LinePredicate {
  /** The literals as UTF-8 bytes, none empty; callers must not modify the arrays. */
  List<byte[]> literals();

  /**
   * The predicate "contains each of these literals"; empty literals are dropped (every line
   * contains them), so an empty list accepts every line.
   */
  static LiteralLinePredicate containingAll(List<String> literals) {
    List<byte[]> bytes = new ArrayList<>(literals.size());
    for (String literal : literals) {
      if (!literal.isEmpty()) {
        bytes.add(literal.getBytes(StandardCharsets.UTF_8));
      }
    }
    List<byte[]> frozen = List.copyOf(bytes);
    return new LiteralLinePredicate() {
      @Override
      public List<byte[]> literals() {
        return frozen;
      }

      @Override
      public boolean test(byte[] buffer, int offset, int length) {
        for (byte[] literal : frozen) {
          if (indexOf(buffer, offset, offset + length, literal) < 0) {
            return false;
          }
        }
        return true;
      }

      @Override
      public String toString() {
        return "containing all of " + literals;
      }
    };
  }

  /** First index in [from, to) where the literal starts and fits before {@code to}, or -1. */
  static int indexOf(byte[] buffer, int from, int to, byte[] literal) {
    int last = to - literal.length;
    if (literal.length == 0) {
      return from <= to ? from : -1;
    }
    byte first = literal[0];
    for (int i = from; i <= last; i++) {
      if (buffer[i] == first && java.util.Arrays.equals(buffer, i + 1, i + literal.length, literal, 1, literal.length)) {
        return i;
      }
    }
    return -1;
  }
}

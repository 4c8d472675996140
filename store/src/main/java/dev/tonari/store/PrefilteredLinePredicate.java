package dev.tonari.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LinePredicate} that accepts only lines containing every one of its {@link #literals()}
 * (byte for byte in UTF-8), and among those exactly the lines its {@link #confirmation()}
 * accepts: what a regex line filter with known required literals compiles to. Knowing this, a
 * store may search the literals over a whole decompressed block at once (as for a {@link
 * LiteralLinePredicate}) and call the confirmation only on the lines that hold them, so the
 * expensive test runs on a handful of lines instead of every line of the block.
 *
 * <p>{@link #test} answers "contains every literal and the confirmation accepts", which stores that
 * know nothing of this interface call. The literals must be necessary for the confirmation (every
 * line it accepts contains them); then {@link #test} is exactly the confirmation.
 */
public interface PrefilteredLinePredicate extends LinePredicate {
  /** The literals as UTF-8 bytes, none empty, at least one; callers must not modify the arrays. */
  List<byte[]> literals();

  /** The exact test of a line that contains every literal; safe to call from several threads at once. */
  LinePredicate confirmation();

  /**
   * The predicate "contains each of these literals, and the confirmation accepts"; empty literals
   * are dropped. With no literal left, the confirmation alone is returned (there is nothing to
   * prefilter with), which is why the result is a plain {@link LinePredicate}.
   */
  static LinePredicate of(List<String> literals, LinePredicate confirmation) {
    List<byte[]> bytes = new ArrayList<>(literals.size());
    for (String literal : literals) {
      if (!literal.isEmpty()) {
        bytes.add(literal.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (bytes.isEmpty()) {
      return confirmation;
    }
    List<byte[]> frozen = List.copyOf(bytes);
    return new PrefilteredLinePredicate() {
      @Override
      public List<byte[]> literals() {
        return frozen;
      }

      @Override
      public LinePredicate confirmation() {
        return confirmation;
      }

      @Override
      public boolean test(byte[] buffer, int offset, int length) {
        for (byte[] literal : frozen) {
          if (LiteralLinePredicate.indexOf(buffer, offset, offset + length, literal) < 0) {
            return false;
          }
        }
        return confirmation.test(buffer, offset, length);
      }

      @Override
      public String toString() {
        return "containing all of " + literals + ", then " + confirmation;
      }
    };
  }
}

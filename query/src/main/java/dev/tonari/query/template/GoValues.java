package dev.tonari.query.template;

import java.util.List;
import java.util.Map;

/** Go's rules for template values: truth ({@code if}), emptiness ({@code default}), comparison ({@code eq}, {@code lt}). */
final class GoValues {
  private GoValues() {}

  static boolean truth(Object value) {
    return switch (value) {
      case null -> false;
      case String s -> !s.isEmpty();
      case Long l -> l != 0;
      case Double d -> d != 0;
      case Boolean b -> b;
      case Map<?, ?> map -> !map.isEmpty();
      case List<?> list -> !list.isEmpty();
      default -> true;
    };
  }

  /** Sprig's {@code empty}: like falsy, but a struct such as a time is never empty. */
  static boolean empty(Object value) {
    return !truth(value);
  }

  private enum Kind {
    BOOL,
    INT,
    FLOAT,
    STRING,
    OTHER
  }

  private static Kind kind(Object value) {
    return switch (value) {
      case Boolean b -> Kind.BOOL;
      case Long l -> Kind.INT;
      case Double d -> Kind.FLOAT;
      case String s -> Kind.STRING;
      case null, default -> Kind.OTHER;
    };
  }

  /** Go's {@code eq} for two basic values. */
  static boolean equal(Object left, Object right) throws Template.FunctionError {
    Kind leftKind = kind(left);
    Kind rightKind = kind(right);
    if (left == null || right == null) {
      if (left == null && right == null) {
        return true;
      }
      throw new Template.FunctionError("incompatible types for comparison");
    }
    if (leftKind != rightKind) {
      throw new Template.FunctionError("incompatible types for comparison");
    }
    return switch (leftKind) {
      case BOOL, STRING, INT -> left.equals(right);
      case FLOAT -> ((Double) left).doubleValue() == (Double) right;
      case OTHER -> {
        if (left instanceof Map<?, ?> || left instanceof List<?>) {
          throw new Template.FunctionError("non-comparable type " + GoFormat.formatValue(left) + ": " + GoFormat.typeName(left));
        }
        yield left.equals(right);
      }
    };
  }

  /** Go's {@code lt}: ordered basic types of one kind. */
  static boolean less(Object left, Object right) throws Template.FunctionError {
    Kind leftKind = kind(left);
    Kind rightKind = kind(right);
    if (leftKind == Kind.BOOL || leftKind == Kind.OTHER || rightKind == Kind.BOOL || rightKind == Kind.OTHER) {
      throw new Template.FunctionError("invalid type for comparison");
    }
    if (leftKind != rightKind) {
      throw new Template.FunctionError("incompatible types for comparison");
    }
    return switch (leftKind) {
      case INT -> (Long) left < (Long) right;
      case FLOAT -> (Double) left < (Double) right;
      case STRING -> compareBytes((String) left, (String) right) < 0;
      default -> false;
    };
  }

  /** Go compares strings by bytes; for UTF-8 that is code point order, not UTF-16 order. */
  private static int compareBytes(String left, String right) {
    int i = 0;
    int j = 0;
    while (i < left.length() && j < right.length()) {
      int a = left.codePointAt(i);
      int b = right.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(left.length() - i, right.length() - j);
  }
}

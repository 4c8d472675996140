package dev.tonari.store;

/**
 * A test of a log line given as UTF-8 bytes in a buffer, so that scans can reject lines without
 * making a String of each. Implementations must not keep a reference to the buffer.
 */
@FunctionalInterface
public interface LinePredicate {
  LinePredicate ALL = (buffer, offset, length) -> true;

  boolean test(byte[] buffer, int offset, int length);
}

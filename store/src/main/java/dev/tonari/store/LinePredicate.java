package dev.tonari.store;

/**
 * A test of a log line given as UTF-8 bytes in a buffer, so that scans can reject lines without
 * making a String of each. Implementations must not keep a reference to the buffer, and must be
 * safe to call from several threads at once: a store may filter blocks on its scan threads.
 */
@FunctionalInterface
public interface LinePredicate {
  LinePredicate ALL = (buffer, offset, length) -> true;

  boolean test(byte[] buffer, int offset, int length);
}

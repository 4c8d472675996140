package dev.tonari.store;

/** Order of entries in a result, as Loki's {@code direction} parameter. */
public enum Direction {
  /** Oldest first. */
  FORWARD,
  /** Newest first (Loki's default). */
  BACKWARD
}

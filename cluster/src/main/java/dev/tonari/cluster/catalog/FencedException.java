package dev.tonari.cluster.catalog;

/** A write refused because another owner (newer lease generation, another ingester's offsets) got there first. */
public final class FencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FencedException(String message) {
    super(message);
  }
}

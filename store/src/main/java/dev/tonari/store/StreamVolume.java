package dev.tonari.store;

/**
 * What one stream holds over a time range: its storage units ("chunks", as Loki's index counts
 * them), the uncompressed bytes of its lines and its entries. Only streams with at least one entry
 * in the range have a volume.
 */
public record StreamVolume(Labels labels, long chunks, long bytes, long entries) {
  public StreamVolume {
    if (entries <= 0) {
      throw new IllegalArgumentException("stream " + labels + " has no entries in the range; it has no volume");
    }
  }
}

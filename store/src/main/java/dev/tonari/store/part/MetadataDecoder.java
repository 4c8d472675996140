package dev.tonari.store.part;

import dev.tonari.store.Labels;
import java.util.Arrays;

/**
 * Decodes the structured metadata of one entry at a time for a cursor, from the record format of
 * {@link BlockDecoder#decodeMetadata}. Entries of a stream mostly carry one of a few records (a
 * {@code detected_level} of info, warn or error), so the last {@link #REMEMBERED} distinct records
 * are kept with their labels and the same instance is returned while a record repeats: a scan
 * that asks every entry for its metadata decodes each of them once, and a reader that compares
 * the labels by identity sees them change only when they do.
 *
 * <p>One thread at a time, like the cursor that owns it.
 */
final class MetadataDecoder {
  /**
   * Records remembered: Loki's levels alternate within a stream, and with only the last record
   * kept, a JSON quantile spent a tenth of its time comparing and decoding them again (JFR).
   */
  static final int REMEMBERED = 4;

  private final byte[][] rememberedBytes = new byte[REMEMBERED][];
  private final Labels[] rememberedLabels = new Labels[REMEMBERED];
  /** The slot the next new record replaces: the oldest, round robin. */
  private int next;

  /** The metadata whose record is {@code buffer[start, end)}; a record that starts with zero has none. */
  Labels decode(byte[] buffer, int start, int end) {
    if (buffer[start] == 0) {
      return Labels.EMPTY;
    }
    int length = end - start;
    for (int slot = 0; slot < REMEMBERED; slot++) {
      byte[] remembered = rememberedBytes[slot];
      if (remembered != null && remembered.length == length && sameBytes(buffer, start, remembered)) {
        return rememberedLabels[slot];
      }
    }
    Labels labels = BlockDecoder.decodeMetadata(buffer, start, end);
    rememberedBytes[next] = Arrays.copyOfRange(buffer, start, end);
    rememberedLabels[next] = labels;
    next = (next + 1) % REMEMBERED;
    return labels;
  }

  /** A byte loop: records are a few dozen bytes, where {@code Arrays.equals}'s vectorised mismatch cost more than it saved. */
  private static boolean sameBytes(byte[] buffer, int start, byte[] remembered) {
    for (int i = 0; i < remembered.length; i++) {
      if (buffer[start + i] != remembered[i]) {
        return false;
      }
    }
    return true;
  }

  /** Forgets the remembered records, so the next one is decoded afresh. */
  void forget() {
    Arrays.fill(rememberedBytes, null);
    Arrays.fill(rememberedLabels, null);
    next = 0;
  }
}

package dev.tonari.store.part;

import dev.tonari.store.Labels;
import java.util.Arrays;

/**
 * Decodes the structured metadata of one entry at a time for a cursor, from the record format of
 * {@link BlockDecoder#decodeMetadata}. Neighbouring entries usually carry the same metadata, so
 * the last decoded labels are kept with their bytes and returned again while the bytes repeat:
 * a scan that asks every entry for its metadata decodes each distinct record once per run.
 *
 * <p>One thread at a time, like the cursor that owns it.
 */
final class MetadataDecoder {
  private byte[] lastBytes = new byte[0];
  private Labels lastLabels;

  /** The metadata whose record is {@code buffer[start, end)}; a record that starts with zero has none. */
  Labels decode(byte[] buffer, int start, int end) {
    if (buffer[start] == 0) {
      return Labels.EMPTY;
    }
    if (lastLabels != null && Arrays.equals(buffer, start, end, lastBytes, 0, lastBytes.length)) {
      return lastLabels;
    }
    lastLabels = BlockDecoder.decodeMetadata(buffer, start, end);
    lastBytes = Arrays.copyOfRange(buffer, start, end);
    return lastLabels;
  }

  /** Forgets the last decoded labels, so the next record is decoded afresh. */
  void forget() {
    lastLabels = null;
  }
}

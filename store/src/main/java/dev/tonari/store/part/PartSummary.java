package dev.tonari.store.part;

import java.util.List;

/**
 * What a part holds, as recorded in its footer.
 *
 * @param streams number of streams (each with at least one entry)
 * @param entries number of entries over all streams
 * @param minTimestamp smallest timestamp, 0 when the part has no entries
 * @param maxTimestamp largest timestamp, 0 when the part has no entries
 * @param rawBytes sum of the lengths of all lines (the uncompressed log text)
 * @param fileBytes size of the part file
 */
public record PartSummary(
    String tenant,
    int level,
    List<String> replaces,
    int streams,
    long entries,
    long minTimestamp,
    long maxTimestamp,
    long rawBytes,
    long fileBytes) {
  public PartSummary {
    replaces = List.copyOf(replaces);
  }
}

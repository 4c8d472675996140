package dev.tonari.store.engine;

import dev.tonari.store.part.PartReader;
import dev.tonari.store.part.PartStream;
import dev.tonari.store.part.PartSummary;
import java.util.List;

/**
 * An open, published part: its object key ({@code <tenant>/parts/<level>-<sequence>.part}), the
 * numbers parsed from it, and its reader.
 */
record PartHandle(String key, String tenant, int level, long sequence, PartReader reader, PartSummary summary, List<PartStream> streams) {
  static final String PARTS_SEGMENT = "parts";
  static final String SUFFIX = ".part";

  static String key(String tenant, int level, long sequence) {
    return String.format("%s/%s/%02d-%020d%s", tenant, PARTS_SEGMENT, level, sequence, SUFFIX);
  }

  /** {tenant, level, sequence} of a part key, or null when the key is not a part's. */
  static Object[] parse(String key) {
    String[] segments = key.split("/", -1);
    if (segments.length != 3 || !segments[1].equals(PARTS_SEGMENT) || !segments[2].endsWith(SUFFIX)) {
      return null;
    }
    String name = segments[2].substring(0, segments[2].length() - SUFFIX.length());
    int dash = name.indexOf('-');
    if (dash <= 0) {
      return null;
    }
    try {
      return new Object[] {segments[0], Integer.parseInt(name.substring(0, dash)), Long.parseLong(name.substring(dash + 1))};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  boolean overlaps(long fromNanos, long toNanos) {
    return summary.entries() > 0 && summary.maxTimestamp() >= fromNanos && summary.minTimestamp() < toNanos;
  }
}

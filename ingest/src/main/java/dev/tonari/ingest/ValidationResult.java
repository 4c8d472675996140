package dev.tonari.ingest;

import dev.tonari.store.StreamBatch;
import java.util.List;

/**
 * The outcome of validating one push.
 *
 * @param accepted the good entries, one batch per distinct stream, in order of first appearance
 * @param acceptedEntries how many entries are in {@code accepted}
 * @param rejectedEntries how many entries were refused
 * @param reasons distinct messages (Loki's texts) for the refusals, at most {@link #MAX_REASONS}
 */
public record ValidationResult(List<StreamBatch> accepted, int acceptedEntries, int rejectedEntries, List<String> reasons) {
  /** Loki reports a bounded number of distinct validation errors; so do we. */
  public static final int MAX_REASONS = 10;

  public ValidationResult {
    accepted = List.copyOf(accepted);
    reasons = List.copyOf(reasons);
  }

  /** 204 when nothing was refused, else 400: Loki answers 400 yet keeps the valid entries. */
  public int status() {
    return rejectedEntries == 0 ? 204 : 400;
  }

  /** The HTTP body: how many entries were refused out of how many, then one reason per line; empty when all were kept. */
  public String message() {
    if (rejectedEntries == 0) {
      return "";
    }
    int total = acceptedEntries + rejectedEntries;
    StringBuilder sb = new StringBuilder(64 + reasons.size() * 96)
        .append(rejectedEntries).append(" of ").append(total)
        .append(total == 1 ? " entry" : " entries").append(" refused, ").append(acceptedEntries).append(" accepted:");
    for (String reason : reasons) {
      sb.append('\n').append(reason);
    }
    return sb.toString();
  }
}

package dev.tonari.ingest;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a decoded push as Loki's distributor does ({@code Distributor.Push}, {@code
 * Validator.ValidateLabels} and {@code ValidateEntry}), with Loki's messages:
 *
 * <ol>
 *   <li>a stream without entries is ignored; a stream the decoder could not label is refused whole;
 *   <li>lines over {@code maxLineSize} are truncated first when {@code maxLineSizeTruncate} is set;
 *   <li>per stream: at least one label; valid label names ({@code [a-zA-Z_][a-zA-Z0-9_]*}); at most
 *       {@code maxLabelNamesPerSeries} names ({@code service_name} not counted, as in Loki); name
 *       and value lengths; a failing stream refuses all its entries;
 *   <li>per entry, in Loki's order: too old (only when {@code rejectOldSamples}), too new (beyond
 *       now + {@code creationGracePeriod}), line too long.
 * </ol>
 *
 * Good entries are kept even when others in the same request are refused. Lengths are UTF-8 bytes.
 * Empty lines are accepted, as Loki's distributor accepts them. Thread-safe; the clock is read once
 * per push so every entry of a push sees the same "now".
 */
public final class PushValidator {
  /** Loki does not count this label, which its own infrastructure often adds. */
  private static final String SERVICE_NAME = "service_name";

  private final Clock clock;

  public PushValidator(Clock clock) {
    this.clock = clock;
  }

  public ValidationResult validate(String tenant, PushRequest request, Limits limits) {
    Instant now = clock.instant();
    long nowNanos = toNanos(now);
    long oldestAcceptable = limits.rejectOldSamples() ? saturatingSubtract(nowNanos, limits.rejectOldSamplesMaxAge().toNanos()) : Long.MIN_VALUE;
    long newestAcceptable = saturatingAdd(nowNanos, limits.creationGracePeriod().toNanos());
    Reasons reasons = new Reasons();
    int rejected = 0;
    int acceptedCount = 0;

    for (PushRequest.RejectedStream stream : request.rejectedStreams()) {
      if (stream.entryCount() > 0) {
        rejected += stream.entryCount();
        reasons.add(stream.reason());
      }
    }

    // Fast path state: batches that pass whole are reused as they are, without copying entries.
    Map<Labels, Object> accepted = new LinkedHashMap<>();
    for (StreamBatch stream : request.streams()) {
      List<LogEntry> entries = stream.entries();
      if (entries.isEmpty()) {
        continue;
      }
      Labels labels = stream.labels();
      String labelProblem = validateLabels(labels, limits);
      if (labelProblem != null) {
        rejected += entries.size();
        reasons.add(labelProblem);
        continue;
      }
      List<LogEntry> kept = null;
      for (int i = 0; i < entries.size(); i++) {
        LogEntry entry = entries.get(i);
        String problem = null;
        LogEntry checked = entry;
        if (limits.maxLineSizeTruncate() && mayExceed(entry.line(), limits.maxLineSize())
            && Utf8.length(entry.line()) > limits.maxLineSize()) {
          checked = new LogEntry(entry.timestampNanos(), Utf8.truncate(entry.line(), limits.maxLineSize()), entry.metadata());
        }
        long timestamp = checked.timestampNanos();
        if (timestamp < oldestAcceptable) {
          problem = String.format(LokiMessages.TOO_OLD, labels, rfc3339(timestamp), rfc3339(oldestAcceptable));
        } else if (timestamp > newestAcceptable) {
          problem = String.format(LokiMessages.TOO_NEW, labels, rfc3339(timestamp));
        } else if (mayExceed(checked.line(), limits.maxLineSize())) {
          int bytes = Utf8.length(checked.line());
          if (bytes > limits.maxLineSize()) {
            problem = String.format(LokiMessages.LINE_TOO_LONG, limits.maxLineSize(), labels, bytes);
          }
        }
        if (problem != null) {
          rejected++;
          reasons.add(problem);
          if (kept == null) {
            kept = new ArrayList<>(entries.subList(0, i));
          }
        } else {
          acceptedCount++;
          if (kept == null && checked != entry) {
            kept = new ArrayList<>(entries.subList(0, i));
          }
          if (kept != null) {
            kept.add(checked);
          }
        }
      }
      merge(accepted, labels, kept == null ? entries : kept);
    }
    return new ValidationResult(toBatches(accepted), acceptedCount, rejected, reasons.list());
  }

  /**
   * Whether a line could be longer than the limit in UTF-8: each UTF-16 unit takes at most 3
   * bytes, so most lines are cleared without counting their bytes.
   */
  private static boolean mayExceed(String line, int maxLineSize) {
    return maxLineSize > 0 && (long) line.length() * 3 > maxLineSize;
  }

  /** Loki's label checks, in its order; null when the labels are fine. */
  static String validateLabels(Labels labels, Limits limits) {
    if (labels.isEmpty()) {
      return LokiMessages.MISSING_LABELS;
    }
    for (int i = 0; i < labels.size(); i++) {
      if (!isValidLabelName(labels.name(i))) {
        // Loki finds these while parsing the label text, before any limit is checked.
        return String.format(LokiMessages.INVALID_LABELS, labels,
            "invalid label name '" + labels.name(i) + "': names must match [a-zA-Z_][a-zA-Z0-9_]*");
      }
    }
    int names = labels.size();
    if (labels.get(SERVICE_NAME) != null) {
      names--;
    }
    if (names > limits.maxLabelNamesPerSeries()) {
      return String.format(LokiMessages.MAX_LABEL_NAMES, labels, names, limits.maxLabelNamesPerSeries());
    }
    for (int i = 0; i < labels.size(); i++) {
      if (Utf8.length(labels.name(i)) > limits.maxLabelNameLength()) {
        return String.format(LokiMessages.LABEL_NAME_TOO_LONG, labels, labels.name(i));
      }
      if (Utf8.length(labels.value(i)) > limits.maxLabelValueLength()) {
        return String.format(LokiMessages.LABEL_VALUE_TOO_LONG, labels, labels.value(i));
      }
    }
    return null;
  }

  static boolean isValidLabelName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }

  /** Adds a stream's good entries; the same label set twice in one push becomes one batch. */
  @SuppressWarnings("unchecked")
  private static void merge(Map<Labels, Object> accepted, Labels labels, List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Object existing = accepted.get(labels);
    if (existing == null) {
      accepted.put(labels, entries);
    } else {
      List<LogEntry> combined = existing instanceof ArrayList<?> list ? (List<LogEntry>) list : new ArrayList<>((List<LogEntry>) existing);
      combined.addAll(entries);
      accepted.put(labels, combined);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<StreamBatch> toBatches(Map<Labels, Object> accepted) {
    List<StreamBatch> batches = new ArrayList<>(accepted.size());
    for (Map.Entry<Labels, Object> e : accepted.entrySet()) {
      batches.add(new StreamBatch(e.getKey(), (List<LogEntry>) e.getValue()));
    }
    return batches;
  }

  /** Go's time.RFC3339 at second precision in UTC, as Loki formats these messages. */
  static String rfc3339(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L)).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static long toNanos(Instant instant) {
    return saturatingAdd(saturatingMultiply(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  private static long saturatingSubtract(long a, long b) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  private static long saturatingMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
      return low;
    }
    return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
  }

  /** Distinct messages, first ones kept, bounded. */
  private static final class Reasons {
    private final Set<String> distinct = new LinkedHashSet<>();

    void add(String reason) {
      if (distinct.size() < ValidationResult.MAX_REASONS) {
        distinct.add(reason);
      }
    }

    List<String> list() {
      return new ArrayList<>(distinct);
    }
  }
}

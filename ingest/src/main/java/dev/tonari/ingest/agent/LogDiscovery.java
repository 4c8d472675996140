package dev.tonari.ingest.agent;

import dev.tonari.ingest.PushRequest;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loki's distributor-side discovery, applied to every push (Loki, OTLP, Elasticsearch, JSON lines):
 *
 * <ul>
 *   <li>{@code discover_service_name}: a stream without {@code service_name} gets the value of the
 *       first of the configured labels it has, else {@code unknown_service}; an empty list turns
 *       this off (Loki's default list is {@link #DEFAULT_SERVICE_NAME_SOURCES});
 *   <li>{@code discover_log_levels}: an entry without {@code detected_level} (as label or
 *       structured metadata) gets one in its structured metadata, from OTLP's {@code
 *       severity_number}, else a level-like label or metadata field ({@code level}, {@code
 *       severity}, {@code lvl}, ...), else a level field of a JSON or logfmt line, else the first
 *       level word of the line, else {@code unknown}. Values are normalised to Loki's {@code trace,
 *       debug, info, warn, error, critical, fatal, unknown}.
 * </ul>
 *
 * Streams and entries that need nothing are passed on as they are (no copy).
 */
public final class LogDiscovery {
  public static final String SERVICE_NAME = "service_name";
  public static final String UNKNOWN_SERVICE = "unknown_service";
  public static final String DETECTED_LEVEL = "detected_level";
  public static final String UNKNOWN_LEVEL = "unknown";

  /** Loki's default {@code discover_service_name}. */
  public static final List<String> DEFAULT_SERVICE_NAME_SOURCES = List.of("service", "app", "application", "app_name", "name",
      "app_kubernetes_io_name", "container", "container_name", "k8s_container_name", "component", "workload", "job", "k8s_job_name");

  /** Field names that carry a level, in the order they are looked for in labels and metadata. */
  private static final List<String> LEVEL_FIELDS = List.of("level", "LEVEL", "Level", "severity", "SEVERITY", "Severity",
      "lvl", "LVL", "Lvl", "severity_text", "log_level", "loglevel");
  private static final java.util.Set<String> LEVEL_FIELD_SET = java.util.Set.copyOf(LEVEL_FIELDS);

  /** The metadata of an entry that had none, one per level: most entries need no copy of a map. */
  private static final Map<String, Labels> LEVEL_ONLY = levelOnly();

  private static Map<String, Labels> levelOnly() {
    Map<String, Labels> levels = new java.util.HashMap<>();
    for (String level : List.of("trace", "debug", "info", "warn", "error", "critical", "fatal", UNKNOWN_LEVEL)) {
      levels.put(level, Labels.of(DETECTED_LEVEL, level));
    }
    return levels;
  }

  private LogDiscovery() {}

  /** Discovery of one tenant's push. */
  public static PushRequest apply(PushRequest request, List<String> serviceNameSources, boolean discoverLogLevels) {
    if (serviceNameSources.isEmpty() && !discoverLogLevels) {
      return request;
    }
    List<StreamBatch> streams = new ArrayList<>(request.streams().size());
    boolean changed = false;
    for (StreamBatch stream : request.streams()) {
      Labels labels = serviceNameSources.isEmpty() ? stream.labels() : withServiceName(stream.labels(), serviceNameSources);
      List<LogEntry> entries = discoverLogLevels ? withLevels(labels, stream.entries()) : stream.entries();
      if (labels != stream.labels() || entries != stream.entries()) {
        changed = true;
        streams.add(new StreamBatch(labels, entries));
      } else {
        streams.add(stream);
      }
    }
    return changed ? new PushRequest(streams, request.rejectedStreams()) : request;
  }

  /** The labels with {@code service_name} set from the first present source, else {@code unknown_service}; unchanged if it is set. */
  public static Labels withServiceName(Labels labels, List<String> sources) {
    if (labels.get(SERVICE_NAME) != null) {
      return labels;
    }
    for (String source : sources) {
      String value = labels.get(source);
      if (value != null && !value.isEmpty()) {
        return labels.with(SERVICE_NAME, value);
      }
    }
    return labels.with(SERVICE_NAME, UNKNOWN_SERVICE);
  }

  private static List<LogEntry> withLevels(Labels labels, List<LogEntry> entries) {
    if (labels.get(DETECTED_LEVEL) != null) {
      return entries;
    }
    String streamLevel = levelField(labels);
    List<LogEntry> out = null;
    for (int i = 0; i < entries.size(); i++) {
      LogEntry entry = entries.get(i);
      if (entry.metadata().get(DETECTED_LEVEL) != null) {
        if (out != null) {
          out.add(entry);
        }
        continue;
      }
      String level = detectLevel(entry, streamLevel);
      if (out == null) {
        out = new ArrayList<>(entries.size());
        out.addAll(entries.subList(0, i));
      }
      Labels metadata = entry.metadata().isEmpty() ? LEVEL_ONLY.get(level) : entry.metadata().with(DETECTED_LEVEL, level);
      out.add(new LogEntry(entry.timestampNanos(), entry.line(), metadata));
    }
    return out == null ? entries : out;
  }

  /** The normalised level of one entry. */
  public static String detectLevel(LogEntry entry, String streamLevel) {
    String severityNumber = entry.metadata().get("severity_number");
    if (severityNumber != null) {
      String level = fromSeverityNumber(severityNumber);
      if (level != null) {
        return level;
      }
    }
    String field = levelField(entry.metadata());
    if (field != null) {
      return normalise(field);
    }
    if (streamLevel != null) {
      return normalise(streamLevel);
    }
    return fromLine(entry.line());
  }

  /** OTLP's SeverityNumber ranges: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
  static String fromSeverityNumber(String text) {
    int number;
    try {
      number = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return null;
    }
    if (number < 1 || number > 24) {
      return null;
    }
    return switch ((number - 1) / 4) {
      case 0 -> "trace";
      case 1 -> "debug";
      case 2 -> "info";
      case 3 -> "warn";
      case 4 -> "error";
      default -> "fatal";
    };
  }

  private static String levelField(Labels labels) {
    if (labels.isEmpty()) {
      return null;
    }
    for (String name : LEVEL_FIELDS) {
      String value = labels.get(name);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }

  /** Loki's level names for the spellings agents use; anything else is {@code unknown}. */
  public static String normalise(String level) {
    String lower = level.trim().toLowerCase(Locale.ROOT);
    String known = LEVEL_WORDS.get(lower);
    if (known != null) {
      return known;
    }
    String fromNumber = fromSeverityNumber(lower);
    return fromNumber != null ? fromNumber : UNKNOWN_LEVEL;
  }

  private static final Map<String, String> LEVEL_WORDS = levelWords();

  private static Map<String, String> levelWords() {
    Map<String, String> words = new TreeMap<>();
    for (String word : List.of("trace", "trc", "finest", "finer")) {
      words.put(word, "trace");
    }
    for (String word : List.of("debug", "dbg", "fine", "config")) {
      words.put(word, "debug");
    }
    for (String word : List.of("info", "inf", "information", "informational", "notice")) {
      words.put(word, "info");
    }
    for (String word : List.of("warn", "warning", "wrn")) {
      words.put(word, "warn");
    }
    for (String word : List.of("error", "err", "eror", "severe")) {
      words.put(word, "error");
    }
    for (String word : List.of("critical", "crit", "alert", "emerg", "emergency")) {
      words.put(word, "critical");
    }
    for (String word : List.of("fatal", "panic")) {
      words.put(word, "fatal");
    }
    return words;
  }

  /** A {@code level} field of a JSON or logfmt line, else the first level word, else {@code unknown}. */
  static String fromLine(String line) {
    String field = LineLevelField.find(line, LEVEL_FIELD_SET);
    if (field != null) {
      return normalise(field);
    }
    int length = Math.min(line.length(), 1024);
    int i = 0;
    while (i < length) {
      while (i < length && !Character.isLetter(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < length && Character.isLetter(line.charAt(i))) {
        i++;
      }
      String known = freeTextLevelWord(line, start, i);
      if (known != null) {
        return known;
      }
    }
    return UNKNOWN_LEVEL;
  }

  /** Level words that count in free text, with their level; matched in place, ignoring case. */
  private static final String[][] FREE_TEXT_WORDS = {
      {"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"warning", "warn"}, {"error", "error"},
      {"err", "error"}, {"critical", "critical"}, {"crit", "critical"}, {"fatal", "fatal"}, {"panic", "fatal"}};

  /** Bit {@code c & 63} set for the lowercase first letter {@code c} of each free-text level word. */
  private static final long FREE_TEXT_FIRST_LETTERS = firstLetters();

  private static long firstLetters() {
    long bits = 0;
    for (String[] word : FREE_TEXT_WORDS) {
      bits |= 1L << (word[0].charAt(0) & 63);
    }
    return bits;
  }

  /**
   * The level of the word {@code line[start, end)} when it is a level word set off as one:
   * upper case or capitalised ({@code ERROR}, {@code Error}), or lower case in a tag ({@code
   * [error]}, {@code error:}); else null. No allocation: most words fail on their length.
   */
  private static String freeTextLevelWord(String line, int start, int end) {
    int length = end - start;
    if (length < 3 || length > 8) {
      return null;
    }
    // Most words of a line start with a letter no level word starts with: one bit test turns them
    // away before the eleven words are compared (a fifth of the push handlers' CPU on free text).
    // Only ASCII is turned away here: ignoring case, a few other letters match ASCII ones (the
    // dotless i is an I), and the comparison below decides those as before.
    char first = line.charAt(start);
    if (first < 128 && (FREE_TEXT_FIRST_LETTERS & (1L << ((first | 0x20) & 63))) == 0) {
      return null;
    }
    for (String[] word : FREE_TEXT_WORDS) {
      if (word[0].length() == length && line.regionMatches(true, start, word[0], 0, length)) {
        boolean setOff = Character.isUpperCase(line.charAt(start)) || (start > 0 && "[<(|".indexOf(line.charAt(start - 1)) >= 0)
            || (end < line.length() && ":]>)|".indexOf(line.charAt(end)) >= 0);
        return setOff ? word[1] : null;
      }
    }
    return null;
  }
}

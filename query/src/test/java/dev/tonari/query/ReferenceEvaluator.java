package dev.tonari.query;

import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterTerm;
import dev.tonari.logql.LogSelectorExpr;
import dev.tonari.logql.Matcher;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The deliberately simple evaluator the engine is compared with: it keeps every pushed entry,
 * filters with String methods and java.util.regex, sorts everything (equal timestamps of one
 * stream in push order) and cuts at the limit.
 */
final class ReferenceEvaluator {
  /** An entry with its place in its stream's push order. */
  private record Row(Labels labels, LogEntry entry, int pushed) {}

  private final Map<Labels, List<LogEntry>> streams = new TreeMap<>();
  private final Map<Labels, java.util.Set<Map.Entry<Long, String>>> seen = new TreeMap<>();

  void push(Labels labels, LogEntry entry) {
    // Identical (timestamp, line) entries of a stream are kept once, at their first push, as Loki does.
    if (seen.computeIfAbsent(labels, l -> new java.util.HashSet<>()).add(Map.entry(entry.timestampNanos(), entry.line()))) {
      streams.computeIfAbsent(labels, l -> new ArrayList<>()).add(entry);
    }
  }

  List<StreamResult> evaluate(LogSelectorExpr query, long start, long end, int limit, Direction direction) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Labels, List<LogEntry>> stream : streams.entrySet()) {
      if (!selects(query.matchers(), stream.getKey())) {
        continue;
      }
      List<LogEntry> entries = stream.getValue();
      for (int i = 0; i < entries.size(); i++) {
        LogEntry entry = entries.get(i);
        if (entry.timestampNanos() >= start && entry.timestampNanos() < end && passes(query.lineFilters(), entry.line())) {
          rows.add(new Row(stream.getKey(), entry, i));
        }
      }
    }
    // Equal timestamps: streams in label order, entries of one stream in push order (reversed backward).
    Comparator<Row> byTime = Comparator.comparingLong(row -> row.entry().timestampNanos());
    Comparator<Row> byPush = Comparator.comparingInt(Row::pushed);
    Comparator<Row> order =
        direction == Direction.FORWARD
            ? byTime.thenComparing(Row::labels).thenComparing(byPush)
            : byTime.reversed().thenComparing(Row::labels).thenComparing(byPush.reversed());
    rows.sort(order);
    Map<Labels, List<LogEntry>> grouped = new TreeMap<>();
    for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
      grouped.computeIfAbsent(row.labels(), l -> new ArrayList<>()).add(row.entry());
    }
    List<StreamResult> result = new ArrayList<>();
    new LinkedHashMap<>(grouped).forEach((labels, entries) -> result.add(new StreamResult(labels, entries)));
    return result;
  }

  private static boolean selects(List<Matcher> matchers, Labels labels) {
    for (Matcher matcher : matchers) {
      String value = labels.get(matcher.name()) == null ? "" : labels.get(matcher.name());
      boolean matches =
          switch (matcher.type()) {
            case EQUAL -> value.equals(matcher.value());
            case NOT_EQUAL -> !value.equals(matcher.value());
            case REGEX -> Pattern.compile(matcher.value(), Pattern.DOTALL).matcher(value).matches();
            case NOT_REGEX -> !Pattern.compile(matcher.value(), Pattern.DOTALL).matcher(value).matches();
          };
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  private static boolean passes(List<LineFilter> filters, String line) {
    for (LineFilter filter : filters) {
      boolean any = false;
      for (LineFilterTerm term : filter.alternatives()) {
        String text = ((LineFilterTerm.Text) term).value();
        any |=
            switch (filter.operator()) {
              case CONTAINS, NOT_CONTAINS -> line.contains(text);
              case MATCHES_REGEX, NOT_MATCHES_REGEX -> Pattern.compile(text, Pattern.UNIX_LINES).matcher(line).find();
              default -> throw new IllegalArgumentException("reference evaluator has no " + filter.operator());
            };
      }
      if (any == filter.operator().negated()) {
        return false;
      }
    }
    return true;
  }
}

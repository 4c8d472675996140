package dev.tonari.server;

import dev.tonari.logql.Matcher;
import dev.tonari.query.QueryException;
import dev.tonari.store.Labels;
import dev.tonari.store.StreamVolume;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * How Loki's {@code index/volume} endpoints group stream volumes (its TSDB index {@code Volume}
 * and {@code seriesvolume} code), kept apart from HTTP so it can be tested alone:
 *
 * <ul>
 *   <li>{@code aggregateBy=series} (default): one series per distinct values of the grouping labels,
 *       which are the {@code targetLabels} when given, otherwise the names of the selector's matchers
 *       ({@code {}} groups by every label of each stream);
 *   <li>{@code aggregateBy=labels}: one series per label name, {@code {name=""}}, summing the bytes
 *       of every stream that has the label (only the target labels when given);
 *   <li>a target label that no matcher names must be present and non-empty, as if {@code
 *       name=~".+"} were added to the selector;
 *   <li>per time bucket, the {@code limit} largest groups, ties by name; more than {@code
 *       maxSeries} groups is refused with Loki's message.
 * </ul>
 */
final class VolumeAggregation {
  /** Loki's default number of series per answer. */
  static final int DEFAULT_LIMIT = 100;

  /** Loki's {@code volume_max_series}. */
  static final int DEFAULT_MAX_SERIES = 1000;

  enum AggregateBy {
    SERIES,
    LABELS;

    /** Loki's {@code aggregateBy} parameter; absent means series. */
    static AggregateBy parse(String text) {
      if (text == null || text.isEmpty()) {
        return SERIES;
      }
      return switch (text) {
        case "series" -> SERIES;
        case "labels" -> LABELS;
        default -> throw new IllegalArgumentException("invalid aggregation option");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One group of one bucket: its name (the labels' text, or the label name) and its bytes. */
  record Group(String name, Labels labels, long bytes) {}

  private final List<String> targetLabels;
  private final Set<String> groupingLabels;
  private final boolean everyLabel;
  private final AggregateBy aggregateBy;
  private final int limit;
  private final int maxSeries;

  /**
   * @param matchers the selector's matchers; empty for Loki's match-anything {@code {}}
   * @param targetLabels the {@code targetLabels} parameter split on commas; empty when absent
   */
  VolumeAggregation(List<Matcher> matchers, List<String> targetLabels, AggregateBy aggregateBy, int limit, int maxSeries) {
    this.targetLabels = List.copyOf(targetLabels);
    this.aggregateBy = aggregateBy;
    this.limit = limit;
    this.maxSeries = maxSeries;
    Set<String> grouping = new LinkedHashSet<>();
    if (!targetLabels.isEmpty()) {
      grouping.addAll(targetLabels);
    } else {
      for (Matcher matcher : matchers) {
        grouping.add(matcher.name());
      }
    }
    this.groupingLabels = Set.copyOf(grouping);
    this.everyLabel = matchers.isEmpty() && targetLabels.isEmpty();
  }

  /** Splits Loki's comma-separated {@code targetLabels}; absent or empty means none. */
  static List<String> parseTargetLabels(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return List.of(text.split(",", -1));
  }

  /** The selector plus the presence of target labels that no matcher names. */
  Predicate<Labels> selector(List<Matcher> matchers, Predicate<Labels> compiled) {
    List<String> required = new ArrayList<>();
    for (String target : targetLabels) {
      if (matchers.stream().noneMatch(matcher -> matcher.name().equals(target))) {
        required.add(target);
      }
    }
    if (required.isEmpty()) {
      return compiled;
    }
    return labels -> {
      for (String name : required) {
        String value = labels.get(name);
        if (value == null || value.isEmpty()) {
          return false;
        }
      }
      return compiled.test(labels);
    };
  }

  /** The groups of one time bucket, largest first, at most {@code limit}. */
  List<Group> groups(List<StreamVolume> volumes) throws QueryException {
    Map<String, Long> bytesByName = new HashMap<>();
    Map<String, Labels> labelsByName = new HashMap<>();
    for (StreamVolume volume : volumes) {
      Labels stream = volume.labels();
      if (aggregateBy == AggregateBy.SERIES) {
        Labels key = everyLabel ? stream : only(stream);
        String name = key.toString();
        labelsByName.putIfAbsent(name, key);
        add(bytesByName, name, volume.bytes());
      } else {
        for (String labelName : stream.names()) {
          if (targetLabels.isEmpty() || groupingLabels.contains(labelName)) {
            labelsByName.computeIfAbsent(labelName, name -> Labels.of(name, ""));
            add(bytesByName, labelName, volume.bytes());
          }
        }
      }
    }
    List<Group> groups = new ArrayList<>(bytesByName.size());
    for (Map.Entry<String, Long> entry : bytesByName.entrySet()) {
      groups.add(new Group(entry.getKey(), labelsByName.get(entry.getKey()), entry.getValue()));
    }
    groups.sort(Comparator.comparingLong(Group::bytes).reversed().thenComparing(Group::name));
    return groups.size() > limit ? List.copyOf(groups.subList(0, limit)) : groups;
  }

  private void add(Map<String, Long> bytesByName, String name, long bytes) throws QueryException {
    bytesByName.merge(name, bytes, Long::sum);
    if (bytesByName.size() > maxSeries) {
      throw new QueryException(400, String.format("the query hit the max number of series limit (limit: %d series)", maxSeries));
    }
  }

  private Labels only(Labels stream) {
    TreeMap<String, String> kept = new TreeMap<>();
    for (int i = 0; i < stream.size(); i++) {
      if (groupingLabels.contains(stream.name(i))) {
        kept.put(stream.name(i), stream.value(i));
      }
    }
    return Labels.of(kept);
  }
}

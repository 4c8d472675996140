package dev.tonari.alerts.history;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries of the history, read from the day files (only open episodes are in memory). Reads
 * run beside the writer without a lock: a record being appended is seen as a short frame and
 * simply not read yet.
 */
final class HistoryReader {
  private static final Logger log = LoggerFactory.getLogger(HistoryReader.class);
  /**
   * How many days past a range episodes are still read for acknowledgements given after they
   * ended (the morning after a night page, a Monday after a weekend).
   */
  static final int ACKNOWLEDGEMENT_LOOKAHEAD_DAYS = 7;

  private final HistoryDirectory directory;

  HistoryReader(HistoryDirectory directory) {
    this.directory = directory;
  }

  /** Transitions at {@code from..to} (both included) that match, the newest {@code limit} of them, newest first. */
  List<HistoryEntry> transitions(String tenant, Instant from, Instant to, TransitionFilter filter, int limit) throws IOException {
    ArrayDeque<HistoryEntry> newest = new ArrayDeque<>();
    if (limit <= 0) {
      return List.of();
    }
    LocalDate first = dayOf(from);
    LocalDate last = dayOf(to);
    for (LocalDate day : directory.days(tenant)) {
      if (day.isBefore(first) || day.isAfter(last)) {
        continue;
      }
      read(tenant, day, record -> {
        if (record instanceof HistoryRecord.Transition transition && !transition.at().isBefore(from) && !transition.at().isAfter(to)
            && filter.matches(transition.transition())) {
          newest.addLast(new HistoryEntry(transition.episodeId(), transition.transition()));
          if (newest.size() > limit) {
            newest.removeFirst();
          }
        }
      });
    }
    List<HistoryEntry> entries = new ArrayList<>(newest);
    entries.sort(Comparator.comparing((HistoryEntry entry) -> entry.transition().at()).reversed());
    return entries;
  }

  /**
   * Episodes active at some instant of {@code from..to}: started by {@code to} and not resolved
   * before {@code from}, newest start first. Reads from the first file of {@code from}'s day (whose
   * first record names the episodes open then) on, past {@code to} while an episode found is
   * unresolved but no longer open, and for {@link #ACKNOWLEDGEMENT_LOOKAHEAD_DAYS} for late
   * acknowledgements.
   *
   * @param openNow the tenant's open episodes in memory, which are the truth for those still open
   */
  List<AlertEpisode> episodes(String tenant, Instant from, Instant to, List<AlertEpisode> openNow, int limit) throws IOException {
    Map<String, AlertEpisode> open = new LinkedHashMap<>();
    openNow.forEach(episode -> open.put(episode.id(), episode));
    EpisodeTracker tracker = new EpisodeTracker(tenant, true);
    LocalDate first = dayOf(from);
    LocalDate last = dayOf(to);
    LocalDate lookaheadEnd = last.plusDays(ACKNOWLEDGEMENT_LOOKAHEAD_DAYS);
    for (LocalDate day : directory.days(tenant)) {
      if (day.isBefore(first)) {
        continue;
      }
      if (day.isAfter(lookaheadEnd) && !resolutionMissing(tracker, open.keySet())) {
        break;
      }
      read(tenant, day, record -> tracker.applyStartedBy(record, to));
    }
    Map<String, AlertEpisode> found = new LinkedHashMap<>();
    for (AlertEpisode episode : tracker.episodes()) {
      AlertEpisode current = open.getOrDefault(episode.id(), episode);
      if (!current.startedAt().isAfter(to) && (current.resolvedAt().isEmpty() || !current.resolvedAt().get().isBefore(from))) {
        found.put(current.id(), current);
      }
    }
    for (AlertEpisode episode : openNow) {
      if (!episode.startedAt().isAfter(to)) {
        found.putIfAbsent(episode.id(), episode);
      }
    }
    List<AlertEpisode> episodes = new ArrayList<>(found.values());
    episodes.sort(Comparator.comparing(AlertEpisode::startedAt).thenComparing(AlertEpisode::id).reversed());
    return episodes.size() > limit ? List.copyOf(episodes.subList(0, limit)) : episodes;
  }

  /** Whether some episode read is neither resolved in the files read so far nor open now: its end is further on. */
  private static boolean resolutionMissing(EpisodeTracker tracker, Set<String> openNow) {
    for (String id : tracker.openIds()) {
      if (!openNow.contains(id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One episode by id, over or open, with every acknowledgement up to now; empty when the tenant's
   * history has no such episode (its start must be in the file of the day its id names, or the next).
   */
  Optional<AlertEpisode> episode(String tenant, String id) throws IOException {
    Optional<LocalDate> startDay = EpisodeIds.startDay(id);
    if (startDay.isEmpty()) {
      return Optional.empty();
    }
    EpisodeTracker tracker = new EpisodeTracker(tenant, true);
    Set<String> seen = new HashSet<>();
    for (LocalDate day : directory.days(tenant)) {
      if (day.isBefore(startDay.get())) {
        continue;
      }
      if (seen.isEmpty() && day.isAfter(startDay.get().plusDays(1))) {
        return Optional.empty();
      }
      read(tenant, day, record -> {
        boolean ours = switch (record) {
          case HistoryRecord.Transition transition -> transition.episodeId().equals(id);
          case HistoryRecord.Acknowledged acknowledged -> acknowledged.episodeId().equals(id);
          case HistoryRecord.OpenEpisodes openEpisodes -> openEpisodes.episodes().stream().anyMatch(episode -> episode.id().equals(id));
        };
        if (ours) {
          seen.add(id);
          tracker.apply(record);
        }
      });
    }
    return tracker.episode(id);
  }

  private void read(String tenant, LocalDate day, HistoryFile.RecordVisitor visitor) throws IOException {
    Path file = directory.file(tenant, day);
    try {
      HistoryFile.scan(file, visitor);
    } catch (NoSuchFileException e) {
      // Retention deleted it while the query ran: it was past the retention period anyway.
      log.debug("alert history file {} went away during a query", file);
    } catch (CorruptHistoryException e) {
      log.warn("alert history of tenant {}: skipping {} in a query: {}", tenant, file, e.getMessage());
    }
  }

  static LocalDate dayOf(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }
}

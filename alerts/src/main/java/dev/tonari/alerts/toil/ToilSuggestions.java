package dev.tonari.alerts.toil;

import dev.tonari.alerts.history.AlertEpisode;
import dev.tonari.alerts.toil.ToilCalculator.Classified;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What to change about a noisy rule, each from its own figures:
 *
 * <ul>
 *   <li>at least {@value #MIN_FLAPPING} flapping episodes: when its flaps' gaps (resolved to firing
 *       again) are shorter than its episodes last (median against median), it goes quiet briefly
 *       while the problem lasts, and {@code keep_firing_for} of the gaps' p90 (whole minutes, up)
 *       bridges them; otherwise its episodes are short blips, and a {@code for} of the p90 of the
 *       flapping episodes' active time (pending to resolved, whole minutes, up) would have fired
 *       for at most one in ten. The {@code for} it has now is read from the episodes: the
 *       shortest time from pending to firing;
 *   <li>a page with at least {@value #MIN_UNACKNOWLEDGED_NOISE} episodes that resolved on their
 *       own and none acknowledged: nobody acts on it, so it should not wake anyone: a ticket;
 *   <li>another rule with at least {@value #MIN_MERGE_EPISODES} episodes, where at least 80 % of
 *       each rule's episodes fired within 5 minutes of one of the other's: one alert would do.
 * </ul>
 */
final class ToilSuggestions {
  static final int MIN_FLAPPING = 2;
  static final int MIN_UNACKNOWLEDGED_NOISE = 3;
  static final int MIN_MERGE_EPISODES = 3;
  static final double MERGE_SHARE = 0.8;
  static final Duration MERGE_WITHIN = Duration.ofMinutes(5);

  private ToilSuggestions() {}

  static List<Suggestion> suggest(List<Classified> rule, ToilFigures figures, List<List<Classified>> allRules) {
    List<Suggestion> suggestions = new ArrayList<>();
    flapping(rule).ifPresent(suggestions::add);
    if (rule.getLast().severity() == Severity.PAGE && figures.acknowledged() == 0 && figures.noise() >= MIN_UNACKNOWLEDGED_NOISE) {
      suggestions.add(new Suggestion.PageToTicket(figures.pages(), figures.noise()));
    }
    suggestions.addAll(merges(rule, allRules));
    return suggestions;
  }

  private static Optional<Suggestion> flapping(List<Classified> rule) {
    List<Duration> gaps = new ArrayList<>();
    List<Duration> flapActive = new ArrayList<>();
    List<Duration> firing = new ArrayList<>();
    Duration seenFor = null;
    for (Classified c : rule) {
      AlertEpisode episode = c.episode();
      Duration pending = Duration.between(episode.startedAt(), c.firedAt());
      seenFor = seenFor == null || pending.compareTo(seenFor) < 0 ? pending : seenFor;
      episode.timeToResolve().ifPresent(firing::add);
      if (c.flapping()) {
        gaps.add(c.flapGap().get());
        episode.resolvedAt().ifPresent(resolved -> flapActive.add(Duration.between(episode.startedAt(), resolved)));
      }
    }
    if (gaps.size() < MIN_FLAPPING) {
      return Optional.empty();
    }
    DurationSummary gapSummary = DurationSummary.of(gaps);
    DurationSummary firingSummary = DurationSummary.of(firing);
    if (firingSummary.median().isPresent() && gapSummary.median().get().compareTo(firingSummary.median().get()) < 0) {
      return Optional.of(new Suggestion.KeepFiringFor(wholeMinutesUp(gapSummary.p90().get()), gaps.size()));
    }
    if (flapActive.isEmpty()) {
      return Optional.empty();
    }
    Duration raised = wholeMinutesUp(DurationSummary.of(flapActive).p90().get());
    if (raised.compareTo(seenFor) <= 0) {
      raised = wholeMinutesUp(seenFor.plusMinutes(1));
    }
    return Optional.of(new Suggestion.RaiseFor(seenFor, raised, gaps.size()));
  }

  private static List<Suggestion> merges(List<Classified> rule, List<List<Classified>> allRules) {
    List<Suggestion.MergeWith> merges = new ArrayList<>();
    if (rule.size() < MIN_MERGE_EPISODES) {
      return List.of();
    }
    List<Instant> ours = firedTimes(rule);
    for (List<Classified> other : allRules) {
      if (other == rule || other.size() < MIN_MERGE_EPISODES) {
        continue;
      }
      List<Instant> theirs = firedTimes(other);
      double share = Math.min(shareNear(ours, theirs), shareNear(theirs, ours));
      if (share >= MERGE_SHARE) {
        AlertEpisode episode = other.getLast().episode();
        merges.add(new Suggestion.MergeWith(episode.namespace(), episode.group(), episode.rule(), share, MERGE_WITHIN));
      }
    }
    merges.sort(Comparator.comparingDouble(Suggestion.MergeWith::share).reversed().thenComparing(Suggestion.MergeWith::rule));
    return List.copyOf(merges);
  }

  private static List<Instant> firedTimes(List<Classified> rule) {
    List<Instant> times = new ArrayList<>(rule.size());
    rule.forEach(c -> times.add(c.firedAt()));
    times.sort(null);
    return times;
  }

  /** The share of {@code times} with one of {@code others} (both sorted) within {@link #MERGE_WITHIN}. */
  private static double shareNear(List<Instant> times, List<Instant> others) {
    int near = 0;
    int j = 0;
    for (Instant time : times) {
      while (j < others.size() && others.get(j).isBefore(time.minus(MERGE_WITHIN))) {
        j++;
      }
      if (j < others.size() && !others.get(j).isAfter(time.plus(MERGE_WITHIN))) {
        near++;
      }
    }
    return (double) near / times.size();
  }

  /** Rounded up to whole minutes, at least one. */
  static Duration wholeMinutesUp(Duration duration) {
    long minutes = duration.toMinutes();
    if (Duration.ofMinutes(minutes).compareTo(duration) < 0) {
      minutes++;
    }
    return Duration.ofMinutes(Math.max(1, minutes));
  }
}

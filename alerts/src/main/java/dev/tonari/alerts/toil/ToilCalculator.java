package dev.tonari.alerts.toil;

import dev.tonari.alerts.history.AlertEpisode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes a {@link ToilReport} from a team's episodes. Only episodes that fired count, each in
 * the ISO week (of the team's time zone) in which it fired:
 *
 * <ul>
 *   <li>pages, tickets and others by {@link Severity#of} the episode's labels;
 *   <li>a page outside working hours fired outside the team's working hours or days, by the wall
 *       clock of its time zone, so 08:30 local is outside 09:00-18:00 in summer and in winter;
 *   <li>an episode is flapping when the same alert's previous fired episode resolved at most
 *       {@code flapping_window} before it fired (the previous one may be before the period:
 *       callers pass episodes from {@code flapping_window} earlier);
 *   <li>an episode is noise when it resolved and nobody acknowledged it within {@code
 *       noise_ack_within} of firing;
 *   <li>time to acknowledge and to resolve are measured from firing, summarised by {@link
 *       DurationSummary} (median and p90, nearest rank).
 * </ul>
 */
public final class ToilCalculator {
  public static final int DEFAULT_TOP_RULES = 5;

  private ToilCalculator() {}

  /** One fired episode with what the report needs to know of it. */
  record Classified(AlertEpisode episode, Instant firedAt, Severity severity, boolean outsideWorkingHours, Optional<Duration> flapGap,
      boolean noise) {
    boolean flapping() {
      return flapGap.isPresent();
    }

    String ruleKey() {
      return episode.namespace() + "\u0000" + episode.group() + "\u0000" + episode.rule();
    }
  }

  /**
   * @param episodes the team's episodes, from at least {@code flapping_window} before {@code from}
   * @param from the period's start, included
   * @param to the period's end, excluded
   * @param topRules how many of the noisiest rules to list
   */
  public static ToilReport compute(String tenant, List<AlertEpisode> episodes, ToilSettings settings, List<String> settingsProblems, Instant from,
      Instant to, int topRules) {
    List<Classified> fired = classify(episodes, settings, from, to);
    List<ToilReport.Week> weeks = new ArrayList<>();
    LocalDate monday = LocalDate.ofInstant(from, settings.timeZone()).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    while (true) {
      Instant weekStart = monday.atStartOfDay(settings.timeZone()).toInstant();
      if (!weekStart.isBefore(to)) {
        break;
      }
      Instant weekEnd = monday.plusWeeks(1).atStartOfDay(settings.timeZone()).toInstant();
      Instant start = weekStart.isBefore(from) ? from : weekStart;
      Instant end = weekEnd.isAfter(to) ? to : weekEnd;
      List<Classified> ofWeek = fired.stream().filter(c -> !c.firedAt().isBefore(start) && c.firedAt().isBefore(end)).toList();
      weeks.add(new ToilReport.Week(isoWeek(monday), start, end, figures(ofWeek)));
      monday = monday.plusWeeks(1);
    }
    return new ToilReport(tenant, from, to, settings, settingsProblems, figures(fired), weeks, noisiestRules(fired, topRules));
  }

  /** {@code YYYY-Www} of a date. */
  public static String isoWeek(LocalDate date) {
    return String.format(java.util.Locale.ROOT, "%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }

  /** The fired episodes of the period, each with its severity, flap gap and noise; oldest first. */
  static List<Classified> classify(List<AlertEpisode> episodes, ToilSettings settings, Instant from, Instant to) {
    List<AlertEpisode> fired = new ArrayList<>();
    for (AlertEpisode episode : episodes) {
      if (episode.firedAt().isPresent()) {
        fired.add(episode);
      }
    }
    fired.sort(Comparator.comparing((AlertEpisode episode) -> episode.firedAt().get()).thenComparing(AlertEpisode::id));
    Map<String, AlertEpisode> previousOfAlert = new HashMap<>();
    List<Classified> classified = new ArrayList<>();
    for (AlertEpisode episode : fired) {
      Instant firedAt = episode.firedAt().get();
      AlertEpisode previous = previousOfAlert.put(episode.fingerprint(), episode);
      if (firedAt.isBefore(from) || !firedAt.isBefore(to)) {
        continue;
      }
      Optional<Duration> gap = Optional.empty();
      if (previous != null && previous.resolvedAt().isPresent()) {
        Duration sinceResolved = Duration.between(previous.resolvedAt().get(), firedAt);
        if (!sinceResolved.isNegative() && sinceResolved.compareTo(settings.flappingWindow()) <= 0) {
          gap = Optional.of(sinceResolved);
        }
      }
      boolean acknowledgedInTime = episode.acknowledgement().isPresent()
          && !episode.acknowledgement().get().at().isAfter(firedAt.plus(settings.noiseAckWithin()));
      boolean noise = episode.resolvedAt().isPresent() && !acknowledgedInTime;
      Severity severity = Severity.of(episode.labels());
      classified.add(new Classified(episode, firedAt, severity, severity == Severity.PAGE && !settings.isWorkingTime(firedAt), gap, noise));
    }
    return classified;
  }

  static ToilFigures figures(List<Classified> fired) {
    int pages = 0;
    int tickets = 0;
    int other = 0;
    int outside = 0;
    int flapping = 0;
    int noise = 0;
    int acknowledged = 0;
    List<Duration> toAcknowledge = new ArrayList<>();
    List<Duration> toResolve = new ArrayList<>();
    for (Classified c : fired) {
      switch (c.severity()) {
        case PAGE -> pages++;
        case TICKET -> tickets++;
        case OTHER -> other++;
      }
      outside += c.outsideWorkingHours() ? 1 : 0;
      flapping += c.flapping() ? 1 : 0;
      noise += c.noise() ? 1 : 0;
      if (c.episode().acknowledgement().isPresent()) {
        acknowledged++;
        Duration wait = Duration.between(c.firedAt(), c.episode().acknowledgement().get().at());
        toAcknowledge.add(wait.isNegative() ? Duration.ZERO : wait);
      }
      c.episode().timeToResolve().ifPresent(toResolve::add);
    }
    return new ToilFigures(pages, tickets, other, outside, flapping, noise, acknowledged, DurationSummary.of(toAcknowledge), DurationSummary.of(toResolve));
  }

  private static List<RuleToil> noisiestRules(List<Classified> fired, int topRules) {
    Map<String, List<Classified>> byRule = new LinkedHashMap<>();
    for (Classified c : fired) {
      byRule.computeIfAbsent(c.ruleKey(), key -> new ArrayList<>()).add(c);
    }
    List<List<Classified>> rules = new ArrayList<>(byRule.values());
    rules.sort(Comparator.comparingInt((List<Classified> rule) -> rule.size()).reversed()
        .thenComparing(rule -> rule.getFirst().episode().rule()).thenComparing(rule -> rule.getFirst().ruleKey()));
    List<RuleToil> noisiest = new ArrayList<>();
    for (List<Classified> rule : rules.subList(0, Math.min(Math.max(0, topRules), rules.size()))) {
      ToilFigures figures = figures(rule);
      AlertEpisode latest = rule.getLast().episode();
      noisiest.add(new RuleToil(latest.namespace(), latest.group(), latest.rule(), rule.getLast().severity(), rule.size(), figures.pages(),
          figures.flapping(), figures.noise(), figures.acknowledged(), figures.timeToResolve(), ToilSuggestions.suggest(rule, figures, rules)));
    }
    return noisiest;
  }
}

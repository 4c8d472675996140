package dev.tonari.alerts.toil;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A team's toil over a period, per ISO week of its time zone and in all, with its noisiest rules;
 * see {@link ToilCalculator} for how each figure is counted.
 *
 * @param tenant the team's tenant
 * @param from the period's start, included
 * @param to the period's end, excluded
 * @param settings the settings the figures were computed with
 * @param settingsProblems why the settings are the defaults, when the team's section could not be used
 * @param total the whole period
 * @param weeks each ISO week that overlaps the period, oldest first (the first and last may be partial)
 * @param noisiestRules the rules with the most fired episodes, most first
 */
public record ToilReport(String tenant, Instant from, Instant to, ToilSettings settings, List<String> settingsProblems, ToilFigures total,
    List<Week> weeks, List<RuleToil> noisiestRules) {
  public ToilReport {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(settings, "settings");
    settingsProblems = List.copyOf(settingsProblems);
    Objects.requireNonNull(total, "total");
    weeks = List.copyOf(weeks);
    noisiestRules = List.copyOf(noisiestRules);
  }

  /**
   * @param week {@code YYYY-Www}
   * @param from the week's start in the team's time zone, or the period's start if later
   * @param to the week's end, or the period's end if earlier
   */
  public record Week(String week, Instant from, Instant to, ToilFigures figures) {
    public Week {
      Objects.requireNonNull(week, "week");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(figures, "figures");
    }
  }
}

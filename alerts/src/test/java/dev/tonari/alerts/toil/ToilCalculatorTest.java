package dev.tonari.alerts.toil;

import static dev.tonari.alerts.toil.Episodes.alert;
import static dev.tonari.alerts.toil.Episodes.at;
import static dev.tonari.alerts.toil.Episodes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.alerts.history.AlertEpisode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Toil figures on hand-built episodes whose answers are worked out in the comments. */
class ToilCalculatorTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ToilSettings BERLIN_NINE_TO_SIX = new ToilSettings(LocalTime.of(9, 0), LocalTime.of(18, 0),
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), BERLIN, Duration.ofHours(1), Duration.ofMinutes(10));
  private static final Instant FROM = at("2024-05-06T00:00:00Z");
  private static final Instant TO = at("2024-05-13T00:00:00Z");

  private static ToilReport report(List<AlertEpisode> episodes, ToilSettings settings, Instant from, Instant to) {
    return ToilCalculator.compute("team-a", episodes, settings, List.of(), from, to, 10);
  }

  private static ToilReport report(List<AlertEpisode> episodes) {
    return report(episodes, ToilSettings.defaults(), FROM, TO);
  }

  private static RuleToil rule(ToilReport report, String name) {
    return report.noisiestRules().stream().filter(rule -> rule.rule().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void severityComesFromSlothSeverityElseSeverity() {
    assertThat(Severity.of(Map.of("severity", "critical"))).isEqualTo(Severity.PAGE);
    assertThat(Severity.of(Map.of("severity", "PAGE"))).isEqualTo(Severity.PAGE);
    assertThat(Severity.of(Map.of("severity", "warning"))).isEqualTo(Severity.TICKET);
    assertThat(Severity.of(Map.of("severity", "info"))).isEqualTo(Severity.TICKET);
    assertThat(Severity.of(Map.of("severity", "ticket"))).isEqualTo(Severity.TICKET);
    assertThat(Severity.of(Map.of("sloth_severity", "page", "severity", "warning"))).isEqualTo(Severity.PAGE);
    assertThat(Severity.of(Map.of("sloth_severity", "ticket", "severity", "critical"))).isEqualTo(Severity.TICKET);
    assertThat(Severity.of(Map.of("severity", "sev2"))).isEqualTo(Severity.OTHER);
    assertThat(Severity.of(Map.of())).isEqualTo(Severity.OTHER);
  }

  @Test
  void pagesOutsideWorkingHoursFollowTheWallClockAcrossTheChangeToSummerTime() {
    // Berlin changes to summer time on Sunday 2024-03-31: 07:30Z is 08:30 before and 09:30 after.
    Episodes page = alert("Page", "severity", "page");
    Episodes ticket = alert("Ticket", "severity", "ticket");
    List<AlertEpisode> episodes = List.of(
        page.fired(at("2024-03-28T16:30:00Z"), minutes(0), minutes(5)), // Thu 17:30 CET: inside
        page.fired(at("2024-03-29T07:30:00Z"), minutes(0), minutes(5)), // Fri 08:30 CET: outside
        page.fired(at("2024-03-29T08:30:00Z"), minutes(0), minutes(5)), // Fri 09:30 CET: inside
        page.fired(at("2024-03-30T12:00:00Z"), minutes(0), minutes(5)), // Sat: outside
        page.fired(at("2024-04-02T07:30:00Z"), minutes(0), minutes(5)), // Tue 09:30 CEST: inside
        page.fired(at("2024-04-02T16:30:00Z"), minutes(0), minutes(5)), // Tue 18:30 CEST: outside
        ticket.fired(at("2024-04-03T01:00:00Z"), minutes(0), minutes(5))); // a ticket at night is not a page
    Instant from = at("2024-03-24T23:00:00Z"); // Monday 2024-03-25 00:00 CET
    Instant to = at("2024-04-07T22:00:00Z"); // Monday 2024-04-08 00:00 CEST
    ToilReport report = report(episodes, BERLIN_NINE_TO_SIX, from, to);

    assertThat(report.total().pages()).isEqualTo(6);
    assertThat(report.total().tickets()).isEqualTo(1);
    assertThat(report.total().pagesOutsideWorkingHours()).isEqualTo(3);
    assertThat(report.weeks()).extracting(ToilReport.Week::week).containsExactly("2024-W13", "2024-W14");
    ToilReport.Week first = report.weeks().get(0);
    assertThat(first.from()).isEqualTo(from);
    assertThat(first.to()).as("the week ends at Monday 00:00 CEST").isEqualTo(at("2024-03-31T22:00:00Z"));
    assertThat(first.figures().pages()).isEqualTo(4);
    assertThat(first.figures().pagesOutsideWorkingHours()).isEqualTo(2);
    assertThat(report.weeks().get(1).figures().pages()).isEqualTo(2);
    assertThat(report.weeks().get(1).figures().pagesOutsideWorkingHours()).isEqualTo(1);

    // The same instants under the defaults (09:00-17:00 UTC): 16:30Z is inside; 07:30Z (twice), 08:30Z and Saturday outside.
    assertThat(report(episodes, ToilSettings.defaults(), from, to).total().pagesOutsideWorkingHours()).isEqualTo(4);
    assertThat(ToilSettings.defaults().isWorkingTime(at("2024-03-28T16:59:59Z"))).isTrue();
    assertThat(ToilSettings.defaults().isWorkingTime(at("2024-03-28T17:00:00Z"))).isFalse();
    assertThat(ToilSettings.defaults().isWorkingTime(at("2024-03-28T09:00:00Z"))).isTrue();
  }

  @Test
  void anAlertThatFiresAgainWithinTheWindowOfResolvingIsFlapping() {
    Episodes x = alert("Flappy", "pod", "x", "severity", "page");
    Episodes y = alert("Flappy", "pod", "y", "severity", "page");
    List<AlertEpisode> episodes = List.of(
        x.fired(at("2024-05-05T23:00:00Z"), minutes(0), minutes(50)), // before the period, resolved 23:50
        x.fired(at("2024-05-06T00:00:00Z"), minutes(0), minutes(5)), // 10m after: flapping; resolved 00:05
        x.fired(at("2024-05-06T00:30:00Z"), minutes(0), minutes(30)), // 25m after: flapping; resolved 01:00
        x.fired(at("2024-05-06T02:00:00Z"), minutes(0), minutes(5)), // exactly 1h after: flapping (the window is included)
        x.fired(at("2024-05-06T04:00:00Z"), minutes(0), minutes(5)), // 1h55m after: not flapping
        y.fired(at("2024-05-06T00:06:00Z"), minutes(0), minutes(5))); // another alert of the rule: its first episode
    ToilReport report = report(episodes);
    assertThat(report.total().pages()).as("the episode before the period is not counted").isEqualTo(5);
    assertThat(report.total().flapping()).isEqualTo(3);
    assertThat(rule(report, "Flappy").flapping()).isEqualTo(3);
  }

  @Test
  void noiseIsWhatResolvedWithNoAcknowledgementWithinTheLimit() {
    Episodes alert = alert("Noisy", "severity", "ticket");
    Instant fired = at("2024-05-07T10:00:00Z");
    List<AlertEpisode> episodes = List.of(
        alert.episode(fired, fired, fired.plus(minutes(3)), null), // resolved, never acknowledged: noise
        alert.episode(fired.plusSeconds(3600), fired.plusSeconds(3600), fired.plusSeconds(3600).plus(minutes(30)),
            fired.plusSeconds(3600).plus(minutes(10))), // acknowledged exactly at the limit: not noise
        alert.episode(fired.plusSeconds(7200), fired.plusSeconds(7200), fired.plusSeconds(7200).plus(minutes(30)),
            fired.plusSeconds(7200).plus(minutes(11))), // acknowledged too late: noise
        alert.episode(fired.plusSeconds(10800), fired.plusSeconds(10800), null, null), // still firing: not noise (yet)
        alert.episode(fired.plusSeconds(14400), null, fired.plusSeconds(14500), null)); // never fired: not counted at all
    ToilReport report = report(episodes);
    assertThat(report.total().tickets()).isEqualTo(4);
    assertThat(report.total().noise()).isEqualTo(2);
    assertThat(report.total().acknowledged()).isEqualTo(2);
    assertThat(report.total().timeToAcknowledge()).isEqualTo(new DurationSummary(2, Optional.of(minutes(10)), Optional.of(minutes(11))));
    assertThat(report.total().timeToResolve().count()).isEqualTo(3);
  }

  @Test
  void medianAndP90AreNearestRank() {
    List<Duration> ten = new ArrayList<>();
    for (int i = 10; i >= 1; i--) {
      ten.add(minutes(i));
    }
    assertThat(DurationSummary.of(ten)).isEqualTo(new DurationSummary(10, Optional.of(minutes(5)), Optional.of(minutes(9))));
    assertThat(DurationSummary.of(List.of(minutes(4), minutes(1), minutes(3), minutes(2))))
        .isEqualTo(new DurationSummary(4, Optional.of(minutes(2)), Optional.of(minutes(4))));
    assertThat(DurationSummary.of(List.of(minutes(7)))).isEqualTo(new DurationSummary(1, Optional.of(minutes(7)), Optional.of(minutes(7))));
    assertThat(DurationSummary.of(List.of())).isEqualTo(DurationSummary.none());

    // Time to resolve of 1..10 minutes, time to acknowledge with one acknowledgement given while pending (0).
    Episodes alert = alert("Timed", "severity", "page");
    List<AlertEpisode> episodes = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      Instant fired = at("2024-05-07T00:00:00Z").plus(Duration.ofHours(2L * i));
      Instant acknowledged = i == 1 ? fired.minus(minutes(1)) : i <= 4 ? fired.plus(minutes(i)) : null;
      episodes.add(alert.episode(fired.minus(minutes(2)), fired, fired.plus(minutes(i)), acknowledged));
    }
    ToilReport report = report(episodes);
    assertThat(report.total().timeToResolve()).isEqualTo(new DurationSummary(10, Optional.of(minutes(5)), Optional.of(minutes(9))));
    assertThat(report.total().timeToAcknowledge()).isEqualTo(new DurationSummary(4, Optional.of(minutes(2)), Optional.of(minutes(4))));
    assertThat(report.total().timeToAcknowledge().median()).isPresent();
  }

  @Test
  void shortBlipsThatFlapGetALongerFor() {
    // for = 2m; five episodes 40m apart firing 1, 1, 2, 1, 3 minutes: active 3, 3, 4, 3, 5 minutes.
    // Gaps 39, 39, 38, 39 minutes (longer than the episodes fire): the last four flap; p90 of their
    // active time (3, 4, 3, 5) is 5m.
    Episodes blip = alert("Blip", "severity", "ticket");
    long[] firing = {1, 1, 2, 1, 3};
    List<AlertEpisode> episodes = new ArrayList<>();
    for (int i = 0; i < firing.length; i++) {
      Instant start = at("2024-05-07T10:00:00Z").plus(minutes(40L * i));
      episodes.add(blip.episode(start, start.plus(minutes(2)), start.plus(minutes(2 + firing[i])), null));
    }
    RuleToil rule = rule(report(episodes), "Blip");
    assertThat(rule.flapping()).isEqualTo(4);
    assertThat(rule.suggestions()).containsExactly(new Suggestion.RaiseFor(minutes(2), minutes(5), 4));
    assertThat(rule.suggestions().getFirst().text()).isEqualTo("raise `for` from 2m to 5m: 90% of its 4 flapping episodes were over within 5m");

    // Only one of them flapping (the others 2h apart): no suggestion.
    List<AlertEpisode> apart = new ArrayList<>();
    for (int i = 0; i < firing.length; i++) {
      Instant start = at("2024-05-07T10:00:00Z").plus(Duration.ofHours(i == 1 ? 0 : 2L * i)).plus(minutes(i == 1 ? 40 : 0));
      apart.add(blip.episode(start, start.plus(minutes(2)), start.plus(minutes(2 + firing[i])), null));
    }
    RuleToil calm = rule(report(apart), "Blip");
    assertThat(calm.flapping()).isEqualTo(1);
    assertThat(calm.suggestions()).isEmpty();
  }

  @Test
  void longEpisodesWithShortGapsGetKeepFiringFor() {
    // Firing 20 minutes each, quiet 2 then 3 minutes between: keep_firing_for of the gaps' p90, 3m.
    Episodes choppy = alert("Choppy", "severity", "ticket");
    List<AlertEpisode> episodes = List.of(
        choppy.fired(at("2024-05-07T10:00:00Z"), minutes(0), minutes(20)),
        choppy.fired(at("2024-05-07T10:22:00Z"), minutes(0), minutes(20)),
        choppy.fired(at("2024-05-07T10:45:00Z"), minutes(0), minutes(20)));
    RuleToil rule = rule(report(episodes), "Choppy");
    assertThat(rule.suggestions()).containsExactly(new Suggestion.KeepFiringFor(minutes(3), 2));
    assertThat(rule.suggestions().getFirst().text()).isEqualTo("set keep_firing_for: 3m: 90% of its 2 flaps fired again within 3m of resolving");
  }

  @Test
  void unacknowledgedPagesThatGoAwayOnTheirOwnShouldBeTickets() {
    Episodes night = alert("NightPage", "severity", "page");
    List<AlertEpisode> three = List.of(
        night.fired(at("2024-05-07T02:00:00Z"), minutes(1), minutes(4)),
        night.fired(at("2024-05-08T02:00:00Z"), minutes(1), minutes(4)),
        night.fired(at("2024-05-09T02:00:00Z"), minutes(1), minutes(4)));
    RuleToil rule = rule(report(three), "NightPage");
    assertThat(rule.suggestions()).containsExactly(new Suggestion.PageToTicket(3, 3));
    assertThat(rule.suggestions().getFirst().text()).isEqualTo("page -> ticket: 3 pages, none acknowledged, 3 resolved on their own");

    List<AlertEpisode> oneAcknowledged = new ArrayList<>(three);
    AlertEpisode last = three.get(2);
    oneAcknowledged.set(2, night.episode(last.startedAt(), last.firedAt().get(), last.resolvedAt().get(), last.firedAt().get().plus(minutes(1))));
    assertThat(rule(report(oneAcknowledged), "NightPage").suggestions()).isEmpty();
    assertThat(rule(report(three.subList(0, 2)), "NightPage").suggestions()).isEmpty();
    Episodes ticket = alert("NightTicket", "severity", "ticket");
    List<AlertEpisode> tickets = List.of(ticket.fired(at("2024-05-07T02:00:00Z"), minutes(1), minutes(4)),
        ticket.fired(at("2024-05-08T02:00:00Z"), minutes(1), minutes(4)), ticket.fired(at("2024-05-09T02:00:00Z"), minutes(1), minutes(4)));
    assertThat(rule(report(tickets), "NightTicket").suggestions()).as("a ticket already").isEmpty();
  }

  @Test
  void rulesThatFireTogetherShouldBeMerged() {
    Episodes a = alert("ApiErrors", "severity", "ticket");
    Episodes b = alert("ApiLatency", "severity", "ticket");
    Episodes c = alert("DiskFull", "severity", "ticket");
    List<AlertEpisode> episodes = new ArrayList<>();
    for (int day = 0; day < 4; day++) {
      Instant fired = at("2024-05-07T10:00:00Z").plus(Duration.ofDays(day));
      episodes.add(a.fired(fired, minutes(0), minutes(10)));
      episodes.add(b.fired(fired.plus(minutes(2)), minutes(0), minutes(10)));
      // DiskFull fires near ApiErrors three days out of four: 75 %, under 80 %.
      episodes.add(c.fired(fired.plus(day == 3 ? Duration.ofHours(5) : minutes(4)), minutes(0), minutes(10)));
    }
    ToilReport report = report(episodes);
    assertThat(rule(report, "ApiErrors").suggestions()).containsExactly(new Suggestion.MergeWith("payments", "errors", "ApiLatency", 1.0, minutes(5)));
    assertThat(rule(report, "ApiLatency").suggestions()).first().satisfies(suggestion -> assertThat(suggestion.text())
        .isEqualTo("merge with ApiErrors: 100% of their episodes fired within 5m of each other"));
    assertThat(rule(report, "DiskFull").suggestions()).isEmpty();
    assertThat(report.noisiestRules()).extracting(RuleToil::rule).containsExactly("ApiErrors", "ApiLatency", "DiskFull");
  }

  @Test
  void theNoisiestRulesAreTheTopNByEpisodes() {
    List<AlertEpisode> episodes = new ArrayList<>();
    String[] rules = {"One", "Two", "Three", "Four", "Five", "Six", "Seven"};
    for (int r = 0; r < rules.length; r++) {
      Episodes alert = alert(rules[r], "severity", "ticket");
      for (int i = 0; i <= r; i++) {
        episodes.add(alert.fired(at("2024-05-07T00:00:00Z").plus(Duration.ofHours(3L * i)).plus(minutes(r)), minutes(0), minutes(1)));
      }
    }
    ToilReport report = ToilCalculator.compute("team-a", episodes, ToilSettings.defaults(), List.of(), FROM, TO, ToilCalculator.DEFAULT_TOP_RULES);
    assertThat(report.noisiestRules()).extracting(RuleToil::rule).containsExactly("Seven", "Six", "Five", "Four", "Three");
    assertThat(report.noisiestRules()).extracting(RuleToil::episodes).containsExactly(7, 6, 5, 4, 3);
    assertThat(report.total().tickets()).isEqualTo(28);
  }
}

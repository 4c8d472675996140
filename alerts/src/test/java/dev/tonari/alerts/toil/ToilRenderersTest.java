package dev.tonari.alerts.toil;

import static dev.tonari.alerts.toil.Episodes.alert;
import static dev.tonari.alerts.toil.Episodes.at;
import static dev.tonari.alerts.toil.Episodes.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.alerts.history.AlertEpisode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report as JSON (and back), Markdown and a terminal table, over episodes that raise every kind of suggestion. */
class ToilRenderersTest {
  private static final ToilSettings SETTINGS = new ToilSettings(LocalTime.of(9, 0), LocalTime.of(18, 0),
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), ZoneId.of("Europe/Berlin"), Duration.ofHours(1), Duration.ofMinutes(10));

  static ToilReport sample() {
    List<AlertEpisode> episodes = new ArrayList<>();
    Episodes night = alert("NightPage", "severity", "page");
    Episodes twin = alert("NightTwin", "severity", "page");
    Episodes blip = alert("Blip", "severity", "ticket");
    Episodes choppy = alert("Choppy", "severity", "ticket");
    for (int day = 0; day < 3; day++) {
      Instant fired = at("2024-05-07T01:00:00Z").plus(Duration.ofDays(day));
      episodes.add(night.fired(fired, minutes(1), minutes(4)));
      episodes.add(twin.fired(fired.plus(minutes(1)), minutes(1), minutes(4)));
    }
    long[] firing = {1, 1, 2, 1, 3};
    for (int i = 0; i < firing.length; i++) {
      Instant start = at("2024-05-08T10:00:00Z").plus(minutes(40L * i));
      episodes.add(blip.episode(start, start.plus(minutes(2)), start.plus(minutes(2 + firing[i])), i == 0 ? start.plus(minutes(3)) : null));
    }
    episodes.add(choppy.fired(at("2024-05-09T10:00:00Z"), minutes(0), minutes(20)));
    episodes.add(choppy.fired(at("2024-05-09T10:22:00Z"), minutes(0), minutes(20)));
    episodes.add(choppy.fired(at("2024-05-09T10:45:00Z"), minutes(0), minutes(20)));
    return ToilCalculator.compute("team-a", episodes, SETTINGS, List.of("team-a.yaml:3:5: error: example"), at("2024-05-05T22:00:00Z"),
        at("2024-05-19T22:00:00Z"), 10);
  }

  @Test
  void jsonReadsBackToTheSameReport() throws ToilJson.MalformedReportException {
    ToilReport report = sample();
    assertThat(report.noisiestRules()).flatExtracting(RuleToil::suggestions).extracting(Suggestion::kind)
        .contains("raise_for", "keep_firing_for", "page_to_ticket", "merge_with");
    String json = ToilJson.write(report);
    assertThat(json).contains("\"pagesOutsideWorkingHours\" : 6").contains("\"kind\" : \"raise_for\"").contains("\"week\" : \"2024-W19\"");
    assertThat(ToilJson.read(json)).isEqualTo(report);
    ToilReport defaults = ToilCalculator.compute("team-b", List.of(), ToilSettings.defaults(), List.of(), at("2024-05-06T00:00:00Z"),
        at("2024-05-07T00:00:00Z"), 5);
    assertThat(ToilJson.read(ToilJson.write(defaults))).isEqualTo(defaults);
    assertThatThrownBy(() -> ToilJson.read("{\"data\":{}}")).isInstanceOf(ToilJson.MalformedReportException.class).hasMessageContaining("workingHours");
    assertThatThrownBy(() -> ToilJson.read("not json")).isInstanceOf(ToilJson.MalformedReportException.class);
  }

  @Test
  void markdownHasTheWeeksTheRulesAndTheSuggestions() {
    String markdown = ToilRenderers.markdown(sample());
    assertThat(markdown).startsWith("# Toil of team-a\n\n2024-05-06 to 2024-05-19. working hours 09:00-18:00 mon-fri (Europe/Berlin)");
    assertThat(markdown).contains("> **Settings problem, defaults used:** team-a.yaml:3:5: error: example");
    // Six night pages 03:00-03:03 CEST, all outside working hours; 5 + 3 tickets.
    assertThat(markdown).contains("| 2024-W19 | 6 | 6 | 8 | 0 |").contains("| 2024-W20 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | - | - |")
        .contains("| **Total** | 6 | 6 | 8 | 0 |");
    assertThat(markdown).contains("| NightPage | payments / errors | page | 3 | 3 | 0 | 3 | 0 | 4m |");
    assertThat(markdown).contains("- **Blip**: raise `for` from 2m to 5m").contains("- **NightPage**: page -> ticket: 3 pages")
        .contains("- **NightPage**: merge with NightTwin").contains("- **Choppy**: set keep_firing_for: 3m");
  }

  @Test
  void theTablePaintsOnlyWhatNeedsLookingAt() {
    String plain = ToilRenderers.text(sample(), ToilRenderers.Highlighter.plain());
    List<String> lines = plain.lines().toList();
    assertThat(lines.get(0)).isEqualTo("Toil of team-a, 2024-05-06 to 2024-05-19");
    assertThat(plain).contains("WEEK        PAGES  OUT OF HOURS  TICKETS  OTHER  FLAPPING  NOISE  ACKED     ACK p50/p90   RESOLVE p50/p90");
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("2024-W19        6             6        8      0         6"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("payments/errors/Blip                 ticket          5      0         4"));
    assertThat(plain).contains("  -> raise `for` from 2m to 5m: 90% of its 4 flapping episodes were over within 5m");

    String tagged = ToilRenderers.text(sample(), (tone, text) -> "<" + tone + ">" + text + "</>");
    assertThat(tagged).contains("<BAD>            6</>").contains("<HINT>-> page -> ticket");
    // The week without pages has nothing painted among its counts.
    assertThat(tagged.lines().filter(line -> line.startsWith("2024-W20"))).singleElement().satisfies(line -> assertThat(line).doesNotContain("<"));
    String quiet = ToilRenderers.text(ToilCalculator.compute("team-b", List.of(), ToilSettings.defaults(), List.of(), at("2024-05-06T00:00:00Z"),
        at("2024-05-07T00:00:00Z"), 5), ToilRenderers.Highlighter.plain());
    assertThat(quiet).contains("No alert fired in this period.").contains("(UTC)");
  }
}

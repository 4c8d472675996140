package dev.tonari.alerts.toil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code toil} section of a team's notification config, and the files it is read from. */
class ToilSettingsParserTest {
  @TempDir Path directory;

  private static ToilSettings valid(String yaml) {
    ToilSettingsParser.Result result = ToilSettingsParser.parseFile(yaml, "team-a.yaml");
    assertThat(result).as("%s", result).isInstanceOf(ToilSettingsParser.Result.Valid.class);
    return ((ToilSettingsParser.Result.Valid) result).settings();
  }

  private static List<String> problems(String yaml) {
    ToilSettingsParser.Result result = ToilSettingsParser.parseFile(yaml, "team-a.yaml");
    assertThat(result).as("%s", result).isInstanceOf(ToilSettingsParser.Result.Invalid.class);
    return ((ToilSettingsParser.Result.Invalid) result).problems().stream().map(ConfigProblem::format).toList();
  }

  @Test
  void readsEveryKeyAndLeavesTheRestOfTheFileAlone() {
    ToilSettings settings = valid("""
        route:
          receiver: console
        receivers:
          - name: console
        toil:
          working_hours: "09:00-18:00"
          working_days: mon-fri
          time_zone: Europe/Berlin
          flapping_window: 30m
          noise_ack_within: 5m
        """);
    assertThat(settings).isEqualTo(new ToilSettings(LocalTime.of(9, 0), LocalTime.of(18, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
        ZoneId.of("Europe/Berlin"), Duration.ofMinutes(30), Duration.ofMinutes(5)));
    assertThat(settings.workingHoursText()).isEqualTo("09:00-18:00");
    assertThat(settings.workingDaysText()).isEqualTo("mon-fri");
  }

  @Test
  void withoutASectionOrKeysTheDefaultsApply() {
    assertThat(valid("route:\n  receiver: x\n")).isEqualTo(ToilSettings.defaults());
    assertThat(valid("toil:\n")).isEqualTo(ToilSettings.defaults());
    assertThat(valid("")).isEqualTo(ToilSettings.defaults());
    assertThat(valid("toil:\n  time_zone: UTC\n")).isEqualTo(ToilSettings.defaults());
    ToilSettings defaults = ToilSettings.defaults();
    assertThat(defaults.workingHoursText()).isEqualTo("09:00-17:00");
    assertThat(defaults.workingDaysText()).isEqualTo("mon-fri");
    assertThat(defaults.timeZone().getId()).isEqualTo("UTC");
    assertThat(defaults.flappingWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(defaults.noiseAckWithin()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void daysAsListsRangesThatWrapAndAllDay() {
    ToilSettings settings = valid("""
        toil:
          working_hours: 00:00-24:00
          working_days: [sun, mon, Tue]
        """);
    assertThat(settings.workingDays()).containsExactlyInAnyOrder(DayOfWeek.SUNDAY, DayOfWeek.MONDAY, DayOfWeek.TUESDAY);
    assertThat(settings.workingDaysText()).isEqualTo("mon-tue,sun");
    assertThat(settings.isWorkingTime(Instant.parse("2024-05-06T23:59:59Z"))).isTrue();
    assertThat(settings.workingHoursText()).isEqualTo("00:00-24:00");
    assertThat(valid("toil:\n  working_days: sun-thu\n").workingDays()).containsExactlyInAnyOrder(DayOfWeek.SUNDAY, DayOfWeek.MONDAY,
        DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY);
    assertThat(valid("toil:\n  working_days: mon,wed, fri\n").workingDaysText()).isEqualTo("mon,wed,fri");
  }

  @Test
  void everyProblemIsReportedWithItsPosition() {
    assertThat(problems("""
        toil:
          working_hour: "09:00-18:00"
          working_days: mon-fry
          time_zone: Mars/Olympus
          flapping_window: 1 hour
          noise_ack_within: [10m]
        """)).containsExactly(
            "team-a.yaml:2:3: error: toil: unknown key 'working_hour'; did you mean 'working_hours'?",
            "team-a.yaml:3:17: error: toil.working_days: invalid day or range \"mon-fry\": expected mon, tue, wed, thu, fri, sat or sun,"
                + " or a range such as mon-fri (sun-thu wraps over the week's end)",
            "team-a.yaml:4:14: error: toil.time_zone: unknown time zone \"Mars/Olympus\": expected an IANA zone ID such as Europe/Berlin,"
                + " America/New_York or UTC",
            "team-a.yaml:5:20: error: toil.flapping_window: invalid duration \"1 hour\": expected number+unit pairs such as 168h, 10m, 1h30m"
                + " or 500ms (units y, w, d, h, m, s, ms, us, ns)",
            "team-a.yaml:6:21: error: toil.noise_ack_within: expected a string, got a list");
    assertThat(problems("toil:\n  working_hours: 9-17\n")).singleElement().asString().startsWith("team-a.yaml:2:18: error: toil.working_hours: "
        + "invalid working hours \"9-17\": expected HH:MM-HH:MM");
    assertThat(problems("toil:\n  working_hours: \"18:00-09:00\"\n")).singleElement().asString().contains("ends before it starts");
    assertThat(problems("toil:\n  working_hours: \"09:00-25:00\"\n")).singleElement().asString().contains("invalid time");
    assertThat(problems("toil:\n  working_days: 5\n")).singleElement().asString().contains("got the number 5");
    assertThat(problems("toil: [a]\n")).singleElement().asString().startsWith("team-a.yaml:1:7: error: toil: expected a mapping");
    assertThat(problems("toil:\n  bogus: 1\n")).singleElement().asString().contains("known keys: working_hours, working_days");
    assertThat(problems("toil: {\n")).singleElement().asString().startsWith("team-a.yaml:").contains("invalid YAML");
    assertThat(problems("- a\n")).singleElement().asString().contains("expected a mapping");
  }

  @Test
  void settingsFilesAreReadPerTenantAndAgainWhenTheyChange() throws IOException {
    ToilSettingsFiles files = new ToilSettingsFiles(Optional.of(directory));
    assertThat(files.settingsFor("team-a")).isEqualTo(new ToilSettingsFiles.Loaded(ToilSettings.defaults(), List.of()));
    Path file = Files.writeString(directory.resolve("team-a.yaml"), "toil:\n  time_zone: Europe/Berlin\n");
    assertThat(files.settingsFor("team-a").settings().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(files.settingsFor("team-b").settings()).isEqualTo(ToilSettings.defaults());

    Files.writeString(file, "toil:\n  time_zone: Nowhere/Land\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
    ToilSettingsFiles.Loaded broken = files.settingsFor("team-a");
    assertThat(broken.settings()).isEqualTo(ToilSettings.defaults());
    assertThat(broken.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.file()).isEqualTo(file.toString());
      assertThat(problem.line()).isEqualTo(2);
      assertThat(problem.message()).contains("Nowhere/Land");
    });

    Files.writeString(directory.resolve("team-c.yml"), "toil:\n  flapping_window: 2h\n");
    assertThat(files.settingsFor("team-c").settings().flappingWindow()).isEqualTo(Duration.ofHours(2));
    Files.write(directory.resolve("team-d.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 't'});
    assertThat(files.settingsFor("team-d").problems()).singleElement().satisfies(problem -> assertThat(problem.message()).contains("UTF-8"));
    assertThat(files.settingsFor("../etc/passwd").settings()).isEqualTo(ToilSettings.defaults());
    assertThat(new ToilSettingsFiles(Optional.empty()).settingsFor("team-a").settings()).isEqualTo(ToilSettings.defaults());
  }
}

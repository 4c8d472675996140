package dev.tonari.alerts.toil;

import dev.tonari.tenancy.config.ConfigKeys;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.tenancy.config.YamlTree;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Reads the {@code toil} section of a team's notification config ({@code <notifications
 * dir>/<tenant>.yaml}); the rest of that file (routes, receivers) is the notifier's to read. Every
 * key is optional and falls back to {@link ToilSettings#defaults()}:
 *
 * <pre>
 * toil:
 *   working_hours: "09:00-18:00"   HH:MM-HH:MM, local time; the end is excluded, 24:00 allowed
 *   working_days: mon-fri          days and ranges, comma-separated (sun-thu wraps), or a list
 *   time_zone: Europe/Berlin       an IANA zone ID, or UTC
 *   flapping_window: 1h            a Prometheus duration
 *   noise_ack_within: 10m          a Prometheus duration
 * </pre>
 *
 * Every problem is reported with its file, line and column, not only the first.
 */
public final class ToilSettingsParser {
  private static final Pattern DAY_RANGE_DASH = Pattern.compile("\\s*-\\s*");

  public static final String SECTION = "toil";
  static final List<String> KEYS = List.of("working_hours", "working_days", "time_zone", "flapping_window", "noise_ack_within");
  private static final Pattern HOURS = Pattern.compile("(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})");
  private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY, "wed", DayOfWeek.WEDNESDAY, "thu",
      DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

  private ToilSettingsParser() {}

  /** The settings, or every problem found; never both. */
  public sealed interface Result {
    record Valid(ToilSettings settings) implements Result {}

    record Invalid(List<ConfigProblem> problems) implements Result {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /**
   * Reads a {@code toil} section; null (no section, or {@code toil:} with nothing) gives the defaults.
   *
   * @param file names the file in problems
   */
  public static Result parseSection(Node section, String file) {
    ToilSettings defaults = ToilSettings.defaults();
    if (section == null || section instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL) {
      return new Result.Valid(defaults);
    }
    List<ConfigProblem> problems = new ArrayList<>();
    if (!(section instanceof Mapping mapping)) {
      problems.add(problem(file, section.position(), "toil: expected a mapping of " + String.join(", ", KEYS) + ", got " + section.kindName()));
      return new Result.Invalid(problems);
    }
    for (Entry entry : mapping.entries().values()) {
      if (!KEYS.contains(entry.key())) {
        Optional<String> nearest = ConfigKeys.suggestion(entry.key(), KEYS);
        problems.add(problem(file, entry.keyPosition(), "toil: unknown key '" + entry.key() + "'"
            + nearest.map(key -> "; did you mean '" + key + "'?").orElse("; known keys: " + String.join(", ", KEYS))));
      }
    }
    LocalTime[] hours = {defaults.workdayStart(), defaults.workdayEnd()};
    text(mapping, "working_hours", file, problems).ifPresent(value -> parseHours(value.text(), value.node(), file, problems, hours));
    Set<DayOfWeek> days = EnumSet.copyOf(defaults.workingDays());
    Entry daysEntry = mapping.entries().get("working_days");
    if (daysEntry != null) {
      days = parseDays(daysEntry.value(), file, problems);
    }
    ZoneId zone = defaults.timeZone();
    Optional<Text> zoneText = text(mapping, "time_zone", file, problems);
    if (zoneText.isPresent()) {
      try {
        zone = ZoneId.of(zoneText.get().text().trim());
      } catch (DateTimeException e) {
        problems.add(problem(file, zoneText.get().node().position(), "toil.time_zone: unknown time zone \"" + zoneText.get().text()
            + "\": expected an IANA zone ID such as Europe/Berlin, America/New_York or UTC"));
      }
    }
    Duration flapping = duration(mapping, "flapping_window", file, problems).orElse(defaults.flappingWindow());
    Duration noise = duration(mapping, "noise_ack_within", file, problems).orElse(defaults.noiseAckWithin());
    if (!problems.isEmpty()) {
      return new Result.Invalid(problems);
    }
    return new Result.Valid(new ToilSettings(hours[0], hours[1], days, zone, flapping, noise));
  }

  /**
   * Reads only the {@code toil} section of a whole notification config file; the file's other keys
   * are not looked at. A file that is not YAML is one problem at the place the parser stopped.
   */
  public static Result parseFile(String text, String file) {
    Node root;
    try {
      root = YamlTree.parse(text, new ArrayList<>());
    } catch (YamlTree.SyntaxException e) {
      return new Result.Invalid(List.of(problem(file, e.position(), e.getMessage())));
    }
    if (root == null) {
      return new Result.Valid(ToilSettings.defaults());
    }
    if (!(root instanceof Mapping mapping)) {
      return new Result.Invalid(List.of(problem(file, root.position(), "expected a mapping (route, receivers, toil, ...), got " + root.kindName())));
    }
    Entry section = mapping.entries().get(SECTION);
    return parseSection(section == null ? null : section.value(), file);
  }

  private record Text(String text, Node node) {}

  private static Optional<Text> text(Mapping mapping, String key, String file, List<ConfigProblem> problems) {
    Entry entry = mapping.entries().get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.value() instanceof Scalar scalar && scalar.kind() != ScalarKind.NULL) {
      return Optional.of(new Text(scalar.text(), scalar));
    }
    problems.add(problem(file, entry.value().position(), "toil." + key + ": expected a string, got " + entry.value().kindName()));
    return Optional.empty();
  }

  private static Optional<Duration> duration(Mapping mapping, String key, String file, List<ConfigProblem> problems) {
    Optional<Text> text = text(mapping, key, file, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LokiUnits.parseDuration(text.get().text()));
    } catch (IllegalArgumentException e) {
      problems.add(problem(file, text.get().node().position(), "toil." + key + ": " + e.getMessage()));
      return Optional.empty();
    }
  }

  private static void parseHours(String text, Node node, String file, List<ConfigProblem> problems, LocalTime[] hours) {
    Matcher matcher = HOURS.matcher(text.trim());
    String expected = "expected HH:MM-HH:MM in local time, such as 09:00-18:00 (the end excluded; 00:00-24:00 for all day)";
    if (!matcher.matches()) {
      problems.add(problem(file, node.position(), "toil.working_hours: invalid working hours \"" + text + "\": " + expected));
      return;
    }
    Optional<LocalTime> start = time(matcher.group(1), matcher.group(2), false);
    Optional<LocalTime> end = time(matcher.group(3), matcher.group(4), true);
    if (start.isEmpty() || end.isEmpty()) {
      problems.add(problem(file, node.position(), "toil.working_hours: invalid time in \"" + text + "\": " + expected));
      return;
    }
    if (!end.get().equals(LocalTime.MIDNIGHT) && !end.get().isAfter(start.get())) {
      problems.add(problem(file, node.position(), "toil.working_hours: \"" + text
          + "\" ends before it starts; working hours that cross midnight are not supported, write the day's part that counts (e.g. 00:00-06:00)"));
      return;
    }
    hours[0] = start.get();
    hours[1] = end.get();
  }

  private static Optional<LocalTime> time(String hour, String minute, boolean endOfDayAllowed) {
    int h = Integer.parseInt(hour);
    int m = Integer.parseInt(minute);
    if (endOfDayAllowed && h == 24 && m == 0) {
      return Optional.of(LocalTime.MIDNIGHT);
    }
    if (h > 23 || m > 59) {
      return Optional.empty();
    }
    return Optional.of(LocalTime.of(h, m));
  }

  private static Set<DayOfWeek> parseDays(Node node, String file, List<ConfigProblem> problems) {
    List<Text> parts = new ArrayList<>();
    if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING) {
      for (String part : scalar.text().split(",")) {
        parts.add(new Text(part, scalar));
      }
    } else if (node instanceof Sequence sequence) {
      for (Node item : sequence.items()) {
        if (item instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING) {
          parts.add(new Text(scalar.text(), scalar));
        } else {
          problems.add(problem(file, item.position(), "toil.working_days: expected a day such as mon, got " + item.kindName()));
        }
      }
    } else {
      problems.add(problem(file, node.position(), "toil.working_days: expected days such as mon-fri or [mon, wed, fri], got " + node.kindName()));
      return EnumSet.noneOf(DayOfWeek.class);
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (Text part : parts) {
      String[] range = DAY_RANGE_DASH.split(part.text().trim().toLowerCase(Locale.ROOT), -1);
      DayOfWeek first = DAYS.get(range[0]);
      DayOfWeek last = range.length == 2 ? DAYS.get(range[1]) : first;
      if (range.length > 2 || first == null || last == null) {
        problems.add(problem(file, part.node().position(), "toil.working_days: invalid day or range \"" + part.text().trim()
            + "\": expected mon, tue, wed, thu, fri, sat or sun, or a range such as mon-fri (sun-thu wraps over the week's end)"));
        continue;
      }
      for (DayOfWeek day = first; ; day = day.plus(1)) {
        days.add(day);
        if (day == last) {
          break;
        }
      }
    }
    return days;
  }

  private static ConfigProblem problem(String file, Position position, String message) {
    return new ConfigProblem(file, position.line(), position.column(), message);
  }
}

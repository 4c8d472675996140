package dev.tonari.slo.spec;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.spec.SpecReader.Section;
import dev.tonari.tenancy.config.YamlTree.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one Sloth {@code prometheus/v1} document into SLOs: id {@code <service>-<name>}, objective
 * 99.9 as target 0.999, a rolling 30-day period (Sloth's default), occurrences budgeting, Sloth's
 * four burn-rate tiers with the page and ticket alerts' labels, annotations and {@code for}.
 */
final class SlothForm {
  static final String VERSION = "prometheus/v1";
  /** Sloth's default SLO period. */
  static final Duration PERIOD = Duration.ofDays(30);

  private final SpecReader reader;

  SlothForm(SpecReader reader) {
    this.reader = reader;
  }

  List<SloSpec> read(Section root) {
    List<SloSpec> slos = new ArrayList<>();
    Optional<String> version = root.string("version");
    if (version.isPresent() && !version.get().equals(VERSION)) {
      reader.report(root.get("version").orElseThrow(), "version", "unsupported Sloth version '" + version.get() + "': expected " + VERSION);
      return slos;
    }
    Optional<String> service = root.string("service");
    service.ifPresent(name -> checkIdPart(root.get("service").orElseThrow(), "service", name));
    Map<String, String> fileLabels = labels(root, "labels");
    // Sloth's plugins shape the Prometheus rules Sloth writes; Tonari writes none, so they are accepted as they are.
    root.get("slo_plugins");
    List<Node> items = root.items("slos");
    if (items.isEmpty() && root.has("slos")) {
      reader.report(root.get("slos").orElseThrow(), "slos", "the list of SLOs is empty");
    }
    for (int i = 0; i < items.size(); i++) {
      String path = "slos[" + i + "]";
      Optional<Section> slo = reader.section(items.get(i), path, SpecKeys.SLOTH_SLO);
      if (slo.isPresent() && service.isPresent()) {
        slo(slo.get(), service.get(), fileLabels).ifPresent(slos::add);
      }
    }
    return slos;
  }

  private Optional<SloSpec> slo(Section slo, String service, Map<String, String> fileLabels) {
    int before = reader.problemCount();
    Optional<String> name = slo.string("name");
    name.ifPresent(text -> checkIdPart(slo.get("name").orElseThrow(), slo.path("name"), text));
    Optional<Double> target = slo.decimal("objective").flatMap(percent -> {
      double objective = percent.doubleValue();
      if (objective > 0 && objective <= 100) {
        return Optional.of(percent.movePointLeft(2).doubleValue());
      }
      reader.report(slo.get("objective").orElseThrow(), slo.path("objective"),
          "objective " + format(objective) + " is out of range: Sloth's objective is a percentage in (0, 100], e.g. 99.9");
      return Optional.empty();
    });
    Map<String, String> labels = new LinkedHashMap<>(fileLabels);
    labels.putAll(labels(slo, "labels"));
    slo.stringMap("infoLabels");
    slo.get("plugins");
    Optional<Indicator> indicator = slo.section("sli").flatMap(this::indicator);
    if (slo.has("interval")) {
      slo.section("interval").ifPresent(interval -> {
        for (String key : SpecKeys.names(SpecKeys.SLOTH_INTERVAL)) {
          interval.duration(key);
        }
      });
    }
    List<String> groupBy = slo.labelNames("group_by");
    Alerting alerting = slo.section("alerting").map(this::alerting)
        .orElseGet(() -> new Alerting("", Map.of(), Map.of(), BurnRateTiers.sloth(PERIOD)));
    if (reader.problemCount() > before || name.isEmpty() || target.isEmpty() || indicator.isEmpty()) {
      return Optional.empty();
    }
    String id = SloSpec.idOf(service, name.get());
    return Optional.of(new SloSpec(id, service, name.get(), slo.string("description").orElse(""), labels, indicator.get(), target.get(),
        new TimeWindow.Rolling(PERIOD), BudgetingMethod.OCCURRENCES, Optional.empty(), groupBy, alerting,
        SloSpec.Origin.file(reader.file(), slo.position().line(), slo.position().column())));
  }

  private Optional<Indicator> indicator(Section sli) {
    List<String> given = new ArrayList<>();
    for (String kind : SpecKeys.names(SpecKeys.SLOTH_SLI)) {
      if (sli.has(kind)) {
        given.add(kind);
      }
    }
    if (given.size() != 1) {
      reader.report(sli.position(), sli.path() + ": "
          + (given.isEmpty() ? "needs one of events, raw, plugin" : "has " + String.join(" and ", given) + "; give exactly one of events, raw, plugin"));
      return Optional.empty();
    }
    switch (given.get(0)) {
      case "events" -> {
        Optional<Section> events = sli.section("events");
        if (events.isEmpty()) {
          return Optional.empty();
        }
        Optional<SliQuery> error = query(events.get(), "error_query");
        Optional<SliQuery> total = query(events.get(), "total_query");
        if (error.isEmpty() || total.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(new Indicator.Ratio(error.get(), total.get(), false));
      }
      case "raw" -> {
        return sli.section("raw").flatMap(raw -> query(raw, "error_ratio_query")).map(Indicator.RawErrorRatio::new);
      }
      default -> {
        Optional<Section> plugin = sli.section("plugin");
        plugin.ifPresent(section -> section.get("options"));
        plugin.ifPresent(section -> reader.report(section.position(), sli.path("plugin") + ": Sloth SLI plugin '"
            + section.string("id").orElse("") + "' cannot run in Tonari (plugins are Go code that writes PromQL); write the queries it generates under sli.events or sli.raw"));
        return Optional.empty();
      }
    }
  }

  private Optional<SliQuery> query(Section section, String key) {
    Optional<String> template = section.string(key);
    if (template.isEmpty()) {
      return Optional.empty();
    }
    Node node = section.get(key).orElseThrow();
    if (!SliQueries.hasPlaceholder(template.get())) {
      reader.report(node, section.path(key), "{{.window}} missing in " + key + ": Sloth replaces it with each alert window");
      return Optional.empty();
    }
    return switch (SliQueries.check(template.get(), SliQueries.Forced.DETECT, Optional.empty())) {
      case SliQueries.Checked.Valid valid -> Optional.of(valid.query());
      case SliQueries.Checked.Refused refused -> {
        reader.report(node, section.path(key), refused.message());
        yield Optional.empty();
      }
    };
  }

  private Alerting alerting(Section alerting) {
    Map<String, String> labels = labels(alerting, "labels");
    Map<String, String> annotations = alerting.stringMap("annotations");
    Optional<Section> page = alerting.section("page_alert");
    Optional<Section> ticket = alerting.section("ticket_alert");
    boolean pageEnabled = !page.flatMap(alert -> alert.bool("disable")).orElse(false);
    boolean ticketEnabled = !ticket.flatMap(alert -> alert.bool("disable")).orElse(false);
    Duration pageFor = page.flatMap(alert -> alert.duration("for")).orElse(Duration.ZERO);
    Duration ticketFor = ticket.flatMap(alert -> alert.duration("for")).orElse(Duration.ZERO);
    List<BurnRateTier> tiers = BurnRateTiers.sloth(PERIOD,
        pageEnabled, page.map(alert -> labels(alert, "labels")).orElse(Map.of()), page.map(alert -> alert.stringMap("annotations")).orElse(Map.of()),
        ticketEnabled, ticket.map(alert -> labels(alert, "labels")).orElse(Map.of()), ticket.map(alert -> alert.stringMap("annotations")).orElse(Map.of()));
    List<BurnRateTier> withFor = new ArrayList<>(tiers.size());
    for (BurnRateTier tier : tiers) {
      Duration alertAfter = tier.severity().equals("page") ? pageFor : ticketFor;
      withFor.add(new BurnRateTier(tier.name(), tier.severity(), tier.longWindow(), tier.shortWindow(), tier.factor(), alertAfter, tier.labels(),
          tier.annotations()));
    }
    return new Alerting(alerting.string("name").orElse(""), labels, annotations, withFor);
  }

  /** A label mapping whose names must be Prometheus label names (Sloth exports them on every series). */
  private Map<String, String> labels(Section section, String key) {
    Map<String, String> labels = section.stringMap(key);
    Optional<Node> node = section.get(key);
    for (String name : labels.keySet()) {
      if (!SpecReader.isLabelName(name)) {
        reader.report(node.orElseThrow(), section.path(key), "'" + name + "' is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
      }
    }
    return labels;
  }

  /** Service and SLO names form the id, which names the SLO in URLs and metric labels. */
  void checkIdPart(Node node, String path, String text) {
    if (!OpenSloForm.isIdPart(text)) {
      reader.report(node, path, "'" + text + "' cannot be part of an SLO id: use letters, digits, '-', '_' and '.'");
    }
  }

  static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }
}

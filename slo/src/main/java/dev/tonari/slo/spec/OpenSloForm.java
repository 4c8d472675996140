package dev.tonari.slo.spec;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeSlices;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.spec.SpecReader.Section;
import dev.tonari.tenancy.config.ConfigKeys;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Reads OpenSLO v1 objects of all the files parsed together, then builds one SLO per objective of
 * every {@code SLO} object, resolving {@code indicatorRef}, {@code alertPolicyRef},
 * {@code conditionRef}, {@code targetRef} and {@code metricSourceRef} across the files. Every
 * object is checked, referenced or not, and each object's problems are reported once, in its own
 * file. The mapping is documented in {@code docs/slo-specs.md}.
 */
final class OpenSloForm {
  private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
  private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");
  private static final Pattern CALENDAR_ONLY_UNIT = Pattern.compile("[0-9]+[MQY]");
  private static final Pattern MINUTES = Pattern.compile("[0-9]+m");

  static final String API_VERSION = "openslo/v1";
  /** The window of an SLO without {@code timeWindow}: Sloth's default period. */
  static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  private static final Pattern ID_PART = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final Pattern CALENDAR_DURATION = Pattern.compile("([1-9][0-9]{0,5})([dwMQY])");
  private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

  /** One named OpenSLO object, with the reader of its file. */
  private static final class Item {
    final String kind;
    final String name;
    final Node spec;
    final Section metadata;
    final SpecReader reader;
    final Position position;

    Item(String kind, String name, Node spec, Section metadata, SpecReader reader, Position position) {
      this.kind = kind;
      this.name = name;
      this.spec = spec;
      this.metadata = metadata;
      this.reader = reader;
      this.position = position;
    }

    String where() {
      return reader.file() + ":" + position.line() + ":" + position.column();
    }
  }

  /** What an SLI measures, before an objective gives it a target (and a threshold). */
  private sealed interface Metric {
    record Ratio(SliQuery counted, SliQuery total, boolean countsGood) implements Metric {}

    record Raw(SliQuery errorRatio) implements Metric {}

    record Threshold(SliQuery metric) implements Metric {}
  }

  private record Policy(String name, List<BurnRateTier> tiers) {}

  private record DataSource(String type, Optional<PrometheusEndpoint> endpoint) {}

  private final Map<String, Map<String, Item>> items = new LinkedHashMap<>();
  private final Map<Item, Optional<Metric>> metrics = new HashMap<>();
  private final Map<Item, Optional<Policy>> policies = new HashMap<>();
  private final Map<Item, Optional<BurnRateTier>> conditions = new HashMap<>();
  private final Map<Item, Optional<DataSource>> dataSources = new HashMap<>();
  private final Map<Item, Boolean> checked = new HashMap<>();

  OpenSloForm() {
    for (String kind : SpecKeys.OPENSLO_KINDS.keySet()) {
      items.put(kind, new LinkedHashMap<>());
    }
  }

  static boolean isIdPart(String text) {
    return ID_PART.matcher(text).matches();
  }

  // ---- phase 1: register the objects of every file ----

  /** Registers one object (a document, or an item of a document that is a list of objects). */
  void register(Node node, String path, SpecReader reader) {
    Optional<Section> object = reader.section(node, path, SpecKeys.OPENSLO_OBJECT);
    if (object.isEmpty()) {
      return;
    }
    Section section = object.get();
    Optional<String> apiVersion = section.string("apiVersion");
    if (apiVersion.isPresent() && !apiVersion.get().equals(API_VERSION)) {
      reader.report(section.get("apiVersion").orElseThrow(), section.path("apiVersion"),
          "unsupported apiVersion '" + apiVersion.get() + "': expected " + API_VERSION + " (or a Sloth file with version: prometheus/v1)");
      return;
    }
    Optional<String> kind = section.string("kind").filter(text -> knownKind(text, section.get("kind").orElseThrow(), section.path("kind"), reader));
    Optional<Section> metadata = section.section("metadata");
    Optional<String> name = metadata.flatMap(m -> m.string("name"));
    if (kind.isEmpty() || name.isEmpty() || section.get("spec").isEmpty()) {
      return;
    }
    Item item = new Item(kind.get(), name.get(), section.get("spec").orElseThrow(), metadata.get(), reader, section.position());
    Item previous = items.get(kind.get()).putIfAbsent(name.get(), item);
    if (previous != null) {
      reader.report(metadata.get().get("name").orElseThrow(), metadata.get().path("name"),
          kind.get() + " '" + name.get() + "' is already defined at " + previous.where());
    }
  }

  private static boolean knownKind(String kind, Node node, String path, SpecReader reader) {
    if (SpecKeys.OPENSLO_KINDS.containsKey(kind)) {
      return true;
    }
    List<String> kinds = List.copyOf(SpecKeys.OPENSLO_KINDS.keySet());
    reader.report(node, path, "unknown OpenSLO kind '" + kind + "'"
        + ConfigKeys.suggestion(kind, kinds).map(s -> "; did you mean '" + s + "'?").orElse("; known kinds: " + String.join(", ", kinds)));
    return false;
  }

  // ---- phase 2: build ----

  /** The SLOs of every SLO object, after checking every other object too. */
  List<SloSpec> build() {
    List<SloSpec> slos = new ArrayList<>();
    for (Item slo : items.get("SLO").values()) {
      slos.addAll(slo(slo));
    }
    for (Item sli : items.get("SLI").values()) {
      sliMetric(sli);
    }
    for (Item policy : items.get("AlertPolicy").values()) {
      policy(policy);
    }
    for (Item condition : items.get("AlertCondition").values()) {
      condition(condition);
    }
    for (Item source : items.get("DataSource").values()) {
      dataSource(source);
    }
    for (Item target : items.get("AlertNotificationTarget").values()) {
      notificationTarget(target);
    }
    for (Item service : items.get("Service").values()) {
      if (checked.putIfAbsent(service, Boolean.TRUE) == null) {
        service.reader.section(service.spec, "spec", SpecKeys.OPENSLO_SERVICE).ifPresent(spec -> spec.string("description"));
      }
    }
    return slos;
  }

  /** The Prometheus endpoints of every DataSource of type Prometheus, by name. */
  Map<String, PrometheusEndpoint> prometheusEndpoints() {
    Map<String, PrometheusEndpoint> endpoints = new TreeMap<>();
    for (Item source : items.get("DataSource").values()) {
      dataSource(source).flatMap(DataSource::endpoint).ifPresent(endpoint -> endpoints.put(source.name, endpoint));
    }
    return endpoints;
  }

  private List<SloSpec> slo(Item item) {
    SpecReader reader = item.reader;
    Optional<Section> maybeSpec = reader.section(item.spec, "spec", SpecKeys.OPENSLO_SLO);
    if (maybeSpec.isEmpty()) {
      return List.of();
    }
    Section spec = maybeSpec.get();
    int before = reader.problemCount();
    if (!isIdPart(item.name)) {
      reader.report(item.metadata.get("name").orElseThrow(), "metadata.name", "'" + item.name + "' cannot be part of an SLO id: use letters, digits, '-', '_' and '.'");
    }
    Optional<String> service = spec.string("service");
    service.filter(text -> !isIdPart(text)).ifPresent(text -> reader.report(spec.get("service").orElseThrow(), spec.path("service"),
        "'" + text + "' cannot be part of an SLO id: use letters, digits, '-', '_' and '.'"));
    Map<String, String> labels = item.metadata.labels("labels");
    item.metadata.stringMap("annotations");
    item.metadata.string("displayName");
    String description = spec.string("description").orElse("");
    Optional<Metric> metric = indicator(spec, reader);
    Optional<TimeWindow> window = window(spec, reader);
    Optional<BudgetingMethod> budgeting = spec.string("budgetingMethod").flatMap(text -> budgetingMethod(text, spec, reader));
    List<String> groupBy = spec.labelNames("group_by");
    Optional<Alerting> alerting = alerting(spec, reader, window);

    List<Node> objectiveNodes = spec.items("objectives");
    if (objectiveNodes.isEmpty() && spec.has("objectives")) {
      reader.report(spec.get("objectives").orElseThrow(), spec.path("objectives"), "needs at least one objective");
    }
    if (metric.orElse(null) instanceof Metric.Threshold && objectiveNodes.size() > 1) {
      reader.report(spec.get("objectives").orElseThrow(), spec.path("objectives"),
          "a thresholdMetric SLI takes exactly one objective (OpenSLO), got " + objectiveNodes.size());
    }
    record Objective(String suffix, Section section, double target, Optional<TimeSlices> slices, Optional<Indicator.Operator> op,
        Optional<Double> value) {}
    List<Objective> objectives = new ArrayList<>();
    for (int i = 0; i < objectiveNodes.size(); i++) {
      Optional<Section> objective = reader.section(objectiveNodes.get(i), spec.path("objectives") + "[" + i + "]", SpecKeys.OPENSLO_OBJECTIVE);
      if (objective.isEmpty()) {
        continue;
      }
      Section section = objective.get();
      Optional<Double> target = target(section, reader);
      Optional<TimeSlices> slices = timeSlices(budgeting, section, reader);
      Optional<Indicator.Operator> op = section.string("op").flatMap(text -> operator(text, section, reader));
      Optional<Double> value = section.number("value");
      section.string("displayName");
      if (metric.orElse(null) instanceof Metric.Threshold) {
        if (!section.has("op")) {
          reader.report(section.position(), section.path() + ": a thresholdMetric SLI needs the objective's op (lte, gte, lt, gt)");
        }
        if (!section.has("value")) {
          reader.report(section.position(), section.path() + ": a thresholdMetric SLI needs the objective's value (the threshold)");
        }
      }
      String suffix = section.string("displayName").map(OpenSloForm::slug).filter(s -> !s.isEmpty()).orElse(Integer.toString(i));
      target.ifPresent(t -> objectives.add(new Objective(suffix, section, t, slices, op, value)));
    }
    if (reader.problemCount() > before || service.isEmpty() || metric.isEmpty() || window.isEmpty() || budgeting.isEmpty()
        || alerting.isEmpty()) {
      return List.of();
    }
    List<SloSpec> slos = new ArrayList<>();
    for (Objective objective : objectives) {
      String name = objectives.size() == 1 && objectiveNodes.size() == 1 ? item.name : item.name + "-" + objective.suffix();
      Indicator indicator = switch (metric.get()) {
        case Metric.Ratio ratio -> new Indicator.Ratio(ratio.counted(), ratio.total(), ratio.countsGood());
        case Metric.Raw raw -> new Indicator.RawErrorRatio(raw.errorRatio());
        case Metric.Threshold threshold -> new Indicator.Threshold(threshold.metric(), objective.op().orElseThrow(), objective.value().orElseThrow());
      };
      Position at = objectives.size() == 1 ? item.position : objective.section().position();
      slos.add(new SloSpec(SloSpec.idOf(service.get(), name), service.get(), name, description, labels, indicator, objective.target(), window.get(),
          budgeting.get(), objective.slices(), groupBy, alerting.get(), SloSpec.Origin.file(reader.file(), at.line(), at.column())));
    }
    return slos;
  }

  /** Lower case letters, digits and single dashes, for an objective's id suffix. */
  static String slug(String displayName) {
    return EDGE_DASHES.matcher(NON_ALPHANUMERIC.matcher(displayName.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
  }

  private Optional<Metric> indicator(Section spec, SpecReader reader) {
    boolean inline = spec.has("indicator");
    boolean ref = spec.has("indicatorRef");
    if (inline == ref) {
      reader.report(spec.position(), spec.path() + ": " + (inline ? "has both indicator and indicatorRef; give one" : "needs indicator (inline) or indicatorRef"));
      return Optional.empty();
    }
    if (inline) {
      return spec.section("indicator").flatMap(indicator -> {
        indicator.section("metadata").ifPresent(metadata -> {
          metadata.labels("labels");
          metadata.stringMap("annotations");
          metadata.string("displayName");
        });
        return indicator.section("spec").flatMap(sli -> sliSpec(sli, reader));
      });
    }
    Optional<String> name = spec.string("indicatorRef");
    return name.flatMap(n -> lookup("SLI", n, spec.get("indicatorRef").orElseThrow(), spec.path("indicatorRef"), reader)).flatMap(this::sliMetric);
  }

  private Optional<Metric> sliMetric(Item sli) {
    Optional<Metric> known = metrics.get(sli);
    if (known != null) {
      return known;
    }
    Optional<Metric> metric = sli.reader.section(sli.spec, "spec", SpecKeys.OPENSLO_SLI).flatMap(spec -> sliSpec(spec, sli.reader));
    sli.metadata.labels("labels");
    metrics.put(sli, metric);
    return metric;
  }

  private Optional<Metric> sliSpec(Section sli, SpecReader reader) {
    sli.string("description");
    boolean ratio = sli.has("ratioMetric");
    boolean threshold = sli.has("thresholdMetric");
    if (ratio == threshold) {
      reader.report(sli.position(), sli.path() + ": " + (ratio ? "has both ratioMetric and thresholdMetric; give one" : "needs ratioMetric or thresholdMetric"));
      return Optional.empty();
    }
    if (threshold) {
      return sli.section("thresholdMetric").flatMap(metric -> query(metric, false, reader)).map(Metric.Threshold::new);
    }
    Optional<Section> maybeRatio = sli.section("ratioMetric");
    if (maybeRatio.isEmpty()) {
      return Optional.empty();
    }
    Section metric = maybeRatio.get();
    boolean counter = metric.bool("counter").orElse(false);
    boolean good = metric.has("good");
    boolean bad = metric.has("bad");
    boolean total = metric.has("total");
    boolean raw = metric.has("raw");
    if (raw) {
      if (good || bad || total) {
        reader.report(metric.position(), metric.path() + ": raw cannot be combined with good, bad or total");
        return Optional.empty();
      }
      Optional<String> rawType = metric.string("rawType");
      if (rawType.isEmpty()) {
        reader.report(metric.position(), metric.path() + ": raw needs rawType (success or failure)");
        return Optional.empty();
      }
      if (!rawType.get().equals("success") && !rawType.get().equals("failure")) {
        reader.report(metric.get("rawType").orElseThrow(), metric.path("rawType"), "expected success or failure, got '" + rawType.get() + "'");
        return Optional.empty();
      }
      boolean success = rawType.get().equals("success");
      return metric.section("raw").flatMap(section -> query(section, false, reader)).map(query -> {
        // A success ratio becomes an error ratio as 1 - (query), which is valid LogQL and PromQL alike.
        SliQuery errorRatio = success ? new SliQuery(query.language(), "1 - (" + query.template() + ")", query.dataSource()) : query;
        return new Metric.Raw(errorRatio);
      });
    }
    if (metric.has("rawType")) {
      reader.report(metric.get("rawType").orElseThrow(), metric.path("rawType"), "rawType applies to raw only");
    }
    if (good == bad || !total) {
      reader.report(metric.position(), metric.path() + ": needs total and one of good or bad (or raw with rawType)");
      return Optional.empty();
    }
    Optional<SliQuery> counted = metric.section(good ? "good" : "bad").flatMap(section -> query(section, counter, reader));
    Optional<SliQuery> all = metric.section("total").flatMap(section -> query(section, counter, reader));
    if (counted.isEmpty() || all.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Metric.Ratio(counted.get(), all.get(), good));
  }

  /** The query of a {@code {metricSource{type, metricSourceRef, spec{query}}}} block. */
  private Optional<SliQuery> query(Section metric, boolean counter, SpecReader reader) {
    Optional<Section> maybeSource = metric.section("metricSource");
    if (maybeSource.isEmpty()) {
      return Optional.empty();
    }
    Section source = maybeSource.get();
    Optional<String> type = source.string("type");
    Optional<String> ref = source.string("metricSourceRef");
    Optional<DataSource> dataSource = ref.flatMap(name -> lookup("DataSource", name, source.get("metricSourceRef").orElseThrow(),
        source.path("metricSourceRef"), reader)).flatMap(this::dataSource);
    if (ref.isPresent() && dataSource.isEmpty()) {
      return Optional.empty();
    }
    String effectiveType = type.or(() -> dataSource.map(DataSource::type)).orElse("");
    SliQueries.Forced forced;
    switch (effectiveType.toLowerCase(Locale.ROOT)) {
      case "" -> forced = SliQueries.Forced.DETECT;
      case "prometheus" -> forced = SliQueries.Forced.PROMQL;
      case "loki", "tonari", "logql" -> forced = SliQueries.Forced.LOGQL;
      default -> {
        Node at = type.isPresent() ? source.get("type").orElseThrow() : source.get("metricSourceRef").orElseThrow();
        reader.report(at, type.isPresent() ? source.path("type") : source.path("metricSourceRef"), "metric source type '" + effectiveType
            + "' cannot be queried by Tonari: use Prometheus (PromQL), or Loki, Tonari or LogQL (LogQL over the tenant's own logs), or leave type out to detect the language from the query");
        return Optional.empty();
      }
    }
    Optional<Section> spec = source.section("spec");
    Optional<String> template = spec.flatMap(s -> s.string("query"));
    if (template.isEmpty()) {
      return Optional.empty();
    }
    Node node = spec.get().get("query").orElseThrow();
    String path = spec.get().path("query");
    Optional<String> promDataSource = dataSource.flatMap(DataSource::endpoint).isPresent() ? ref : Optional.empty();
    return switch (SliQueries.check(template.get(), forced, promDataSource)) {
      case SliQueries.Checked.Refused refused -> {
        reader.report(node, path, refused.message());
        yield Optional.empty();
      }
      case SliQueries.Checked.Valid valid -> {
        if (counter && valid.query().language() == SliQuery.QueryLanguage.PROMQL && !valid.query().hasWindowPlaceholder()) {
          reader.report(node, path, "counter: true and no {{.window}}: Tonari counts each window's events, so a counter query needs its range, e.g. sum(increase(http_requests_total[{{.window}}]))");
          yield Optional.empty();
        }
        yield Optional.of(valid.query());
      }
    };
  }

  private Optional<DataSource> dataSource(Item item) {
    Optional<DataSource> known = dataSources.get(item);
    if (known != null) {
      return known;
    }
    SpecReader reader = item.reader;
    Optional<DataSource> result = reader.section(item.spec, "spec", SpecKeys.OPENSLO_DATA_SOURCE).flatMap(spec -> {
      spec.string("description");
      Optional<String> type = spec.string("type");
      if (type.isEmpty()) {
        return Optional.empty();
      }
      if (!type.get().equalsIgnoreCase("prometheus")) {
        return Optional.of(new DataSource(type.get(), Optional.empty()));
      }
      Optional<Node> details = spec.get("connectionDetails");
      if (details.isEmpty()) {
        reader.report(spec.position(), spec.path() + ": a Prometheus DataSource needs connectionDetails with url");
        return Optional.empty();
      }
      return connection(details.get(), spec.path("connectionDetails"), reader).map(endpoint -> new DataSource(type.get(), Optional.of(endpoint)));
    });
    item.metadata.labels("labels");
    dataSources.put(item, result);
    return result;
  }

  /** {@code connectionDetails}: a mapping, or (as in OpenSLO's examples) a list of one-key mappings. */
  private Optional<PrometheusEndpoint> connection(Node node, String path, SpecReader reader) {
    Node merged = node;
    if (node instanceof Sequence sequence) {
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (int i = 0; i < sequence.items().size(); i++) {
        Node item = sequence.items().get(i);
        if (item instanceof Mapping mapping) {
          for (Entry entry : mapping.entries().values()) {
            Entry previous = entries.put(entry.key(), entry);
            if (previous != null) {
              reader.report(entry.keyPosition(), path + ": key '" + entry.key() + "' is repeated (first at line "
                  + previous.keyPosition().line() + " column " + previous.keyPosition().column() + ")");
            }
          }
        } else {
          reader.report(item, path + "[" + i + "]", "expected a mapping, got " + item.kindName());
        }
      }
      merged = new Mapping(node.position(), entries);
    }
    Optional<Section> maybeSection = reader.section(merged, path, SpecKeys.OPENSLO_CONNECTION);
    if (maybeSection.isEmpty()) {
      return Optional.empty();
    }
    Section section = maybeSection.get();
    Optional<String> url = section.string("url");
    Optional<String> bearer = section.string("bearerToken");
    Optional<String> username = section.string("username");
    Optional<String> password = section.string("password");
    Optional<String> orgId = section.string("orgId");
    if (password.isPresent() && username.isEmpty()) {
      reader.report(section.get("password").orElseThrow(), section.path("password"), "a password needs a username");
      return Optional.empty();
    }
    if (url.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(url.get());
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new URISyntaxException(url.get(), "expected an http:// or https:// URL with a host");
      }
      return Optional.of(new PrometheusEndpoint(uri, bearer, username, password, orgId));
    } catch (URISyntaxException e) {
      reader.report(section.get("url").orElseThrow(), section.path("url"), "invalid URL '" + url.get() + "': " + e.getReason());
      return Optional.empty();
    }
  }

  private Optional<TimeWindow> window(Section spec, SpecReader reader) {
    List<Node> windows = spec.items("timeWindow");
    if (windows.isEmpty()) {
      if (spec.has("timeWindow")) {
        reader.report(spec.get("timeWindow").orElseThrow(), spec.path("timeWindow"), "needs exactly one window, got none");
        return Optional.empty();
      }
      return Optional.of(new TimeWindow.Rolling(DEFAULT_WINDOW));
    }
    if (windows.size() > 1) {
      reader.report(spec.get("timeWindow").orElseThrow(), spec.path("timeWindow"), "needs exactly one window, got " + windows.size());
      return Optional.empty();
    }
    Optional<Section> maybeWindow = reader.section(windows.get(0), spec.path("timeWindow") + "[0]", SpecKeys.OPENSLO_TIME_WINDOW);
    if (maybeWindow.isEmpty()) {
      return Optional.empty();
    }
    Section window = maybeWindow.get();
    Optional<String> duration = window.string("duration");
    Optional<Boolean> isRolling = window.bool("isRolling");
    Optional<Section> calendar = window.section("calendar");
    if (duration.isEmpty() || (window.has("isRolling") && isRolling.isEmpty()) || (window.has("calendar") && calendar.isEmpty())) {
      return Optional.empty();
    }
    Node durationNode = window.get("duration").orElseThrow();
    String durationPath = window.path("duration");
    boolean rolling = isRolling.orElse(calendar.isEmpty());
    if (rolling) {
      if (calendar.isPresent()) {
        reader.report(window.position(), window.path() + ": isRolling: true with a calendar; a rolling window has no calendar (or set isRolling: false)");
        return Optional.empty();
      }
      if (CALENDAR_ONLY_UNIT.matcher(duration.get()).matches()) {
        reader.report(durationNode, durationPath, "a rolling window of '" + duration.get()
            + "': months, quarters and years have no fixed length; write days (e.g. 30d) or use a calendar window (isRolling: false with calendar)");
        return Optional.empty();
      }
      Duration length;
      try {
        length = LokiUnits.parseDuration(duration.get());
      } catch (IllegalArgumentException e) {
        reader.report(durationNode, durationPath, e.getMessage());
        return Optional.empty();
      }
      if (length.isZero() || length.isNegative() || length.toNanos() % Duration.ofMinutes(1).toNanos() != 0) {
        reader.report(durationNode, durationPath, "a rolling window must be a positive whole number of minutes, got '" + duration.get() + "'");
        return Optional.empty();
      }
      return Optional.of(new TimeWindow.Rolling(length));
    }
    if (calendar.isEmpty()) {
      reader.report(window.position(), window.path() + ": a calendar window (isRolling: false) needs calendar{startTime, timeZone}");
      return Optional.empty();
    }
    Matcher matcher = CALENDAR_DURATION.matcher(duration.get());
    Optional<TimeWindow.CalendarUnit> unit = Optional.empty();
    int count = 0;
    if (matcher.matches()) {
      count = Integer.parseInt(matcher.group(1));
      unit = Optional.of(switch (matcher.group(2)) {
        case "d" -> TimeWindow.CalendarUnit.DAY;
        case "w" -> TimeWindow.CalendarUnit.WEEK;
        case "M" -> TimeWindow.CalendarUnit.MONTH;
        case "Q" -> TimeWindow.CalendarUnit.QUARTER;
        default -> TimeWindow.CalendarUnit.YEAR;
      });
    } else {
      String hint = MINUTES.matcher(duration.get()).matches() ? " (" + duration.get() + " is minutes; a month is " + duration.get().replace('m', 'M') + ")" : "";
      reader.report(durationNode, durationPath, "a calendar window of '" + duration.get() + "': write a count and one of d, w, M, Q, Y, e.g. 1M" + hint);
    }
    Section cal = calendar.get();
    Optional<String> startText = cal.string("startTime");
    Optional<String> zoneText = cal.string("timeZone");
    Optional<ZoneId> zone = zoneText.flatMap(text -> {
      try {
        return Optional.of(ZoneId.of(text));
      } catch (DateTimeException e) {
        reader.report(cal.get("timeZone").orElseThrow(), cal.path("timeZone"), "unknown time zone '" + text + "': use an IANA name such as America/New_York or UTC");
        return Optional.empty();
      }
    });
    Optional<LocalDateTime> start = startText.flatMap(text -> {
      try {
        return Optional.of(LocalDateTime.parse(text.replace('T', ' '), START_TIME));
      } catch (DateTimeParseException e) {
        reader.report(cal.get("startTime").orElseThrow(), cal.path("startTime"), "startTime '" + text + "' is not a date and time like 2020-01-21 12:30:00");
        return Optional.empty();
      }
    });
    if (unit.isEmpty() || zone.isEmpty() || start.isEmpty()) {
      return Optional.empty();
    }
    Instant startTime = start.get().atZone(zone.get()).toInstant();
    return Optional.of(new TimeWindow.Calendar(unit.get(), count, startTime, zone.get()));
  }

  private static Optional<BudgetingMethod> budgetingMethod(String text, Section spec, SpecReader reader) {
    List<String> names = new ArrayList<>();
    for (BudgetingMethod method : BudgetingMethod.values()) {
      if (method.openSloName().equals(text)) {
        return Optional.of(method);
      }
      names.add(method.openSloName());
    }
    reader.report(spec.get("budgetingMethod").orElseThrow(), spec.path("budgetingMethod"), "unknown budgetingMethod '" + text + "'"
        + ConfigKeys.suggestion(text, names).map(s -> "; did you mean '" + s + "'?").orElse("; expected one of " + String.join(", ", names)));
    return Optional.empty();
  }

  private static Optional<Double> target(Section objective, SpecReader reader) {
    boolean ratio = objective.has("target");
    boolean percent = objective.has("targetPercent");
    if (ratio == percent) {
      reader.report(objective.position(), objective.path() + ": " + (ratio ? "has both target and targetPercent; give one" : "needs target (a ratio) or targetPercent"));
      return Optional.empty();
    }
    if (ratio) {
      return objective.number("target").flatMap(value -> {
        if (value > 0 && value < 1) {
          return Optional.of(value);
        }
        reader.report(objective.get("target").orElseThrow(), objective.path("target"), "target " + SlothForm.format(value)
            + " is out of range: OpenSLO's target is a ratio in (0, 1), e.g. 0.999" + (value > 1 && value < 100 ? " (or targetPercent: " + SlothForm.format(value) + ")" : ""));
        return Optional.empty();
      });
    }
    return objective.decimal("targetPercent").flatMap(given -> {
      double value = given.doubleValue();
      if (value > 0 && value < 100) {
        return Optional.of(given.movePointLeft(2).doubleValue());
      }
      reader.report(objective.get("targetPercent").orElseThrow(), objective.path("targetPercent"),
          "targetPercent " + SlothForm.format(value) + " is out of range: a percentage in (0, 100), e.g. 99.9");
      return Optional.empty();
    });
  }

  /** Checks the slice keys whatever the method (so a typo in the method hides nothing), then applies the method. */
  private static Optional<TimeSlices> timeSlices(Optional<BudgetingMethod> budgeting, Section objective, SpecReader reader) {
    Optional<Double> sliceTarget = objective.number("timeSliceTarget").filter(value -> {
      if (value > 0 && value <= 1) {
        return true;
      }
      reader.report(objective.get("timeSliceTarget").orElseThrow(), objective.path("timeSliceTarget"),
          "timeSliceTarget " + SlothForm.format(value) + " is out of range: a ratio in (0, 1], e.g. 0.95");
      return false;
    });
    Optional<Duration> sliceWindow = objective.get("timeSliceWindow").flatMap(node -> sliceWindow(node, objective.path("timeSliceWindow"), reader));
    if (budgeting.isEmpty() || budgeting.get() == BudgetingMethod.OCCURRENCES) {
      return Optional.empty();
    }
    BudgetingMethod method = budgeting.get();
    if (!objective.has("timeSliceWindow")) {
      reader.report(objective.position(), objective.path() + ": budgetingMethod " + method.openSloName() + " needs timeSliceWindow, e.g. 1m or 5m");
    }
    if (method == BudgetingMethod.TIMESLICES && !objective.has("timeSliceTarget")) {
      reader.report(objective.position(), objective.path() + ": budgetingMethod Timeslices needs timeSliceTarget, the ratio a slice must meet to be good, e.g. 0.95");
    }
    if (sliceWindow.isEmpty() || (method == BudgetingMethod.TIMESLICES && sliceTarget.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new TimeSlices(sliceTarget.orElse(1.0), sliceWindow.get()));
  }

  /** A bare number is minutes (OpenSLO); a duration must be whole minutes (the rollup resolution). */
  private static Optional<Duration> sliceWindow(Node node, String path, SpecReader reader) {
    if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.INTEGER) {
      long minutes = Long.parseLong(scalar.text());
      if (minutes <= 0 || minutes > 366L * 24 * 60) {
        reader.report(node, path, "timeSliceWindow " + minutes + " is out of range: a positive number of minutes");
        return Optional.empty();
      }
      return Optional.of(Duration.ofMinutes(minutes));
    }
    Optional<Duration> duration = reader.duration(node, path);
    if (duration.isEmpty()) {
      return Optional.empty();
    }
    Duration window = duration.get();
    if (window.isZero() || window.isNegative() || window.toNanos() % Duration.ofMinutes(1).toNanos() != 0) {
      reader.report(node, path, "timeSliceWindow " + ((Scalar) node).text() + " is not a positive whole number of minutes: slices are built from per-minute rollups");
      return Optional.empty();
    }
    return Optional.of(window);
  }

  private static Optional<Indicator.Operator> operator(String text, Section section, SpecReader reader) {
    for (Indicator.Operator op : Indicator.Operator.values()) {
      if (op.openSloName().equals(text)) {
        return Optional.of(op);
      }
    }
    reader.report(section.get("op").orElseThrow(), section.path("op"), "unknown op '" + text + "': expected lte, gte, lt or gt");
    return Optional.empty();
  }

  // ---- alerting ----

  private Optional<Alerting> alerting(Section spec, SpecReader reader, Optional<TimeWindow> window) {
    List<Node> items = spec.items("alertPolicies");
    if (items.isEmpty()) {
      return Optional.of(new Alerting("", Map.of(), Map.of(), BurnRateTiers.sloth(window.map(TimeWindow::nominalLength).orElse(DEFAULT_WINDOW))));
    }
    List<Policy> policies = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < items.size(); i++) {
      Optional<Policy> policy = policyItem(items.get(i), spec.path("alertPolicies") + "[" + i + "]", reader);
      valid &= policy.isPresent();
      policy.ifPresent(policies::add);
    }
    if (!valid) {
      return Optional.empty();
    }
    List<BurnRateTier> tiers = new ArrayList<>();
    Map<String, String> owners = new HashMap<>();
    for (Policy policy : policies) {
      for (BurnRateTier tier : policy.tiers()) {
        String owner = owners.putIfAbsent(tier.name(), policy.name());
        if (owner != null) {
          reader.report(spec.get("alertPolicies").orElseThrow(), spec.path("alertPolicies"),
              "alert condition '" + tier.name() + "' is used by alert policies '" + owner + "' and '" + policy.name() + "'; each condition may burn once per SLO");
          return Optional.empty();
        }
        tiers.add(tier);
      }
    }
    return Optional.of(new Alerting(policies.get(0).name(), Map.of(), Map.of(), tiers));
  }

  /** An alert policy item: a bare name (the OpenSLO Go SDK's form), {@code alertPolicyRef}, or inline. */
  private Optional<Policy> policyItem(Node node, String path, SpecReader reader) {
    if (node instanceof Scalar scalar && scalar.kind() == ScalarKind.STRING) {
      return lookup("AlertPolicy", scalar.text(), node, path, reader).flatMap(this::policy);
    }
    Optional<Section> maybeItem = reader.section(node, path, SpecKeys.OPENSLO_ALERT_POLICY_ITEM);
    if (maybeItem.isEmpty()) {
      return Optional.empty();
    }
    Section item = maybeItem.get();
    if (item.has("alertPolicyRef")) {
      if (item.has("spec") || item.has("metadata")) {
        reader.report(item.position(), path + ": has both alertPolicyRef and an inline policy; give one");
        return Optional.empty();
      }
      return item.string("alertPolicyRef").flatMap(name -> lookup("AlertPolicy", name, item.get("alertPolicyRef").orElseThrow(),
          item.path("alertPolicyRef"), reader)).flatMap(this::policy);
    }
    Optional<String> name = inline(item, "AlertPolicy", path, reader);
    return name.flatMap(n -> item.section("spec").flatMap(spec -> policySpec(n, spec, reader)));
  }

  /** Checks an inline object's kind, apiVersion and metadata; returns its name. */
  private static Optional<String> inline(Section item, String kind, String path, SpecReader reader) {
    item.string("kind").filter(text -> !text.equals(kind)).ifPresent(text -> reader.report(item.get("kind").orElseThrow(), item.path("kind"),
        "expected kind " + kind + " here, got '" + text + "'"));
    item.string("apiVersion").filter(text -> !text.equals(API_VERSION)).ifPresent(text -> reader.report(item.get("apiVersion").orElseThrow(),
        item.path("apiVersion"), "unsupported apiVersion '" + text + "': expected " + API_VERSION));
    if (!item.has("spec")) {
      String refKey = switch (kind) {
        case "AlertPolicy" -> "alertPolicyRef";
        case "AlertCondition" -> "conditionRef";
        default -> "targetRef";
      };
      reader.report(item.position(), path + ": needs " + refKey + " or an inline " + kind + " (metadata and spec)");
      return Optional.empty();
    }
    Optional<Section> metadata = item.section("metadata");
    if (metadata.isEmpty()) {
      reader.report(item.position(), path + ": an inline " + kind + " needs metadata with a name");
      return Optional.empty();
    }
    metadata.get().labels("labels");
    metadata.get().stringMap("annotations");
    metadata.get().string("displayName");
    return metadata.get().string("name");
  }

  private Optional<Policy> policy(Item item) {
    Optional<Policy> known = policies.get(item);
    if (known != null) {
      return known;
    }
    policies.put(item, Optional.empty());
    item.metadata.labels("labels");
    Optional<Policy> policy = item.reader.section(item.spec, "spec", SpecKeys.OPENSLO_ALERT_POLICY).flatMap(spec -> policySpec(item.name, spec, item.reader));
    policies.put(item, policy);
    return policy;
  }

  private Optional<Policy> policySpec(String name, Section spec, SpecReader reader) {
    spec.string("description");
    spec.bool("alertWhenNoData");
    spec.bool("alertWhenResolved");
    spec.bool("alertWhenBreaching");
    List<Node> targets = spec.items("notificationTargets");
    for (int i = 0; i < targets.size(); i++) {
      targetItem(targets.get(i), spec.path("notificationTargets") + "[" + i + "]", reader);
    }
    List<Node> items = spec.items("conditions");
    if (items.isEmpty()) {
      if (spec.has("conditions")) {
        reader.report(spec.get("conditions").orElseThrow(), spec.path("conditions"), "needs at least one condition");
      }
      return Optional.empty();
    }
    List<BurnRateTier> tiers = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < items.size(); i++) {
      Optional<BurnRateTier> tier = conditionItem(items.get(i), spec.path("conditions") + "[" + i + "]", reader);
      valid &= tier.isPresent();
      tier.ifPresent(tiers::add);
    }
    return valid ? Optional.of(new Policy(name, tiers)) : Optional.empty();
  }

  private Optional<BurnRateTier> conditionItem(Node node, String path, SpecReader reader) {
    Optional<Section> maybeItem = reader.section(node, path, SpecKeys.OPENSLO_CONDITION_ITEM);
    if (maybeItem.isEmpty()) {
      return Optional.empty();
    }
    Section item = maybeItem.get();
    if (item.has("conditionRef")) {
      if (item.has("spec") || item.has("metadata")) {
        reader.report(item.position(), path + ": has both conditionRef and an inline condition; give one");
        return Optional.empty();
      }
      return item.string("conditionRef").flatMap(name -> lookup("AlertCondition", name, item.get("conditionRef").orElseThrow(),
          item.path("conditionRef"), reader)).flatMap(this::condition);
    }
    Optional<String> name = inline(item, "AlertCondition", path, reader);
    return name.flatMap(n -> item.section("spec").flatMap(spec -> conditionSpec(n, spec, reader)));
  }

  private Optional<BurnRateTier> condition(Item item) {
    Optional<BurnRateTier> known = conditions.get(item);
    if (known != null) {
      return known;
    }
    item.metadata.labels("labels");
    Optional<BurnRateTier> tier = item.reader.section(item.spec, "spec", SpecKeys.OPENSLO_ALERT_CONDITION)
        .flatMap(spec -> conditionSpec(item.name, spec, item.reader));
    conditions.put(item, tier);
    return tier;
  }

  /**
   * A burn-rate condition as one tier: long window = lookbackWindow, short window = a twelfth of
   * it rounded to whole minutes (at least one; the SRE workbook's 1h/5m ratio), factor = threshold.
   */
  private static Optional<BurnRateTier> conditionSpec(String name, Section spec, SpecReader reader) {
    spec.string("description");
    Optional<String> severity = spec.string("severity");
    Optional<Section> maybeCondition = spec.section("condition");
    if (maybeCondition.isEmpty()) {
      return Optional.empty();
    }
    Section condition = maybeCondition.get();
    int before = reader.problemCount();
    condition.string("kind").filter(kind -> !kind.equals("burnrate")).ifPresent(kind -> reader.report(condition.get("kind").orElseThrow(),
        condition.path("kind"), "unknown condition kind '" + kind + "': Tonari evaluates burnrate conditions"));
    Optional<String> op = condition.string("op");
    op.filter(text -> !text.equals("gt") && !text.equals("gte")).ifPresent(text -> reader.report(condition.get("op").orElseThrow(), condition.path("op"),
        "op '" + text + "': a burn-rate condition fires when the burn rate rises to its threshold, so op must be gt or gte"));
    Optional<Double> threshold = condition.number("threshold");
    threshold.filter(value -> !(value > 0)).ifPresent(value -> reader.report(condition.get("threshold").orElseThrow(), condition.path("threshold"),
        "threshold " + SlothForm.format(value) + " must be a positive burn rate, e.g. 14.4"));
    Optional<Duration> lookback = condition.duration("lookbackWindow");
    lookback.filter(window -> window.isZero() || window.isNegative() || window.toNanos() % Duration.ofMinutes(1).toNanos() != 0)
        .ifPresent(window -> reader.report(condition.get("lookbackWindow").orElseThrow(), condition.path("lookbackWindow"),
            "lookbackWindow must be a positive whole number of minutes, got " + LokiUnits.formatDuration(window)));
    Optional<Duration> alertAfter = condition.duration("alertAfter");
    if (reader.problemCount() > before || severity.isEmpty() || op.isEmpty() || threshold.isEmpty() || lookback.isEmpty()) {
      return Optional.empty();
    }
    Duration longWindow = lookback.get();
    long shortMinutes = Math.max(1, Math.round(longWindow.toMinutes() / 12.0));
    return Optional.of(new BurnRateTier(name, severity.get(), longWindow, Duration.ofMinutes(shortMinutes), threshold.get(),
        alertAfter.orElse(Duration.ZERO), Map.of(), Map.of()));
  }

  private void targetItem(Node node, String path, SpecReader reader) {
    Optional<Section> maybeItem = reader.section(node, path, SpecKeys.OPENSLO_TARGET_ITEM);
    if (maybeItem.isEmpty()) {
      return;
    }
    Section item = maybeItem.get();
    if (item.has("targetRef")) {
      item.string("targetRef").flatMap(name -> lookup("AlertNotificationTarget", name, item.get("targetRef").orElseThrow(), item.path("targetRef"), reader))
          .ifPresent(this::notificationTarget);
      return;
    }
    inline(item, "AlertNotificationTarget", path, reader)
        .ifPresent(name -> item.section("spec").ifPresent(spec -> notificationTargetSpec(spec)));
  }

  private void notificationTarget(Item item) {
    if (checked.putIfAbsent(item, Boolean.TRUE) == null) {
      item.metadata.labels("labels");
      item.reader.section(item.spec, "spec", SpecKeys.OPENSLO_NOTIFICATION_TARGET).ifPresent(OpenSloForm::notificationTargetSpec);
    }
  }

  private static void notificationTargetSpec(Section spec) {
    spec.string("description");
    spec.string("target");
  }

  /** A named object of a kind, or a problem naming the known ones (and the nearest). */
  private Optional<Item> lookup(String kind, String name, Node node, String path, SpecReader reader) {
    Item item = items.get(kind).get(name);
    if (item != null) {
      return Optional.of(item);
    }
    List<String> known = List.copyOf(items.get(kind).keySet());
    String hint = known.isEmpty()
        ? "; no " + kind + " is defined in the files parsed together"
        : ConfigKeys.suggestion(name, known).map(s -> "; did you mean '" + s + "'?").orElse("; known: " + String.join(", ", known));
    reader.report(node, path, "unknown " + kind + " '" + name + "'" + hint);
    return Optional.empty();
  }
}

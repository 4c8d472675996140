package dev.tonari.alerts.delivery.config;

import com.google.re2j.Pattern;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.YamlTree;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a tenant's notification config: Alertmanager's {@code route} and {@code receivers}, inline
 * {@code templates} (name to template text), a small {@code global} ({@code slack_api_url},
 * {@code slack_api_url_file}) and the {@code toil} section kept raw. Every problem is collected
 * with its line and column; {@link #parse} throws {@link NotificationConfigException} and nothing
 * else, whatever the text.
 */
public final class NotificationConfigParser {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final Set<String> TOP_KEYS = Set.of("global", "route", "receivers", "templates", "toil");
  private static final Set<String> GLOBAL_KEYS = Set.of("slack_api_url", "slack_api_url_file");
  private static final Set<String> ROUTE_KEYS = Set.of("receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "matchers", "match", "match_re",
      "continue", "routes");

  private final String file;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final YamlFields fields;
  private Map<String, Receiver> receivers = Map.of();

  private NotificationConfigParser(String file) {
    this.file = file;
    this.fields = new YamlFields(file, problems);
  }

  /**
   * @param file the file name messages show
   * @throws NotificationConfigException with every problem, in position order
   */
  public static NotificationConfig parse(String file, String text) throws NotificationConfigException {
    NotificationConfigParser parser = new NotificationConfigParser(file);
    try {
      return parser.parseDocument(text);
    } catch (RuntimeException e) {
      // The contract is one exception type for any text: a bug here must still surface as a problem.
      parser.problems.add(new ConfigProblem(file, 1, 1, "internal error while reading the config: " + e));
      throw new NotificationConfigException(parser.problems.stream().sorted().toList());
    }
  }

  private NotificationConfig parseDocument(String text) throws NotificationConfigException {
    List<Map.Entry<YamlTree.Position, String>> duplicates = new ArrayList<>();
    YamlTree.Node root;
    try {
      root = YamlTree.parse(text, duplicates);
    } catch (YamlTree.SyntaxException e) {
      throw new NotificationConfigException(List.of(new ConfigProblem(file, e.position().line(), e.position().column(), e.getMessage())));
    }
    duplicates.forEach(duplicate -> fields.problem(duplicate.getKey(), duplicate.getValue()));
    if (root == null) {
      throw new NotificationConfigException(List.of(new ConfigProblem(file, 1, 1, "empty notification config: 'route' and 'receivers' are required")));
    }
    Optional<YamlTree.Mapping> top = fields.mapping(root, "notification config");
    if (top.isEmpty()) {
      throw new NotificationConfigException(problems);
    }
    YamlTree.Mapping document = top.get();
    fields.onlyKeys(document, "the notification config", TOP_KEYS);
    Optional<URI> globalSlackUrl = Optional.empty();
    Optional<Path> globalSlackFile = Optional.empty();
    Optional<YamlTree.Node> global = fields.node(document, "global");
    if (global.isPresent()) {
      Optional<YamlTree.Mapping> mapping = fields.mapping(global.get(), "global");
      if (mapping.isPresent()) {
        fields.onlyKeys(mapping.get(), "global", GLOBAL_KEYS);
        globalSlackUrl = fields.url(mapping.get(), "slack_api_url", "global");
        globalSlackFile = fields.string(mapping.get(), "slack_api_url_file", "global").map(Path::of);
      }
    }
    Map<String, String> templates = templates(document);
    Optional<YamlTree.Node> receiversNode = fields.node(document, "receivers");
    if (receiversNode.isEmpty()) {
      fields.problem(document.position(), "'receivers' is required: at least one receiver for the route to name");
    } else {
      receivers = new ReceiverParser(fields, new NamedTemplates(templates), globalSlackUrl, globalSlackFile).parse(receiversNode.get());
    }
    Route route = null;
    Optional<YamlTree.Node> routeNode = fields.node(document, "route");
    if (routeNode.isEmpty()) {
      fields.problem(document.position(), "'route' is required (the root route names the default receiver)");
    } else {
      route = route(routeNode.get(), null, "route");
    }
    if (!problems.isEmpty() || route == null) {
      throw new NotificationConfigException(problems.stream().sorted().toList());
    }
    return new NotificationConfig(file, route, receivers, templates, fields.node(document, "toil"));
  }

  private Map<String, String> templates(YamlTree.Mapping document) {
    Map<String, String> templates = new LinkedHashMap<>();
    fields.node(document, "templates").flatMap(node -> fields.mapping(node, "templates")).ifPresent(mapping -> {
      for (YamlTree.Entry entry : mapping.entries().values()) {
        if (entry.value() instanceof YamlTree.Scalar scalar && scalar.kind() == YamlTree.ScalarKind.STRING) {
          templates.put(entry.key(), scalar.text());
        } else {
          fields.problem(entry.value().position(), "templates." + entry.key() + ": expected the template text, got " + entry.value().kindName());
        }
      }
    });
    return templates;
  }

  /** One route; {@code parent} null for the root. Returns null when it is too broken to use. */
  private Route route(YamlTree.Node node, Route parent, String what) {
    Optional<YamlTree.Mapping> found = fields.mapping(node, what);
    if (found.isEmpty()) {
      return null;
    }
    YamlTree.Mapping mapping = found.get();
    fields.onlyKeys(mapping, "a route", ROUTE_KEYS);
    Optional<String> receiver = fields.string(mapping, "receiver", what);
    if (receiver.isPresent() && !receivers.containsKey(receiver.get())) {
      fields.problem(fields.node(mapping, "receiver").orElseThrow().position(), what + ".receiver: no receiver named " + receiver.get() + " (defined: "
          + receivers.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
    }
    if (parent == null && receiver.isEmpty()) {
      fields.problem(mapping.position(), "the root route needs a 'receiver' (the default for alerts no child route takes)");
    }
    List<String> groupBy = parent == null ? List.of() : parent.groupBy();
    boolean groupByAll = parent != null && parent.groupByAll();
    Optional<YamlTree.Node> groupByNode = fields.node(mapping, "group_by");
    if (groupByNode.isPresent()) {
      List<String> names = fields.strings(groupByNode.get(), what + ".group_by");
      groupByAll = names.contains("...");
      if (groupByAll && names.size() > 1) {
        fields.problem(groupByNode.get().position(), what + ".group_by: '...' groups by all labels and cannot be combined with other names");
      }
      groupBy = groupByAll ? List.of() : names.stream().distinct().toList();
      for (String name : groupBy) {
        if (!LABEL_NAME.matcher(name).matches()) {
          fields.problem(groupByNode.get().position(), what + ".group_by: \"" + name + "\" is not a label name");
        }
      }
    }
    Duration groupWait = fields.duration(mapping, "group_wait", what, true).orElse(parent == null ? Route.DEFAULT_GROUP_WAIT : parent.groupWait());
    Duration groupInterval = fields.duration(mapping, "group_interval", what, false).orElse(parent == null ? Route.DEFAULT_GROUP_INTERVAL : parent.groupInterval());
    Duration repeatInterval = fields.duration(mapping, "repeat_interval", what, false).orElse(parent == null ? Route.DEFAULT_REPEAT_INTERVAL : parent.repeatInterval());
    List<LabelMatcher> matchers = matchers(mapping, what);
    boolean continueMatching = fields.bool(mapping, "continue", what, false);
    if (parent == null && !matchers.isEmpty()) {
      fields.problem(mapping.position(), "the root route must not have matchers: it takes every alert");
    }
    if (parent == null && continueMatching) {
      fields.problem(mapping.entries().get("continue").keyPosition(), "the root route cannot have 'continue'");
    }
    String key = parent == null ? "{}" : parent.key() + "/{" + matchers.stream().map(LabelMatcher::toString).collect(Collectors.joining(",")) + "}";
    String effectiveReceiver = receiver.orElse(parent == null ? "" : parent.receiver());
    Route shell = new Route(key, effectiveReceiver, groupBy, groupByAll, groupWait, groupInterval, repeatInterval, matchers, continueMatching, List.of());
    List<Route> children = new ArrayList<>();
    Optional<YamlTree.Node> routesNode = fields.node(mapping, "routes");
    if (routesNode.isPresent()) {
      List<YamlTree.Node> items = fields.sequence(routesNode.get(), what + ".routes").orElse(List.of());
      for (int i = 0; i < items.size(); i++) {
        Route child = route(items.get(i), shell, what + ".routes[" + i + "]");
        if (child != null) {
          children.add(child);
        }
      }
    }
    return new Route(key, effectiveReceiver, groupBy, groupByAll, groupWait, groupInterval, repeatInterval, matchers, continueMatching, children);
  }

  /** {@code matchers} (Alertmanager's strings) and the older {@code match} / {@code match_re} maps. */
  private List<LabelMatcher> matchers(YamlTree.Mapping mapping, String what) {
    List<LabelMatcher> matchers = new ArrayList<>();
    fields.node(mapping, "matchers").flatMap(node -> fields.sequence(node, what + ".matchers")).ifPresent(items -> {
      for (YamlTree.Node item : items) {
        if (item instanceof YamlTree.Scalar scalar && scalar.kind() != YamlTree.ScalarKind.NULL) {
          try {
            matchers.addAll(LabelMatcher.parseList(scalar.text()));
          } catch (IllegalArgumentException e) {
            fields.problem(item.position(), what + ".matchers: " + e.getMessage());
          }
        } else {
          fields.problem(item.position(), what + ".matchers: expected a matcher like severity=\"page\", got " + item.kindName());
        }
      }
    });
    legacyMatchers(mapping, "match", LabelMatcher.Type.EQUAL, what, matchers);
    legacyMatchers(mapping, "match_re", LabelMatcher.Type.REGEX, what, matchers);
    return matchers;
  }

  private void legacyMatchers(YamlTree.Mapping mapping, String key, LabelMatcher.Type type, String what, List<LabelMatcher> matchers) {
    fields.node(mapping, key).flatMap(node -> fields.mapping(node, what + "." + key)).ifPresent(map -> {
      for (YamlTree.Entry entry : map.entries().values()) {
        if (entry.value() instanceof YamlTree.Scalar scalar && scalar.kind() != YamlTree.ScalarKind.NULL) {
          try {
            matchers.add(new LabelMatcher(entry.key(), type, scalar.text()));
          } catch (IllegalArgumentException e) {
            fields.problem(entry.keyPosition(), what + "." + key + ": " + e.getMessage());
          }
        } else {
          fields.problem(entry.value().position(), what + "." + key + "." + entry.key() + ": expected a string, got " + entry.value().kindName());
        }
      }
    });
  }
}

package dev.tonari.alerts.delivery.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node of the routing tree, with what it inherits from its parents already filled in (as
 * Alertmanager resolves it when loading).
 *
 * @param key Alertmanager's route key: {@code {}} for the root, then the parent's key, a slash
 *     and the route's matchers ({@code {}/{team="db"}}); with the group labels it forms the group key
 * @param receiver the receiver of the alerts this route takes
 * @param groupBy label names alerts are grouped by; empty with {@code groupByAll} false puts all
 *     alerts of the route in one group
 * @param groupByAll {@code group_by: ['...']}: every label set is its own group
 * @param groupWait how long a new group waits for more alerts before its first notification
 * @param groupInterval how long after a notification changes to a group are notified
 * @param repeatInterval how long after a notification an unchanged group is notified again
 * @param matchers what an alert must match to take this route (none for the root)
 * @param continueMatching {@code continue}: after this route matches, its siblings are tried too
 * @param routes the children, tried in order
 */
public record Route(String key, String receiver, List<String> groupBy, boolean groupByAll, Duration groupWait, Duration groupInterval,
    Duration repeatInterval, List<LabelMatcher> matchers, boolean continueMatching, List<Route> routes) {
  public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

  public Route {
    groupBy = List.copyOf(groupBy);
    matchers = List.copyOf(matchers);
    routes = List.copyOf(routes);
  }

  /**
   * The routes an alert takes, as Alertmanager's {@code Route.Match}: depth first, the deepest
   * matching routes win; a matching child without {@code continue} stops its later siblings; a
   * route none of whose children match takes the alert itself.
   */
  public List<Route> match(Map<String, String> labels) {
    List<Route> matched = new ArrayList<>();
    if (!LabelMatcher.all(matchers, labels)) {
      return matched;
    }
    for (Route child : routes) {
      List<Route> childMatches = child.match(labels);
      matched.addAll(childMatches);
      if (!childMatches.isEmpty() && !child.continueMatching()) {
        break;
      }
    }
    if (matched.isEmpty()) {
      matched.add(this);
    }
    return matched;
  }

  /** The labels of an alert that name its group on this route. */
  public Map<String, String> groupLabels(Map<String, String> labels) {
    if (groupByAll) {
      return new TreeMap<>(labels);
    }
    Map<String, String> group = new TreeMap<>();
    for (String name : groupBy) {
      String value = labels.get(name);
      if (value != null && !value.isEmpty()) {
        group.put(name, value);
      }
    }
    return group;
  }
}

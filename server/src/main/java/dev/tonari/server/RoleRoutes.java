package dev.tonari.server;

import dev.tonari.server.ClusterSettings.Role;
import java.util.Optional;

/**
 * Which groups of routes (and the engines behind them) a process serves, by cluster role. The
 * single-node server and role {@code all} serve every group; {@code /ready} and {@code /metrics}
 * are on every process, and the ingesters' internal head route on those that run an ingester.
 *
 * @param push Loki's push and the agents' formats (OTLP, Elasticsearch bulk, JSON lines): distributors
 * @param reads Loki's read API, index and Drilldown routes and the tail: queriers
 * @param rulerAndSlo the ruler, the SLO engine and their APIs (rules, alerts, silences, history, toil): rulers
 * @param admin tokens, usage and the tenants view: every process people or agents call
 * @param ui the web UI and its sign-in: queriers (it is a reading tool)
 */
record RoleRoutes(boolean push, boolean reads, boolean rulerAndSlo, boolean admin, boolean ui) {

  static RoleRoutes of(Optional<Role> role) {
    if (role.isEmpty() || role.get() == Role.ALL) {
      return new RoleRoutes(true, true, true, true, true);
    }
    return switch (role.get()) {
      case DISTRIBUTOR -> new RoleRoutes(true, false, false, true, false);
      case QUERIER -> new RoleRoutes(false, true, false, true, true);
      case RULER -> new RoleRoutes(false, false, true, true, false);
      case INGESTER, COMPACTOR -> new RoleRoutes(false, false, false, false, false);
      case ALL -> throw new IllegalStateException("handled above");
    };
  }

  /** A group of routes and the role that serves it in a cluster. */
  enum Group {
    PUSH("distributor"),
    READS("querier"),
    RULER_AND_SLO("ruler"),
    ADMIN("distributor, querier or ruler"),
    UI("querier");

    final String servedBy;

    Group(String servedBy) {
      this.servedBy = servedBy;
    }
  }

  /** The group a path belongs to, or empty for the routes every process has ({@code /ready}, {@code /metrics}) and unknown paths. */
  static Optional<Group> groupOf(String path) {
    if (path.equals("/loki/api/v1/push") || path.equals("/otlp/v1/logs") || path.equals("/tonari/api/v1/push/jsonl") || path.equals("/")
        || path.equals("/_bulk") || path.endsWith("/_bulk") || path.equals("/_license") || path.equals("/_cluster/health")) {
      return Optional.of(Group.PUSH);
    }
    if (path.startsWith("/tonari/api/v1/slo") || path.startsWith("/tonari/api/v1/alerts") || path.equals("/tonari/api/v1/toil")
        || path.startsWith("/tonari/api/v1/notifications/") || path.startsWith("/loki/api/v1/rules") || path.startsWith("/api/prom/rules")
        || path.startsWith("/prometheus/api/v1/") || path.startsWith("/alertmanager/api/v2/")) {
      return Optional.of(Group.RULER_AND_SLO);
    }
    if (path.equals("/ui") || path.startsWith("/ui/") || path.equals("/tonari/api/v1/session")) {
      return Optional.of(Group.UI);
    }
    if (path.startsWith("/tonari/api/v1/tokens") || path.equals("/tonari/api/v1/usage") || path.equals("/tonari/api/v1/tenants")) {
      return Optional.of(Group.ADMIN);
    }
    if (path.startsWith("/loki/api/v1/") && !path.equals("/loki/api/v1/status/buildinfo")) {
      return Optional.of(Group.READS);
    }
    return Optional.empty();
  }

  /** Whether this process serves the group. */
  boolean serves(Group group) {
    return switch (group) {
      case PUSH -> push;
      case READS -> reads;
      case RULER_AND_SLO -> rulerAndSlo;
      case ADMIN -> admin;
      case UI -> ui;
    };
  }

  /**
   * For a request nothing here answered: the message of the 404 when the path belongs to a group
   * another role serves ("... is served by the querier role, this process is a distributor"),
   * empty when it is simply unknown.
   */
  Optional<String> elsewhere(String method, String path, String thisRole) {
    return groupOf(path).filter(group -> !serves(group))
        .map(group -> method + " " + path + " is served by the " + group.servedBy + " role of the cluster; this process is a " + thisRole
            + ": send it there (see docs/cluster.md)");
  }

  /** Whether people or agents call this process at all (build info is then served, as by every Loki component). */
  boolean userFacing() {
    return push || reads || rulerAndSlo || admin;
  }
}

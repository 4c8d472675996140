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

  /** Whether people or agents call this process at all (build info is then served, as by every Loki component). */
  boolean userFacing() {
    return push || reads || rulerAndSlo || admin;
  }
}

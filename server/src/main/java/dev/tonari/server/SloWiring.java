package dev.tonari.server;

import dev.tonari.cluster.ruler.CatalogRollupStore;
import dev.tonari.cluster.ruler.CatalogSloProgressStore;
import dev.tonari.cluster.ruler.RulerLeases;
import dev.tonari.query.QueryLimits;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.rollup.RollupStore;
import dev.tonari.slo.source.ErrorPatterns;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.slo.source.PrometheusSliSource;
import dev.tonari.slo.source.SliSources;
import dev.tonari.store.LogStore;
import dev.tonari.tenancy.config.PrometheusSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the SLO engine of a server: LogQL SLIs over the server's own store (with each tenant's
 * query limits), PromQL SLIs against the tenants' OpenSLO data sources or else each tenant's
 * default Prometheus (its {@code prometheus} in the tenants files, else the server's {@code
 * slo.prometheus}), and rollups in {@code <data_dir>/slo/rollups}.
 */
final class SloWiring {
  private SloWiring() {}

  /**
   * @param prometheusOfTenant the tenant's {@code prometheus} in the tenants config in effect, asked
   *     on every evaluation so that a reload of the tenants files applies without restart
   */
  static SloService open(ServerConfig config, LogStore store, Function<String, QueryLimits> limitsOfTenant,
      Function<String, Optional<PrometheusSettings>> prometheusOfTenant, Clock clock) throws IOException {
    return open(config, store, limitsOfTenant, prometheusOfTenant, clock, Optional.empty());
  }

  /**
   * @param cluster a ruler role's catalog and per-tenant leases: rollups and evaluation progress
   *     then live in the catalog, written under the tenant's lease, and only the tenants held are
   *     evaluated; empty on a single node (files under the data directory, every tenant)
   */
  static SloService open(ServerConfig config, LogStore store, Function<String, QueryLimits> limitsOfTenant,
      Function<String, Optional<PrometheusSettings>> prometheusOfTenant, Clock clock, Optional<ClusterWiring> cluster) throws IOException {
    Optional<RulerLeases> leases = cluster.flatMap(ClusterWiring::rulerLeases);
    SloDataSources dataSources = new SloDataSources();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    LogQlSliSource logql = new LogQlSliSource(store, limitsOfTenant);
    PrometheusSliSource promql = new PrometheusSliSource(defaultEndpoints(prometheusOfTenant, config.slo().prometheus()), dataSources::find,
        http, config.slo().prometheusTimeout());
    RollupStore rollups = leases.isPresent() ? new CatalogRollupStore(cluster.get().catalog(), leases.get())
        : new FileRollupStore(config.dataDir().resolve("slo").resolve("rollups"));
    SloService service;
    try {
      service = leases.isPresent()
          ? new SloService(config.slo(), config.dataDir(), new SliSources(logql, promql), rollups, dataSources, clock,
              new CatalogSloProgressStore(cluster.get().catalog(), leases.get()), leases.get())
          : new SloService(config.slo(), config.dataDir(), new SliSources(logql, promql), rollups, dataSources, clock);
    } catch (IOException | RuntimeException e) {
      rollups.close();
      throw e;
    }
    ErrorPatterns patterns = new ErrorPatterns(store, limitsOfTenant, ErrorPatterns.DEFAULT_MAX_LINES);
    service.setErrorPatternSource(patterns::topPatterns);
    return service;
  }

  /**
   * Each tenant's default Prometheus, for PromQL SLIs that name no OpenSLO {@code DataSource}: its
   * {@code prometheus} from the tenants config, else the server's {@code slo.prometheus}, else none
   * (those SLIs are then "no data" with a message saying so).
   */
  static Function<String, Optional<PrometheusEndpoint>> defaultEndpoints(Function<String, Optional<PrometheusSettings>> prometheusOfTenant,
      Optional<PrometheusEndpoint> serverDefault) {
    return tenant -> prometheusOfTenant.apply(tenant).map(SloWiring::endpoint).or(() -> serverDefault);
  }

  /** The same server, credentials and org ID, as the SLO module names them. */
  static PrometheusEndpoint endpoint(PrometheusSettings settings) {
    return new PrometheusEndpoint(settings.url(), settings.bearerToken(), settings.username(), settings.password(), settings.orgId());
  }
}

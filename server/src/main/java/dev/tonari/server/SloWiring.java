package dev.tonari.server;

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
 * slo.prometheus}), and rollups in {@code <data_dir>/slo/rollups}; a cluster's ruler keeps rollups
 * and progress in the catalog instead and evaluates only its share of the tenants ({@link
 * ClusterRulerShare}).
 */
final class SloWiring {
  private SloWiring() {}

  /**
   * @param prometheusOfTenant the tenant's {@code prometheus} in the tenants config in effect, asked
   *     on every evaluation so that a reload of the tenants files applies without restart
   * @param share a cluster ruler's share of the tenants; empty on a single node (every tenant, files in the data directory)
   */
  static SloService open(ServerConfig config, LogStore store, Function<String, QueryLimits> limitsOfTenant,
      Function<String, Optional<PrometheusSettings>> prometheusOfTenant, Clock clock, Optional<ClusterRulerShare> share) throws IOException {
    SloDataSources dataSources = new SloDataSources();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    LogQlSliSource logql = new LogQlSliSource(store, limitsOfTenant);
    PrometheusSliSource promql = new PrometheusSliSource(defaultEndpoints(prometheusOfTenant, config.slo().prometheus()), dataSources::find,
        http, config.slo().prometheusTimeout());
    RollupStore rollups = share.isPresent() ? share.get().rollups() : new FileRollupStore(config.dataDir().resolve("slo").resolve("rollups"));
    SloService service;
    try {
      SliSources sources = new SliSources(logql, promql);
      service = share.isPresent()
          ? new SloService(config.slo(), config.dataDir(), sources, rollups, dataSources, clock, share.get().sloProgress(), share.get())
          : new SloService(config.slo(), config.dataDir(), sources, rollups, dataSources, clock);
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

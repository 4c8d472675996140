package dev.tonari.server;

import dev.tonari.query.QueryLimits;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.rollup.RollupStore;
import dev.tonari.slo.source.ErrorPatterns;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.slo.source.PrometheusSliSource;
import dev.tonari.slo.source.SliSources;
import dev.tonari.store.LogStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * Builds the SLO engine of a server: LogQL SLIs over the server's own store (with each tenant's
 * query limits), PromQL SLIs against the configured Prometheus or the tenants' OpenSLO data
 * sources, and rollups in {@code <data_dir>/slo/rollups}.
 */
final class SloWiring {
  private SloWiring() {}

  static SloService open(ServerConfig config, LogStore store, Function<String, QueryLimits> limitsOfTenant, Clock clock) throws IOException {
    SloDataSources dataSources = new SloDataSources();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    LogQlSliSource logql = new LogQlSliSource(store, limitsOfTenant);
    PrometheusSliSource promql = new PrometheusSliSource(tenant -> config.slo().prometheus(), dataSources::find, http,
        config.slo().prometheusTimeout());
    RollupStore rollups = new FileRollupStore(config.dataDir().resolve("slo").resolve("rollups"));
    SloService service;
    try {
      service = new SloService(config.slo(), config.dataDir(), new SliSources(logql, promql), rollups, dataSources, clock);
    } catch (IOException | RuntimeException e) {
      rollups.close();
      throw e;
    }
    ErrorPatterns patterns = new ErrorPatterns(store, limitsOfTenant, ErrorPatterns.DEFAULT_MAX_LINES);
    service.setErrorPatternSource(patterns::topPatterns);
    return service;
  }
}

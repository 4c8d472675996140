package dev.tonari.bench.slo;

import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.source.SliSource;
import dev.tonari.slo.source.SliUnavailableException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link SliSource} that answers from {@link SyntheticTraffic} instead of a log store, so that
 * 100 SLOs get 78 days of rollups in seconds, written by the engine itself (its backfill, its
 * fingerprints). Counts its calls, so the benchmark can show that reading the status ran none.
 */
final class SyntheticSliSource implements SliSource {
  private final SyntheticTraffic traffic;
  private final Map<String, Integer> serviceBySloId;
  private final AtomicLong calls = new AtomicLong();

  SyntheticSliSource(SyntheticTraffic traffic, Map<String, Integer> serviceBySloId) {
    this.traffic = traffic;
    this.serviceBySloId = Map.copyOf(serviceBySloId);
  }

  @Override
  public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute)
      throws SliUnavailableException {
    calls.incrementAndGet();
    Integer service = serviceBySloId.get(spec.id());
    if (service == null) {
      throw new SliUnavailableException("tenant " + tenant + ", SLO " + spec.id() + ": not one of the benchmark's synthetic SLOs");
    }
    return Map.of(Map.of(), traffic.series(service, fromMinute, toMinute));
  }

  long calls() {
    return calls.get();
  }
}

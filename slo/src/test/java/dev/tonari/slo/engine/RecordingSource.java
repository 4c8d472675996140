package dev.tonari.slo.engine;

import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.source.SliSource;
import dev.tonari.slo.source.SliUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source in front of a real one that records every range the engine asks for, and that can be
 * told to fail for some SLO ids (as a Prometheus that is down fails for the SLOs it serves).
 */
final class RecordingSource implements SliSource {
  /** One call: which SLO, and the minutes {@code [from, to)}. */
  record Call(String tenant, String sloId, long fromMinute, long toMinute) {}

  private final SliSource delegate;
  private final List<Call> calls = new ArrayList<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  RecordingSource(SliSource delegate) {
    this.delegate = delegate;
  }

  /** From now on, evaluations of {@code sloId} fail with an {@link SliUnavailableException}. */
  void fail(String sloId) {
    failing.add(sloId);
  }

  void recover(String sloId) {
    failing.remove(sloId);
  }

  synchronized List<Call> calls(String sloId) {
    return calls.stream().filter(call -> call.sloId().equals(sloId)).toList();
  }

  synchronized void clear() {
    calls.clear();
  }

  @Override
  public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute)
      throws SliUnavailableException {
    synchronized (this) {
      calls.add(new Call(tenant, spec.id(), fromMinute, toMinute));
    }
    if (failing.contains(spec.id())) {
      throw new SliUnavailableException("tenant " + tenant + ", SLO " + spec.id() + ": prometheus.example:9090 refused the connection");
    }
    return delegate.evaluate(tenant, spec, fromMinute, toMinute);
  }
}

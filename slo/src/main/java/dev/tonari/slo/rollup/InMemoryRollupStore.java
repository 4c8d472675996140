package dev.tonari.slo.rollup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link RollupStore} in the heap, for tests and for a server run without a data directory; the
 * same day blocks as {@link FileRollupStore}, without the files. Lost on restart.
 */
public final class InMemoryRollupStore implements RollupStore {
  private final Map<SloRef, SloState> slos = new HashMap<>();
  private boolean closed;

  @Override
  public synchronized void write(SeriesKey key, MinuteSeries minutes) {
    checkOpen();
    if (minutes.length() == 0) {
      return;
    }
    NavigableMap<Long, DayBlock> days = slos.computeIfAbsent(SloRef.of(key), k -> new SloState()).series.computeIfAbsent(key.group(),
        g -> new TreeMap<>());
    for (long day = DayBlock.dayOf(minutes.startMinute()), last = DayBlock.dayOf(minutes.endMinute() - 1); day <= last; day++) {
      DayBlock old = days.get(day);
      DayBlock updated = (old == null ? DayBlock.empty(day) : old).apply(minutes);
      if (updated.isEmpty()) {
        days.remove(day);
      } else {
        days.put(day, updated);
      }
    }
    dropEmpty(SloRef.of(key), key.group());
  }

  @Override
  public synchronized MinuteSeries read(SeriesKey key, long fromMinute, long toMinute) {
    checkOpen();
    MinuteSeries result = new MinuteSeries(fromMinute, checkedLength(fromMinute, toMinute));
    SloState state = slos.get(SloRef.of(key));
    NavigableMap<Long, DayBlock> days = state == null ? null : state.series.get(key.group());
    if (days == null || toMinute <= fromMinute) {
      return result;
    }
    for (DayBlock block : days.subMap(DayBlock.dayOf(fromMinute), true, DayBlock.dayOf(toMinute - 1), true).values()) {
      block.copyInto(result);
    }
    return result;
  }

  @Override
  public synchronized List<SeriesKey> series(String tenant, String sloId) {
    checkOpen();
    SloState state = slos.get(new SloRef(tenant, sloId));
    List<SeriesKey> keys = new ArrayList<>();
    if (state != null) {
      for (Map<String, String> group : state.series.keySet()) {
        keys.add(new SeriesKey(tenant, sloId, group));
      }
    }
    return keys;
  }

  @Override
  public synchronized void deleteSlo(String tenant, String sloId) {
    checkOpen();
    slos.remove(new SloRef(tenant, sloId));
  }

  @Override
  public synchronized Optional<String> fingerprint(String tenant, String sloId) {
    checkOpen();
    SloState state = slos.get(new SloRef(tenant, sloId));
    return state == null ? Optional.empty() : Optional.ofNullable(state.fingerprint);
  }

  @Override
  public synchronized void setFingerprint(String tenant, String sloId, String fingerprint) {
    checkOpen();
    Objects.requireNonNull(fingerprint, "fingerprint");
    slos.computeIfAbsent(new SloRef(tenant, sloId), k -> new SloState()).fingerprint = fingerprint;
  }

  @Override
  public synchronized void prune(long beforeMinute) {
    checkOpen();
    long boundaryDay = DayBlock.dayOf(beforeMinute);
    for (Iterator<Map.Entry<SloRef, SloState>> slo = slos.entrySet().iterator(); slo.hasNext();) {
      SloState state = slo.next().getValue();
      for (Iterator<NavigableMap<Long, DayBlock>> series = state.series.values().iterator(); series.hasNext();) {
        NavigableMap<Long, DayBlock> days = series.next();
        days.headMap(boundaryDay, false).clear();
        DayBlock boundary = days.get(boundaryDay);
        if (boundary != null) {
          DayBlock pruned = boundary.clearBefore(beforeMinute);
          if (pruned.isEmpty()) {
            days.remove(boundaryDay);
          } else {
            days.put(boundaryDay, pruned);
          }
        }
        if (days.isEmpty()) {
          series.remove();
        }
      }
      if (state.series.isEmpty() && state.fingerprint == null) {
        slo.remove();
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    slos.clear();
  }

  private void dropEmpty(SloRef ref, Map<String, String> group) {
    SloState state = slos.get(ref);
    if (state.series.get(group).isEmpty()) {
      state.series.remove(group);
    }
    if (state.series.isEmpty() && state.fingerprint == null) {
      slos.remove(ref);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the rollup store is closed");
    }
  }

  static int checkedLength(long fromMinute, long toMinute) {
    long length = Math.max(0, toMinute - fromMinute);
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("range of " + length + " minutes is too long: [" + fromMinute + ", " + toMinute + ")");
    }
    return (int) length;
  }

  /** One SLO of one tenant. */
  record SloRef(String tenant, String sloId) {
    SloRef {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(sloId, "sloId");
    }

    static SloRef of(SeriesKey key) {
      return new SloRef(key.tenant(), key.sloId());
    }
  }

  private static final class SloState {
    String fingerprint;
    final Map<Map<String, String>, NavigableMap<Long, DayBlock>> series = new HashMap<>();
  }
}

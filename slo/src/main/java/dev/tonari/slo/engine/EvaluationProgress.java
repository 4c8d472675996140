package dev.tonari.slo.engine;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each SLO has been evaluated (the first epoch minute not yet evaluated), so that a
 * restart evaluates exactly the minutes it missed, also the ones the rollups hold nothing for
 * (minutes with no events leave no trace there). Kept in a {@link SloProgressStore}, read per
 * tenant when first needed (and again when the tenant comes back to this process), written after
 * every evaluation round for the tenants that changed; a lost or unreadable progress only costs a
 * re-evaluation of the last history window, never a wrong figure.
 */
final class EvaluationProgress {
  private static final Logger log = LoggerFactory.getLogger(EvaluationProgress.class);

  private final SloProgressStore store;
  private final Map<String, Map<String, Long>> byTenant = new ConcurrentHashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();

  EvaluationProgress(SloProgressStore store) {
    this.store = store;
  }

  private Map<String, Long> of(String tenant) {
    return byTenant.computeIfAbsent(tenant, t -> {
      Map<String, Long> loaded = new ConcurrentHashMap<>();
      try {
        loaded.putAll(store.load(t));
      } catch (IOException | RuntimeException e) {
        log.warn("cannot read the SLO evaluation progress of tenant {} from {}: {}; its SLOs re-evaluate their history window", t, store,
            e.getMessage());
      }
      return loaded;
    });
  }

  /** The first minute not evaluated yet, or -1 when unknown. */
  long evaluatedThrough(String tenant, String id) {
    return of(tenant).getOrDefault(id, -1L);
  }

  void set(String tenant, String id, long minute) {
    of(tenant).put(id, minute);
    dirty.add(tenant);
  }

  void forget(String tenant, String id) {
    if (of(tenant).remove(id) != null) {
      dirty.add(tenant);
    }
  }

  /** Drops what is known of the tenant: it is read from the store again when next needed (the tenant left this process, or came back). */
  void release(String tenant) {
    dirty.remove(tenant);
    byTenant.remove(tenant);
  }

  /** Writes the tenants that changed since the last save. */
  synchronized void save() {
    if (dirty.isEmpty()) {
      return;
    }
    Map<String, Map<String, Long>> changed = new HashMap<>();
    for (String tenant : Set.copyOf(dirty)) {
      dirty.remove(tenant);
      Map<String, Long> progress = byTenant.get(tenant);
      if (progress != null) {
        changed.put(tenant, Map.copyOf(progress));
      }
    }
    try {
      store.save(changed);
    } catch (IOException | RuntimeException e) {
      // Tried again after the next round; a tenant released meanwhile is its new owner's to write.
      changed.keySet().stream().filter(byTenant::containsKey).forEach(dirty::add);
      log.warn("cannot write SLO evaluation progress to {}: {}", store, e.getMessage());
    }
  }
}

package dev.tonari.slo.engine;

import java.io.IOException;
import java.util.Map;

/**
 * Where the SLO engine keeps how far each SLO has been evaluated (the first epoch minute not yet
 * evaluated, by SLO id), per tenant, so that a restart, or another process taking the tenant
 * over, evaluates exactly the minutes that were missed. {@link FileSloProgressStore} ({@code
 * <data_dir>/slo/progress.json}) is the default; a cluster keeps it in its catalog, fenced by the
 * tenant's lease. A lost or unreadable progress only costs a re-evaluation of the history window.
 */
public interface SloProgressStore {
  /** The tenant's progress by SLO id; empty when nothing is stored. */
  Map<String, Long> load(String tenant) throws IOException;

  /**
   * Replaces the progress of each tenant given (the others stay as they are). A store shared by
   * processes may refuse a tenant this process no longer owns: the others are still saved, and an
   * {@link IOException} names the ones refused.
   */
  void save(Map<String, Map<String, Long>> byTenant) throws IOException;
}

package dev.tonari.tenancy;

/**
 * Which tenants this process evaluates (rules and SLOs). One node evaluates every tenant ({@link
 * #ALL}); in a cluster each tenant is evaluated by exactly one ruler, which holds the tenant's
 * lease. The ruler and the SLO engine ask again every cycle, so an answer may change at any time:
 * a tenant that leaves stops being evaluated (its state stays where the next holder finds it), a
 * tenant that arrives has its state loaded before its first evaluation.
 */
@FunctionalInterface
public interface TenantAssignment {
  /** Every tenant: the single-node default. */
  TenantAssignment ALL = tenant -> true;

  /** Whether this process evaluates the tenant's rules and SLOs now. */
  boolean evaluates(String tenant);

  /**
   * Which uninterrupted holding of the tenant this is (a cluster's lease generation; 0 on a single
   * node). It changes when this process loses the tenant and gains it again, even between two
   * questions: what it kept in memory from an earlier holding is stale then and is read again
   * from the stores.
   */
  default long tenure(String tenant) {
    return 0;
  }
}

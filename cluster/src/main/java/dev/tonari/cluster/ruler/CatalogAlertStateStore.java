package dev.tonari.cluster.ruler;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.FencedException;
import dev.tonari.cluster.catalog.QueuedNotification;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.eval.AlertStateStore;
import dev.tonari.rules.eval.GroupKey;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ruler's alert states in the cluster catalog, one state blob per rule group ({@code
 * ruler/alert-state/<tenant>/<namespace>/<group>}, see {@link CatalogKeys}), so that the ruler
 * that takes a tenant over restores its alerts as they were: a firing alert keeps its {@code
 * activeAt} and {@code lastSentAt}, so nobody is paged again. The content is what the file store
 * writes (format line, JSON, CRC32), checked when read.
 *
 * <p><b>Fencing.</b> Every write is {@link ClusterCatalog#writeUnderLease} with the tenant's lease
 * generation: the catalog refuses it once this ruler no longer holds that generation, so a ruler
 * that lost its lease (a long pause, a partition) can neither overwrite the new holder's state nor
 * queue a notification ({@link OwnershipLostException}). A ruler that holds no lease of the tenant
 * does not write at all.
 *
 * <p><b>Notifications.</b> {@link #queuesAlerts}: the ruler's alerts of a group evaluation go into
 * the catalog's outbox in the same transaction as the state that records them as sent, so a
 * hand-over neither loses nor repeats one; {@link OutboxDispatcher} delivers them. A catalog cannot be listed: the ruler loads each group's state when
 * it first sees the group. Removal writes an empty blob (the catalog has no delete).
 */
public final class CatalogAlertStateStore implements AlertStateStore {
  private final ClusterCatalog catalog;
  private final LeaseGenerations leases;

  /** @param leases the fencing tokens: the {@link RulerLeases} of this ruler */
  public CatalogAlertStateStore(ClusterCatalog catalog, LeaseGenerations leases) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.leases = Objects.requireNonNull(leases, "leases");
  }

  @Override
  public Optional<List<Stored>> listAll(List<String> problems) {
    return Optional.empty();
  }

  @Override
  public Optional<Stored> load(GroupKey key) throws IOException {
    String name = name(key);
    try {
      return catalog.loadState(name).filter(content -> content.length > 0).map(content -> new Stored(describe(name), content));
    } catch (CatalogUnavailableException e) {
      throw new IOException("cannot load " + describe(name) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void save(GroupKey key, byte[] content) throws IOException {
    write(key, content, List.of());
  }

  @Override
  public void delete(GroupKey key) throws IOException {
    write(key, new byte[0], List.of());
  }

  @Override
  public boolean queuesAlerts() {
    return true;
  }

  /** The state and, when there are alerts, one notification of them ({@link OutgoingAlertsCodec}) for {@link OutboxDispatcher}, in one fenced write. */
  @Override
  public void saveWithAlerts(GroupKey key, long tenure, byte[] content, List<OutgoingAlert> alerts) throws IOException {
    List<QueuedNotification> notifications = alerts.isEmpty() ? List.of()
        : List.of(new QueuedNotification(key.tenant(), OutboxDispatcher.RECEIVER, OutgoingAlertsCodec.encode(alerts)));
    write(key, OptionalLong.of(tenure), content, notifications);
  }

  private void write(GroupKey key, byte[] content, List<QueuedNotification> notifications) throws IOException {
    write(key, OptionalLong.empty(), content, notifications);
  }

  /** @param tenure the lease generation the content is of; empty: the one held now */
  private void write(GroupKey key, OptionalLong tenure, byte[] content, List<QueuedNotification> notifications) throws IOException {
    String name = name(key);
    try {
      if (tenure.isPresent()) {
        leases.writeUnderLease(catalog, key.tenant(), tenure.getAsLong(), Map.of(name, content), notifications);
      } else {
        leases.writeUnderLease(catalog, key.tenant(), Map.of(name, content), notifications);
      }
    } catch (FencedException e) {
      throw new OwnershipLostException("refused " + describe(name) + (notifications.isEmpty() ? "" : " with its alerts")
          + ": another ruler holds tenant " + key.tenant() + " now (" + e.getMessage() + ")", e);
    } catch (CatalogUnavailableException e) {
      throw new IOException("cannot save " + describe(name) + ": " + e.getMessage(), e);
    }
  }

  static String name(GroupKey key) {
    return CatalogKeys.alertState(key.tenant(), key.namespace(), key.group());
  }

  private static String describe(String name) {
    return "alert state " + name + " in the cluster catalog";
  }

  @Override
  public String toString() {
    return "the cluster catalog's alert states";
  }
}

package dev.tonari.rules.eval;

import dev.tonari.rules.alert.OutgoingAlert;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where the ruler keeps the alert state of each rule group between evaluations, so that a restart,
 * or another ruler taking the tenant over, neither pages again nor loses the progress of {@code
 * for}. The content is opaque here: the bytes {@link AlertStateFile} encodes (format line, JSON,
 * CRC32 line), checked when read back, whatever the store. {@link AlertStateDirectory} (one file
 * per group) is the default; a cluster keeps them in its catalog, fenced by the tenant's lease.
 *
 * <p>Implementations are safe for concurrent use; groups are written by one evaluation at a time.
 */
public interface AlertStateStore {
  /** One stored state and where it is, for messages ("alert state file /x/group-....state"). */
  record Stored(String where, byte[] content) {}

  /**
   * Every state the store holds, read once when the ruler starts, or empty when the store cannot
   * list (a catalog): the ruler then asks {@link #load} for each group as it first sees it.
   * Unreadable entries are reported to {@code problems} with where they are and what is wrong.
   */
  Optional<List<Stored>> listAll(List<String> problems) throws IOException;

  /** The state saved for the group, if any. */
  Optional<Stored> load(GroupKey key) throws IOException;

  /**
   * Replaces the group's state. A store may refuse a writer that is no longer the group's owner
   * (a ruler that lost its tenant's lease) with an {@link IOException} saying so.
   */
  void save(GroupKey key, byte[] content) throws IOException;

  /** Forgets the group's state (its group was removed from the rules). */
  void delete(GroupKey key) throws IOException;

  /**
   * Whether the store queues alerts with the state ({@link #saveWithAlerts}): a cluster's catalog
   * with its outbox of notifications. False (files, the single node): the ruler gives the alerts to
   * its {@code AlertSink}, then saves the state, as it always did.
   */
  default boolean queuesAlerts() {
    return false;
  }

  /**
   * Saves the group's state and queues the alerts to send in one step: both happen or neither, so
   * the state that says an alert was sent exists exactly when the alert is on its way, and the
   * ruler taking the tenant over neither sends it again nor misses it.
   *
   * @param tenure the tenant's {@code TenantAssignment.tenure} the group's state is of: refused
   *     when this process no longer holds the tenant in that tenure
   * @throws OwnershipLostException when another ruler owns the tenant now (nothing written)
   * @throws IOException when the store cannot be reached (nothing written)
   */
  default void saveWithAlerts(GroupKey key, long tenure, byte[] content, List<OutgoingAlert> alerts) throws IOException {
    throw new UnsupportedOperationException(this + " does not queue alerts");
  }

  /** A write refused because this process no longer owns the group's tenant (another ruler holds its lease). */
  final class OwnershipLostException extends IOException {
    private static final long serialVersionUID = 1L;

    public OwnershipLostException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

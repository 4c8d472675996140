package dev.tonari.cluster.catalog;

/** A notification to put in the outbox with a lease-fenced write ({@link ClusterCatalog#writeUnderLease}). */
public record QueuedNotification(String tenant, String receiver, byte[] payload) {
  public QueuedNotification {
    CatalogArguments.checkHolder("tenant of a notification", tenant);
    CatalogArguments.checkHolder("receiver of a notification for tenant " + tenant, receiver);
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}

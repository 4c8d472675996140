package dev.tonari.store.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link DiskLogStore} uses a remote object store ({@link
 * dev.tonari.store.object.ObjectStore#isRemote()}, e.g. S3).
 *
 * @param cacheDirectory where fetched blocks are cached; null means {@code <data_dir>/cache}
 * @param cacheBytes the most the block cache may hold on disk
 * @param ackAfterUpload a push is acknowledged only once the part holding it is uploaded and
 *     committed (no loss when the local disk is lost, at the latency of a flush and an upload per
 *     push); otherwise after the local WAL fsync, as with local storage
 * @param readOnly serve the parts another server writes: no pushes, flushes, merges, retention
 *     or sweeping; the catalogue of committed parts is re-read every {@code catalogueRefresh}
 * @param catalogueRefresh how often a read-only store lists the commits again
 * @param orphanSweepInterval how often a writer deletes parts that no commit names (left by a
 *     failed commit); also done at every start
 */
public record RemoteStorageOptions(
    Path cacheDirectory, long cacheBytes, boolean ackAfterUpload, boolean readOnly, Duration catalogueRefresh, Duration orphanSweepInterval) {
  public RemoteStorageOptions {
    if (cacheBytes <= 0) {
      throw new IllegalArgumentException("storage.s3.cache_size must be positive, got " + cacheBytes + " bytes");
    }
    if (catalogueRefresh == null || catalogueRefresh.isNegative() || catalogueRefresh.isZero()) {
      throw new IllegalArgumentException("catalogue refresh interval must be positive, got " + catalogueRefresh);
    }
    if (orphanSweepInterval == null || orphanSweepInterval.isNegative() || orphanSweepInterval.isZero()) {
      throw new IllegalArgumentException("orphan sweep interval must be positive, got " + orphanSweepInterval);
    }
  }

  /** A 1 GiB cache under the data directory, acknowledgement after the WAL fsync, a writer. */
  public static RemoteStorageOptions defaults() {
    return new RemoteStorageOptions(null, 1L << 30, false, false, Duration.ofSeconds(30), Duration.ofHours(1));
  }

  public RemoteStorageOptions withCache(Path directory, long bytes) {
    return new RemoteStorageOptions(directory, bytes, ackAfterUpload, readOnly, catalogueRefresh, orphanSweepInterval);
  }

  public RemoteStorageOptions withAckAfterUpload(boolean ack) {
    return new RemoteStorageOptions(cacheDirectory, cacheBytes, ack, readOnly, catalogueRefresh, orphanSweepInterval);
  }

  public RemoteStorageOptions withReadOnly(boolean onlyRead, Duration refresh) {
    return new RemoteStorageOptions(cacheDirectory, cacheBytes, ackAfterUpload, onlyRead, refresh, orphanSweepInterval);
  }

  public RemoteStorageOptions withOrphanSweepInterval(Duration interval) {
    return new RemoteStorageOptions(cacheDirectory, cacheBytes, ackAfterUpload, readOnly, catalogueRefresh, interval);
  }
}

package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.object.s3.S3ObjectStore;
import dev.tonari.store.object.s3.S3Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Opening a {@link DiskLogStore} on S3 in tests, and reading everything back. */
final class S3Stores {
  private S3Stores() {}

  /** A store on the bucket whose close also closes its S3 client. */
  static final class S3Store implements AutoCloseable {
    final DiskLogStore store;
    final S3ObjectStore objects;

    S3Store(DiskLogStore store, S3ObjectStore objects) {
      this.store = store;
      this.objects = objects;
    }

    @Override
    public void close() throws IOException {
      try {
        store.close();
      } finally {
        objects.close();
      }
    }

    /** As kill -9 after whatever was done: nothing flushed, the S3 client dropped. */
    void crash() throws IOException {
      try {
        store.abandonWithoutFlush();
      } finally {
        objects.close();
      }
    }
  }

  /** Manual maintenance, no retention, a small cache under the data directory. */
  static DiskLogStoreConfig config(Path dataDirectory, S3ObjectStore objects) {
    return DiskLogStoreConfig.defaults(dataDirectory)
        .withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null)
        .withObjectStore(objects)
        .withRemote(RemoteStorageOptions.defaults().withCache(dataDirectory.resolve("cache"), 64L << 20));
  }

  static S3Store open(S3Settings settings, Path dataDirectory) throws IOException {
    return open(settings, dataDirectory, RemoteStorageOptions.defaults().withCache(dataDirectory.resolve("cache"), 64L << 20));
  }

  static S3Store open(S3Settings settings, Path dataDirectory, RemoteStorageOptions options) throws IOException {
    S3ObjectStore objects = S3ObjectStore.open(settings);
    try {
      return new S3Store(DiskLogStore.open(config(dataDirectory, objects).withRemote(options), 2), objects);
    } catch (IOException | RuntimeException e) {
      objects.close();
      throw e;
    }
  }

  /** "labels timestamp line" of every entry of the tenant with its count. */
  static Map<String, Integer> readAll(LogStore store, String tenant) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (EntryCursor cursor : store.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          counts.merge(cursor.labels() + " " + cursor.timestamp() + " " + cursor.line(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}

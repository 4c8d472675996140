package dev.tonari.server;

import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.RemoteStorageOptions;
import dev.tonari.store.object.s3.S3ObjectStore;
import dev.tonari.store.object.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** Opens the store that {@code storage} describes: parts in the data directory, or in an S3 bucket. */
final class StorageFactory {
  private StorageFactory() {}

  /**
   * Opens the disk store with the object store of the settings (checking an S3 bucket's
   * existence and credentials first, so a bad bucket is a clear error at start, not a crash loop).
   *
   * @throws IOException naming the bucket and what S3 answered
   */
  static DiskLogStore open(StorageSettings storage, DiskLogStoreConfig base) throws IOException {
    if (storage.type() == StorageSettings.Type.LOCAL) {
      return DiskLogStore.open(base);
    }
    StorageSettings.S3 s3 = storage.s3();
    S3ObjectStore objects;
    try {
      objects = S3ObjectStore.open(s3Settings(s3));
    } catch (IOException e) {
      throw new IOException("storage " + s3.location() + " cannot be used: " + e.getMessage(), e);
    }
    RemoteStorageOptions remote = RemoteStorageOptions.defaults()
        .withCache(s3.cacheDir() != null ? s3.cacheDir() : base.dataDirectory().resolve("cache"), s3.cacheSize())
        .withAckAfterUpload(s3.ackAfterUpload())
        .withReadOnly(s3.readOnly(), Duration.ofSeconds(30));
    return DiskLogStore.openOwningObjectStore(base.withObjectStore(objects).withRemote(remote));
  }

  /** The SDK settings of the {@code storage.s3} keys, with the process environment for the endpoint variables. */
  static S3Settings s3Settings(StorageSettings.S3 s3) {
    return S3Settings.of(s3.bucket(), s3.prefix())
        .withRegion(s3.region())
        .withEndpoint(s3.endpoint() == null ? null : URI.create(s3.endpoint()))
        .withForcePathStyle(s3.forcePathStyle());
  }
}

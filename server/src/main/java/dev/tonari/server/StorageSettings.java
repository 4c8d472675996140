package dev.tonari.server;

import dev.tonari.store.engine.HeadBounds;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code storage.type} and {@code storage.s3} keys: where parts live; and {@code
 * storage.max_head_size} / {@code max_head_size_per_tenant}: how much the in-memory head may hold.
 *
 * @param type {@code local} (parts under {@code <data_dir>/objects}) or {@code s3}
 * @param s3 the bucket settings; null with local storage
 * @param maxHeadBytes {@code max_head_size}: bytes all tenants' unflushed entries may take in
 *     memory before pushes get 429; {@link #HALF_THE_HEAP} (the default) means half the JVM's
 *     maximum heap, zero means no bound
 * @param headFullWait {@code head_full_wait}: how long a push that finds a head bound reached waits for
 *     the flush it starts to make room before its 429 (zero: refused at once)
 * @param maxHeadBytesPerTenant {@code max_head_size_per_tenant}: the same for one tenant; zero (the
 *     default) means only the bound of all tenants applies
 */
public record StorageSettings(Type type, S3 s3, long maxHeadBytes, long maxHeadBytesPerTenant, Duration headFullWait) {
  /** {@code max_head_size} when unset: half of {@link Runtime#maxMemory()}. */
  public static final long HALF_THE_HEAP = -1;

  /** {@code storage.type}. */
  public enum Type {
    LOCAL,
    S3
  }

  /** Default {@code storage.s3.cache_size}: 10 GiB of cached blocks. */
  public static final long DEFAULT_CACHE_SIZE = 10L << 30;

  /**
   * {@code storage.s3.*}.
   *
   * @param bucket {@code bucket}, required
   * @param prefix {@code prefix}, key prefix inside the bucket ({@code ""} for its root)
   * @param region {@code region}; null asks the SDK's default chain
   * @param endpoint {@code endpoint}; null uses {@code AWS_ENDPOINT_URL_S3}/{@code AWS_ENDPOINT_URL} or AWS
   * @param forcePathStyle {@code force_path_style}; null means path style when an endpoint is set
   * @param cacheDir {@code cache_dir}; null means {@code <data_dir>/cache}
   * @param cacheSize {@code cache_size} in bytes
   * @param ackAfterUpload {@code ack_after_upload}
   * @param readOnly {@code read_only}: serve another server's bucket without writing
   */
  public record S3(String bucket, String prefix, String region, String endpoint, Boolean forcePathStyle, Path cacheDir, long cacheSize,
      boolean ackAfterUpload, boolean readOnly) {
    public S3 {
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException("storage.s3.bucket must be set when storage.type is s3");
      }
      if (bucket.contains("/")) {
        throw new IllegalArgumentException("storage.s3.bucket must be a bucket name without '/', got " + bucket);
      }
      if (cacheSize <= 0) {
        throw new IllegalArgumentException("storage.s3.cache_size must be positive, got " + cacheSize);
      }
      if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
        throw new IllegalArgumentException("storage.s3.endpoint must be an http:// or https:// URL, got " + endpoint);
      }
      prefix = prefix == null ? "" : prefix;
    }

    /** {@code s3://bucket/prefix}. */
    public String location() {
      return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
  }

  /** Where parts live, with the default head bounds. */
  public StorageSettings(Type type, S3 s3) {
    this(type, s3, HALF_THE_HEAP, 0, HeadBounds.DEFAULT_WAIT_FOR_ROOM);
  }

  public StorageSettings {
    if (maxHeadBytes < 0 && maxHeadBytes != HALF_THE_HEAP) {
      throw new IllegalArgumentException("storage.max_head_size must be zero (no bound) or positive, got " + maxHeadBytes);
    }
    if (headFullWait == null || headFullWait.isNegative()) {
      throw new IllegalArgumentException("storage.head_full_wait must be zero (refuse at once) or positive, got " + headFullWait);
    }
    if (maxHeadBytesPerTenant < 0) {
      throw new IllegalArgumentException("storage.max_head_size_per_tenant must be zero (no bound of its own) or positive, got " + maxHeadBytesPerTenant);
    }
    if (type == null) {
      throw new IllegalArgumentException("storage.type must be local or s3");
    }
    if (type == Type.S3 && s3 == null) {
      throw new IllegalArgumentException("storage.s3.bucket must be set when storage.type is s3");
    }
    if (type == Type.LOCAL) {
      s3 = null;
    }
  }

  public static StorageSettings local() {
    return new StorageSettings(Type.LOCAL, null);
  }

  /** These settings with other head bounds. */
  public StorageSettings withHeadBounds(long maxBytes, long maxBytesPerTenant, Duration fullWait) {
    return new StorageSettings(type, s3, maxBytes, maxBytesPerTenant, fullWait);
  }

  /** The store's head bounds in a JVM whose heap may grow to {@code maxHeapBytes}. */
  public HeadBounds headBounds(long maxHeapBytes) {
    long total = maxHeadBytes == HALF_THE_HEAP ? maxHeapBytes / 2 : maxHeadBytes;
    return new HeadBounds(total, maxHeadBytesPerTenant, headFullWait);
  }

  /**
   * The shorthand {@code s3://bucket/prefix} (the {@code --storage} flag), with every other S3
   * key at its default.
   *
   * @throws IllegalArgumentException saying what is wrong with the URL
   */
  public static StorageSettings parseUrl(String url) {
    if (url == null || !url.startsWith("s3://")) {
      throw new IllegalArgumentException("--storage must look like s3://bucket/prefix, got " + url);
    }
    String rest = url.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("--storage " + url + " names no bucket; expected s3://bucket/prefix");
    }
    return new StorageSettings(Type.S3, new S3(bucket, prefix, null, null, null, null, DEFAULT_CACHE_SIZE, false, false));
  }

  /** These settings with the S3 bucket and prefix of the shorthand, keeping the other S3 keys. */
  public StorageSettings withLocation(String url) {
    StorageSettings parsed = parseUrl(url);
    if (s3 == null) {
      return new StorageSettings(parsed.type, parsed.s3, maxHeadBytes, maxHeadBytesPerTenant, headFullWait);
    }
    return new StorageSettings(Type.S3, new S3(parsed.s3.bucket, parsed.s3.prefix, s3.region, s3.endpoint, s3.forcePathStyle, s3.cacheDir,
        s3.cacheSize, s3.ackAfterUpload, s3.readOnly), maxHeadBytes, maxHeadBytesPerTenant, headFullWait);
  }
}

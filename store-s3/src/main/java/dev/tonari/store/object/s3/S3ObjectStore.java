package dev.tonari.store.object.s3;

import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.ObjectKeys;
import dev.tonari.store.object.ObjectRequestCounters;
import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.object.ObjectRequestCounters.Operation;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} in an S3 bucket (AWS or any S3-compatible store), through the AWS SDK
 * for Java v2 with its small URL-connection HTTP client. The object {@code a/b} is the S3 object
 * {@code <prefix>/a/b}.
 *
 * <p>A single PUT is atomic in S3 (readers see the old object, none, or the whole new one), so
 * {@code put} needs no temporary name; {@link #putIfAbsent} sends {@code If-None-Match: *}, which
 * S3 and s3proxy answer with 412 when the key exists. {@link #get} and {@link #getRange} copy the
 * response into a heap buffer (there is nothing to map).
 *
 * <p>Requests are retried by the SDK's standard strategy (500, 503 SlowDown and other throttling,
 * timeouts, connection resets) with exponential backoff and jitter; the circuit breaker that stops
 * retrying under many failures is off, because a log store would rather wait than drop a flush.
 * Checksums are computed and validated only where S3 requires them: S3-compatible stores reject
 * the newer trailing checksums, and every part block carries its own CRC32C that readers check.
 * Failures become {@link IOException}s naming the operation, the {@code s3://} location, the
 * status and S3's error code. Requests and bytes are counted per tenant in {@link #counters()}.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
  /** S3's list page size, the most it returns per request. */
  private static final int LIST_PAGE = 1000;
  /** How long an access check's result is reused, so a polled /ready costs one request per interval. */
  private static final Duration ACCESS_CHECK_REUSE = Duration.ofSeconds(2);

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final String location;
  private final ObjectRequestCounters counters = new ObjectRequestCounters();
  private final Object accessLock = new Object();
  private long accessCheckedAtNanos;
  private IOException accessProblem;
  private boolean accessChecked;
  private volatile boolean closed;

  /** Uses the client (owned: closed with the store) for the bucket and key prefix. */
  public S3ObjectStore(S3Client client, String bucket, String prefix) {
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix + "/";
    this.location = "s3://" + bucket + (prefix == null || prefix.isEmpty() ? "" : "/" + prefix);
  }

  /**
   * Builds a client from the settings and checks that the bucket is there and the credentials
   * are accepted.
   *
   * @throws IOException saying which bucket, endpoint and what S3 answered, when it is not usable
   */
  public static S3ObjectStore open(S3Settings settings) throws IOException {
    S3ObjectStore store = new S3ObjectStore(buildClient(settings), settings.bucket(), settings.prefix());
    try {
      store.checkAccess();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** The SDK client as {@link #open} configures it. */
  public static S3Client buildClient(S3Settings settings) {
    URI endpoint = settings.effectiveEndpoint();
    var retries =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(settings.maxAttempts())
            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(5)))
            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(10)))
            .circuitBreakerEnabled(false)
            .build();
    var builder =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(settings.attemptTimeout()))
            .region(region(settings))
            .credentialsProvider(settings.credentials() != null ? settings.credentials() : DefaultCredentialsProvider.builder().build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.effectivePathStyle()).build())
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(retries).apiCallAttemptTimeout(settings.attemptTimeout()).build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  private static Region region(S3Settings settings) {
    if (settings.region() != null && !settings.region().isBlank()) {
      return Region.of(settings.region());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException noRegionConfigured) {
      // S3-compatible stores ignore the region but the signature needs one.
      return Region.US_EAST_1;
    }
  }

  /** Requests and bytes per tenant so far. */
  @Override
  public ObjectRequestCounters counters() {
    return counters;
  }

  /** {@code s3://bucket/prefix}. */
  public String location() {
    return location;
  }

  @Override
  public boolean isRemote() {
    return true;
  }

  /**
   * Checks that the bucket exists and accepts the credentials (HEAD bucket), reusing a result for
   * a few seconds.
   *
   * @throws IOException naming the bucket and what S3 answered
   */
  @Override
  public void checkAccess() throws IOException {
    synchronized (accessLock) {
      long now = System.nanoTime();
      if (accessChecked && now - accessCheckedAtNanos < ACCESS_CHECK_REUSE.toNanos()) {
        if (accessProblem != null) {
          throw accessProblem;
        }
        return;
      }
      IOException problem = null;
      try {
        call(Operation.HEAD, ObjectRequestCounters.NO_TENANT, "", () -> client.headBucket(HeadBucketRequest.builder().bucket(bucket).build()));
      } catch (IOException e) {
        problem = e;
      }
      accessChecked = true;
      accessCheckedAtNanos = now;
      accessProblem = problem;
      if (problem != null) {
        throw problem;
      }
    }
  }

  @Override
  public void put(String key, Path file) throws IOException {
    String objectKey = objectKey(key);
    long size = Files.size(file);
    call(Operation.PUT, ObjectRequestCounters.tenantOf(key), key, size, 0,
        () -> client.putObject(PutObjectRequest.builder().bucket(bucket).key(objectKey).contentLength(size).build(), RequestBody.fromFile(file)));
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    String objectKey = objectKey(key);
    byte[] copy = data.clone();
    call(Operation.PUT, ObjectRequestCounters.tenantOf(key), key, copy.length, 0,
        () -> client.putObject(PutObjectRequest.builder().bucket(bucket).key(objectKey).build(), RequestBody.fromBytes(copy)));
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    String objectKey = objectKey(key);
    byte[] copy = data.clone();
    try {
      call(Operation.PUT, ObjectRequestCounters.tenantOf(key), key, copy.length, 0,
          () -> client.putObject(PutObjectRequest.builder().bucket(bucket).key(objectKey).ifNoneMatch("*").build(), RequestBody.fromBytes(copy)));
      return true;
    } catch (S3RequestException e) {
      // 412: the key exists. 409: a concurrent conditional write to the key won the race.
      if (e.status == 412 || e.status == 409) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public ByteBuffer get(String key) throws IOException {
    String objectKey = objectKey(key);
    ResponseBytes<GetObjectResponse> bytes =
        call(Operation.GET, ObjectRequestCounters.tenantOf(key), key, () -> client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(objectKey).build()));
    return ByteBuffer.wrap(bytes.asByteArrayUnsafe()).asReadOnlyBuffer();
  }

  @Override
  public ByteBuffer getRange(String key, long offset, int length) throws IOException {
    String objectKey = objectKey(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("range [" + offset + ", " + (offset + length) + ") of object " + key + " is negative");
    }
    if (length == 0) {
      // S3 has no empty range; an empty read needs no request, only an existing object.
      headObject(key, objectKey);
      return ByteBuffer.allocate(0);
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    ResponseBytes<GetObjectResponse> bytes;
    try {
      bytes = call(Operation.GET, ObjectRequestCounters.tenantOf(key), key,
          () -> client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(objectKey).range(range).build()));
    } catch (S3RequestException e) {
      if (e.status == 416) {
        EOFException eof = new EOFException("range [" + offset + ", " + (offset + length) + ") runs past the end of object " + key + " in " + location);
        eof.initCause(e);
        throw eof;
      }
      throw e;
    }
    byte[] data = bytes.asByteArrayUnsafe();
    if (data.length != length) {
      throw new EOFException("range [" + offset + ", " + (offset + length) + ") of object " + key + " in " + location + " returned " + data.length + " bytes; the object is shorter");
    }
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }

  private void headObject(String key, String objectKey) throws IOException {
    call(Operation.HEAD, ObjectRequestCounters.tenantOf(key), key, () -> client.headObject(HeadObjectRequest.builder().bucket(bucket).key(objectKey).build()));
  }

  @Override
  public List<ObjectInfo> list(String keyPrefix) throws IOException {
    ensureOpen();
    if (keyPrefix.indexOf('\\') >= 0 || keyPrefix.startsWith("/")) {
      throw new IllegalArgumentException("object key prefix must be relative with '/' separators: " + keyPrefix);
    }
    String tenant = keyPrefix.indexOf('/') > 0 ? ObjectRequestCounters.tenantOf(keyPrefix) : ObjectRequestCounters.NO_TENANT;
    List<ObjectInfo> result = new ArrayList<>();
    String continuation = null;
    do {
      String token = continuation;
      ListObjectsV2Response page =
          call(Operation.LIST, tenant, keyPrefix, () -> client.listObjectsV2(
              ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix).maxKeys(LIST_PAGE).continuationToken(token).build()));
      for (S3Object object : page.contents()) {
        String key = object.key().substring(prefix.length());
        if (key.isEmpty() || key.endsWith("/")) {
          // A directory marker (s3proxy's filesystem backend lists its directories): never a key of ours.
          continue;
        }
        result.add(new ObjectInfo(key, object.size()));
      }
      continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (continuation != null);
    // S3 sorts by UTF-8 bytes, Java strings by UTF-16 units: sort so every store agrees.
    result.sort(Comparator.comparing(ObjectInfo::key));
    return result;
  }

  /**
   * Deletes the object. S3's DELETE succeeds whether or not the key exists, so a HEAD first tells
   * whether there was one (two requests; deletes are rare: merges and retention).
   */
  @Override
  public boolean delete(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      headObject(key, objectKey);
    } catch (NoSuchFileException e) {
      return false;
    }
    call(Operation.DELETE, ObjectRequestCounters.tenantOf(key), key, () -> client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(objectKey).build()));
    return true;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      client.close();
    }
  }

  private String objectKey(String key) {
    ensureOpen();
    return prefix + ObjectKeys.validate(key);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("object store at " + location + " is closed");
    }
  }

  /** One SDK call. */
  @FunctionalInterface
  private interface S3Call<T> {
    T run();
  }

  /** A request S3 answered with an error status. */
  static final class S3RequestException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String errorCode;

    S3RequestException(String message, int status, String errorCode, Throwable cause) {
      super(message, cause);
      this.status = status;
      this.errorCode = errorCode;
    }
  }

  private <T> T call(Operation operation, String tenant, String key, S3Call<T> request) throws IOException {
    return call(operation, tenant, key, 0, -1, request);
  }

  /**
   * Runs a request, counts it (with the bytes sent, and the bytes received when {@code
   * downloaded} is -1, taken from the response) and turns SDK failures into IOExceptions that say
   * what failed where.
   */
  private <T> T call(Operation operation, String tenant, String key, long uploaded, long downloaded, S3Call<T> request) throws IOException {
    String what = operation + " " + location + (key.isEmpty() ? "" : "/" + key);
    T response;
    try {
      response = request.run();
    } catch (S3Exception e) {
      counters.count(tenant, operation, 0, 0);
      throw translate(what, key, e);
    } catch (AbortedException e) {
      counters.count(tenant, operation, 0, 0);
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("S3 " + what + " was interrupted");
      interrupted.initCause(e);
      throw interrupted;
    } catch (SdkException e) {
      counters.count(tenant, operation, 0, 0);
      throw new IOException("S3 " + what + " failed after retries: " + e.getMessage(), e);
    }
    long received = 0;
    if (downloaded < 0 && response instanceof ResponseBytes<?> bytes) {
      received = bytes.asByteArrayUnsafe().length;
    }
    counters.count(tenant, operation, uploaded, received);
    return response;
  }

  private IOException translate(String what, String key, S3Exception e) {
    int status = e.statusCode();
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String detail = status + (code == null ? "" : " " + code) + (e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? "" : ": " + e.awsErrorDetails().errorMessage());
    if ("NoSuchBucket".equals(code)) {
      return new S3RequestException("S3 bucket " + bucket + " does not exist (" + what + ": " + detail + ")", status, code, e);
    }
    if (status == 404 && !key.isEmpty()) {
      NoSuchFileException missing = new NoSuchFileException(key, null, "no such object in " + location);
      missing.initCause(e);
      return missing;
    }
    if (status == 404) {
      return new S3RequestException("S3 bucket " + bucket + " does not exist (" + what + ": " + detail + ")", status, code, e);
    }
    if (status == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
      return new S3RequestException("S3 refused the credentials for " + location + " (" + what + ": " + detail
          + "); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile or the instance role", status, code, e);
    }
    log.debug("S3 {} failed: {}", what, detail);
    return new S3RequestException("S3 " + what + " failed: " + detail, status, code, e);
  }
}

package dev.tonari.store.object.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where and how an {@link S3ObjectStore} talks to S3.
 *
 * @param bucket the bucket, which must exist
 * @param prefix the key prefix under which every object of this store lives ({@code ""} for the
 *     bucket's root; leading and trailing slashes are dropped)
 * @param region the signing region; null asks the SDK's default region chain (environment,
 *     profile, instance metadata) and falls back to {@code us-east-1}, which S3-compatible stores
 *     accept
 * @param endpoint the service endpoint; null uses {@code AWS_ENDPOINT_URL_S3}, then {@code
 *     AWS_ENDPOINT_URL} from {@code environment}, then AWS itself
 * @param forcePathStyle {@code bucket} in the path instead of the host name; null means path
 *     style exactly when an endpoint is set (what S3-compatible stores expect)
 * @param credentials null means the SDK's default chain (environment, system properties, web
 *     identity, profile, container and instance roles)
 * @param maxAttempts attempts per request (first try plus retries) on 500, 503 SlowDown, timeouts
 *     and connection resets
 * @param attemptTimeout how long one attempt may take before it is abandoned and retried
 * @param environment where {@code AWS_ENDPOINT_URL*} are read from (the process environment in
 *     production; tests pass their own)
 */
public record S3Settings(
    String bucket,
    String prefix,
    String region,
    URI endpoint,
    Boolean forcePathStyle,
    AwsCredentialsProvider credentials,
    int maxAttempts,
    Duration attemptTimeout,
    Map<String, String> environment) {
  public S3Settings {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("storage.s3.bucket must be set");
    }
    if (bucket.contains("/")) {
      throw new IllegalArgumentException("storage.s3.bucket must be a bucket name without '/', got " + bucket);
    }
    prefix = normalizePrefix(prefix);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("S3 max attempts must be at least 1, got " + maxAttempts);
    }
    if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("S3 attempt timeout must be positive, got " + attemptTimeout);
    }
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }

  /** A bucket and prefix with every other setting at its default (the process environment, the default credentials chain). */
  public static S3Settings of(String bucket, String prefix) {
    return new S3Settings(bucket, prefix, null, null, null, null, 8, Duration.ofSeconds(30), System.getenv());
  }

  public S3Settings withEndpoint(URI newEndpoint) {
    return new S3Settings(bucket, prefix, region, newEndpoint, forcePathStyle, credentials, maxAttempts, attemptTimeout, environment);
  }

  public S3Settings withRegion(String newRegion) {
    return new S3Settings(bucket, prefix, newRegion, endpoint, forcePathStyle, credentials, maxAttempts, attemptTimeout, environment);
  }

  public S3Settings withForcePathStyle(Boolean pathStyle) {
    return new S3Settings(bucket, prefix, region, endpoint, pathStyle, credentials, maxAttempts, attemptTimeout, environment);
  }

  public S3Settings withCredentials(AwsCredentialsProvider provider) {
    return new S3Settings(bucket, prefix, region, endpoint, forcePathStyle, provider, maxAttempts, attemptTimeout, environment);
  }

  public S3Settings withRetries(int attempts, Duration timeoutPerAttempt) {
    return new S3Settings(bucket, prefix, region, endpoint, forcePathStyle, credentials, attempts, timeoutPerAttempt, environment);
  }

  public S3Settings withEnvironment(Map<String, String> newEnvironment) {
    return new S3Settings(bucket, prefix, region, endpoint, forcePathStyle, credentials, maxAttempts, attemptTimeout, newEnvironment);
  }

  /** The endpoint in effect: the setting, else {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, else null (AWS). */
  public URI effectiveEndpoint() {
    if (endpoint != null) {
      return endpoint;
    }
    for (String variable : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        try {
          return URI.create(value.trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(variable + " is not a URL: " + value, e);
        }
      }
    }
    return null;
  }

  /** Whether requests put the bucket in the path: the setting, else exactly when an endpoint is in effect. */
  public boolean effectivePathStyle() {
    return forcePathStyle != null ? forcePathStyle : effectiveEndpoint() != null;
  }

  /** {@code s3://bucket/prefix}, for messages. */
  public String location() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  /**
   * Parses the shorthand {@code s3://bucket/prefix} (prefix optional).
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static S3Settings parseUrl(String url) {
    if (url == null || !url.startsWith("s3://")) {
      throw new IllegalArgumentException("storage URL must look like s3://bucket/prefix, got " + url);
    }
    String rest = url.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("storage URL " + url + " names no bucket (expected s3://bucket/prefix)");
    }
    return of(bucket, prefix);
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix.trim();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.contains("//") || p.contains("\\")) {
      throw new IllegalArgumentException("storage.s3.prefix must be '/'-separated segments without empty ones, got " + prefix);
    }
    return p;
  }
}

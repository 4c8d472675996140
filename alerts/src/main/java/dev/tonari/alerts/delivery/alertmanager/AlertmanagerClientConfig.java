package dev.tonari.alerts.delivery.alertmanager;

import dev.tonari.alerts.delivery.RetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how the ruler's alerts go to Alertmanager, with Loki's ruler keys:
 *
 * <ul>
 *   <li>{@code ruler.alertmanager_url}: one or more base URLs, comma-separated; each gets every
 *       alert ({@code POST <url>/api/v2/alerts}). Basic-auth user info in a URL
 *       ({@code http://user:pass@host}) is taken as that URL's credentials, as Loki does;
 *   <li>{@code ruler.alertmanager_client.basic_auth_username} / {@code basic_auth_password};
 *   <li>{@code ruler.alertmanager_client.type} (default {@code Bearer}) and {@code credentials}:
 *       an {@code Authorization: <type> <credentials>} header;
 *   <li>{@code ruler.notification_queue_capacity} (Loki's default 10000) and
 *       {@code ruler.notification_timeout} (default 10s).
 * </ul>
 *
 * @param urls the Alertmanagers, user info removed
 * @param basicAuthUsername with {@code basicAuthPassword}, HTTP basic auth for every URL
 * @param credentialsType the {@code Authorization} scheme for {@code credentials}
 * @param credentials a token sent as {@code Authorization: <type> <credentials>}
 * @param timeout per request
 * @param queueCapacity alerts waiting per tenant; past it the oldest are dropped (and counted)
 * @param maxBatchSize alerts per request (Prometheus sends at most 64)
 * @param retry attempts per batch and URL before the batch is dropped for that URL
 */
public record AlertmanagerClientConfig(List<URI> urls, Optional<String> basicAuthUsername, Optional<String> basicAuthPassword, String credentialsType,
    Optional<String> credentials, Duration timeout, int queueCapacity, int maxBatchSize, RetryPolicy retry) {
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  public static final int DEFAULT_MAX_BATCH_SIZE = 64;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Three tries a few seconds apart: the ruler sends firing alerts again every resend delay anyway. */
  public static final RetryPolicy DEFAULT_RETRY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2, 3);

  public AlertmanagerClientConfig {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("ruler.alertmanager_url: at least one Alertmanager URL is needed");
    }
    Objects.requireNonNull(credentialsType, "credentialsType");
    if (basicAuthUsername.isPresent() != basicAuthPassword.isPresent()) {
      throw new IllegalArgumentException("ruler.alertmanager_client: basic_auth_username and basic_auth_password go together");
    }
    if (basicAuthUsername.isPresent() && credentials.isPresent()) {
      throw new IllegalArgumentException("ruler.alertmanager_client: basic auth and credentials are mutually exclusive (both would set Authorization)");
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("ruler.notification_queue_capacity must be at least 1, got " + queueCapacity);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("Alertmanager batch size must be at least 1, got " + maxBatchSize);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ruler.notification_timeout must be positive, got " + timeout);
    }
  }

  /** The URLs of {@code ruler.alertmanager_url}, no authentication, Loki's defaults otherwise. */
  public static AlertmanagerClientConfig of(String alertmanagerUrl) {
    List<URI> urls = new ArrayList<>();
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    for (String part : alertmanagerUrl.split(",")) {
      String text = part.strip();
      if (text.isEmpty()) {
        continue;
      }
      URI uri = parseUrl(text);
      if (uri.getRawUserInfo() != null) {
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        user = Optional.of(URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        password = Optional.of(userInfo.length > 1 ? URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8) : "");
        uri = withoutUserInfo(uri);
      }
      urls.add(uri);
    }
    return new AlertmanagerClientConfig(urls, user, password, "Bearer", Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_BATCH_SIZE, DEFAULT_RETRY);
  }

  public AlertmanagerClientConfig withBasicAuth(String username, String password) {
    return new AlertmanagerClientConfig(urls, Optional.of(username), Optional.of(password), credentialsType, credentials, timeout, queueCapacity, maxBatchSize, retry);
  }

  public AlertmanagerClientConfig withCredentials(String type, String token) {
    return new AlertmanagerClientConfig(urls, basicAuthUsername, basicAuthPassword, type, Optional.of(token), timeout, queueCapacity, maxBatchSize, retry);
  }

  public AlertmanagerClientConfig withLimits(Duration requestTimeout, int capacity, int batchSize, RetryPolicy retryPolicy) {
    return new AlertmanagerClientConfig(urls, basicAuthUsername, basicAuthPassword, credentialsType, credentials, requestTimeout, capacity, batchSize, retryPolicy);
  }

  /** {@code <url>/api/v2/alerts}, keeping a path prefix ({@code http://host/alertmanager}). */
  public static URI alertsEndpoint(URI base) {
    String text = base.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text + "/api/v2/alerts");
  }

  private static URI parseUrl(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("ruler.alertmanager_url: \"" + text + "\" is not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("ruler.alertmanager_url: \"" + text + "\" is not a URL: " + e.getMessage(), e);
    }
  }

  private static URI withoutUserInfo(URI uri) {
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("ruler.alertmanager_url: cannot remove the user info of " + uri.getHost(), e);
    }
  }
}

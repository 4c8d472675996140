package dev.tonari.rules.remotewrite;

import dev.tonari.tenancy.config.PrometheusSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One remote-write client, {@code ruler.remote_write.clients.<name>} in the server's YAML: the keys
 * are Prometheus' {@code remote_write} ones, as Loki's ruler takes them ({@code url}, {@code
 * remote_timeout}, {@code headers}, {@code basic_auth}, {@code authorization}, {@code
 * queue_config}). Every problem is an {@link IllegalArgumentException} that names the full key,
 * for example {@code ruler.remote_write.clients.mimir.queue_config.capacity must be at least 1, got
 * 0}. {@link #toString()} never shows a password or credentials.
 *
 * @param name the client's name, the key under {@code clients}; it names the client in logs and
 *     metrics
 * @param url {@code url}: where the write requests are POSTed, used as it is (for Prometheus {@code
 *     http://host:9090/api/v1/write}, for Mimir {@code http://host/api/v1/push})
 * @param remoteTimeout {@code remote_timeout}: the longest one request may take (default 30 s)
 * @param headers {@code headers}: extra headers sent with every request; those remote write itself
 *     sets, {@code Authorization} (use {@code basic_auth} or {@code authorization}) and {@code
 *     X-Scope-OrgID} (set per tenant) are refused
 * @param basicAuth {@code basic_auth}: HTTP Basic credentials
 * @param authorization {@code authorization}: an {@code Authorization: <type> <credentials>} header
 *     ({@code bearer_token} is the same with type {@code Bearer}); excludes {@code basic_auth}
 * @param queue {@code queue_config}: the queue of each tenant and how its batches are sent
 */
public record RemoteWriteClientSettings(String name, URI url, Duration remoteTimeout, Map<String, String> headers,
    Optional<BasicAuth> basicAuth, Optional<Authorization> authorization, QueueConfig queue) {
  public static final Duration DEFAULT_REMOTE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Headers the protocol or the HTTP client sets, lower case: a configured value would either be
   * ignored or break the request (Prometheus refuses the same set).
   */
  private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-encoding", "content-length", "content-type",
      "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
      "x-prometheus-remote-write-version", "x-prometheus-remote-read-version", "expect", "upgrade", "transfer-encoding", "te");

  public RemoteWriteClientSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(remoteTimeout, "remoteTimeout");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(basicAuth, "basicAuth");
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(queue, "queue");
    if (name.isBlank()) {
      throw new IllegalArgumentException("ruler.remote_write.clients: a client's name is empty");
    }
    PrometheusSettings.headerValueProblem(name).ifPresent(problem -> {
      throw new IllegalArgumentException("ruler.remote_write.clients: the client name " + name.strip() + " " + problem);
    });
    String key = keyOf(name);
    urlProblem(url).ifPresent(problem -> {
      throw new IllegalArgumentException(key + ".url " + url + ": " + problem);
    });
    if (remoteTimeout.isNegative() || remoteTimeout.isZero()) {
      throw new IllegalArgumentException(key + ".remote_timeout must be positive, got " + remoteTimeout);
    }
    TreeMap<String, String> sortedHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      String headerKey = key + ".headers." + header.getKey();
      headerProblem(header.getKey(), header.getValue()).ifPresent(problem -> {
        throw new IllegalArgumentException(headerKey + " " + problem);
      });
      if (sortedHeaders.put(header.getKey(), header.getValue()) != null) {
        throw new IllegalArgumentException(headerKey + " is given twice (header names ignore case)");
      }
    }
    headers = Collections.unmodifiableMap(sortedHeaders);
    basicAuth.flatMap(BasicAuth::problem).ifPresent(problem -> {
      throw new IllegalArgumentException(key + "." + problem);
    });
    authorization.flatMap(Authorization::problem).ifPresent(problem -> {
      throw new IllegalArgumentException(key + "." + problem);
    });
    if (basicAuth.isPresent() && authorization.isPresent()) {
      throw new IllegalArgumentException(key + ": basic_auth and authorization exclude each other (a request has one Authorization header)");
    }
    queue.problem().ifPresent(problem -> {
      throw new IllegalArgumentException(key + "." + problem);
    });
  }

  /** A client of {@code url} with every other key at its default: no headers, no authentication. */
  public static RemoteWriteClientSettings of(String name, URI url) {
    return new RemoteWriteClientSettings(name, url, DEFAULT_REMOTE_TIMEOUT, Map.of(), Optional.empty(), Optional.empty(),
        QueueConfig.defaults());
  }

  /** The YAML key of this client, {@code ruler.remote_write.clients.<name>}, which errors start with. */
  public String key() {
    return keyOf(name);
  }

  public RemoteWriteClientSettings withRemoteTimeout(Duration timeout) {
    return new RemoteWriteClientSettings(name, url, timeout, headers, basicAuth, authorization, queue);
  }

  public RemoteWriteClientSettings withHeaders(Map<String, String> extraHeaders) {
    return new RemoteWriteClientSettings(name, url, remoteTimeout, extraHeaders, basicAuth, authorization, queue);
  }

  public RemoteWriteClientSettings withBasicAuth(String username, String password) {
    return new RemoteWriteClientSettings(name, url, remoteTimeout, headers, Optional.of(new BasicAuth(username, password)), Optional.empty(),
        queue);
  }

  public RemoteWriteClientSettings withAuthorization(String type, String credentials) {
    return new RemoteWriteClientSettings(name, url, remoteTimeout, headers, Optional.empty(), Optional.of(new Authorization(type, credentials)),
        queue);
  }

  public RemoteWriteClientSettings withQueue(QueueConfig queueConfig) {
    return new RemoteWriteClientSettings(name, url, remoteTimeout, headers, basicAuth, authorization, queueConfig);
  }

  /** The {@code Authorization} header's value, or empty when the client sends none. */
  public Optional<String> authorizationHeader() {
    if (basicAuth.isPresent()) {
      return Optional.of(basicAuth.get().headerValue());
    }
    return authorization.map(auth -> auth.type() + " " + auth.credentials());
  }

  private static String keyOf(String name) {
    return "ruler.remote_write.clients." + name;
  }

  private static Optional<String> urlProblem(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("expected an http or https URL such as http://prometheus:9090/api/v1/write");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      return Optional.of("the URL names no host");
    }
    if (url.getRawUserInfo() != null) {
      return Optional.of("credentials do not belong in the URL: use basic_auth");
    }
    if (url.getRawFragment() != null) {
      return Optional.of("the URL must not have a fragment");
    }
    return Optional.empty();
  }

  private static Optional<String> headerProblem(String headerName, String value) {
    if (!isToken(headerName)) {
      return Optional.of("is not a valid HTTP header name");
    }
    String lower = headerName.toLowerCase(Locale.ROOT);
    if (lower.equals("x-scope-orgid")) {
      return Optional.of("is not allowed: X-Scope-OrgID is set per tenant (ruler.remote_write.add_org_id_header)");
    }
    if (RESERVED_HEADERS.contains(lower)) {
      return Optional.of("is not allowed: remote write sets this header itself" + (lower.equals("authorization") ? " (use basic_auth or authorization)" : ""));
    }
    if (value == null) {
      return Optional.of("has no value");
    }
    return PrometheusSettings.headerValueProblem(value);
  }

  /** RFC 9110's token: the characters a header name may have. */
  private static boolean isToken(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code basic_auth}: sent as {@code Authorization: Basic base64(username:password)}. The record
   * checks nothing itself so that {@link RemoteWriteClientSettings} can name the whole key in its
   * error; {@link #problem()} says what is wrong.
   *
   * @param username {@code basic_auth.username}
   * @param password {@code basic_auth.password} (may be empty, as in Prometheus)
   */
  public record BasicAuth(String username, String password) {
    public BasicAuth {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    /** What is wrong, starting with the key relative to the client ({@code basic_auth.username ...}), or empty. */
    public Optional<String> problem() {
      if (username.isEmpty()) {
        return Optional.of("basic_auth.username is empty");
      }
      if (username.indexOf(':') >= 0) {
        return Optional.of("basic_auth.username must not contain ':' (HTTP Basic separates it from the password with one)");
      }
      Optional<String> usernameProblem = PrometheusSettings.headerValueProblem(username);
      if (usernameProblem.isPresent()) {
        return Optional.of("basic_auth.username " + usernameProblem.get());
      }
      for (int i = 0; i < password.length(); i++) {
        char c = password.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          return Optional.of("basic_auth.password contains a control character");
        }
      }
      return Optional.empty();
    }

    String headerValue() {
      return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "BasicAuth[" + username + ", password hidden]";
    }
  }

  /**
   * {@code authorization}: sent as {@code Authorization: <type> <credentials>}.
   *
   * @param type {@code authorization.type}, {@code Bearer} when not given; {@code Basic} is refused
   *     (that is {@code basic_auth})
   * @param credentials {@code authorization.credentials}
   */
  public record Authorization(String type, String credentials) {
    public static final String BEARER = "Bearer";

    public Authorization {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(credentials, "credentials");
    }

    /** A bearer token ({@code bearer_token}, or {@code authorization} without a type). */
    public static Authorization bearer(String token) {
      return new Authorization(BEARER, token);
    }

    /** What is wrong, starting with the key relative to the client ({@code authorization.credentials ...}), or empty. */
    public Optional<String> problem() {
      if (!isToken(type)) {
        return Optional.of("authorization.type " + (type.isEmpty() ? "is empty" : "'" + type + "' is not a valid authentication scheme name"));
      }
      if (type.equalsIgnoreCase("basic")) {
        return Optional.of("authorization.type cannot be Basic: use basic_auth");
      }
      return PrometheusSettings.headerValueProblem(credentials).map(problem -> "authorization.credentials " + problem);
    }

    @Override
    public String toString() {
      return "Authorization[" + type + ", credentials hidden]";
    }
  }

  /**
   * {@code queue_config}: each tenant of the client has its own bounded queue; a batch leaves it
   * when it holds {@code maxSamplesPerSend} samples or when its oldest sample has waited {@code
   * batchSendDeadline}; a full queue drops its oldest samples. A batch that fails with 5xx, 429 or a
   * network error is retried after {@code minBackoff}, doubling up to {@code maxBackoff}, at most
   * {@code maxRetries} times. Like the other nested records it checks nothing itself; {@link
   * #problem()} says what is wrong.
   *
   * @param capacity {@code queue_config.capacity}: samples a tenant's queue holds (default 2500)
   * @param maxSamplesPerSend {@code queue_config.max_samples_per_send}: samples per request (default
   *     500); a value above {@code capacity} acts as {@code capacity}
   * @param batchSendDeadline {@code queue_config.batch_send_deadline}: the longest a sample waits
   *     for its batch to fill (default 5 s)
   * @param minBackoff {@code queue_config.min_backoff}: the first retry's delay (default 30 ms)
   * @param maxBackoff {@code queue_config.max_backoff}: the longest retry delay (default 5 s)
   * @param maxRetries {@code queue_config.max_retries}: retries of one batch before it is given up
   *     (default 10)
   */
  public record QueueConfig(int capacity, int maxSamplesPerSend, Duration batchSendDeadline, Duration minBackoff, Duration maxBackoff,
      int maxRetries) {
    /** A queue's most samples: at about 200 bytes a sample, 200 MB per client and tenant. */
    public static final int MAX_CAPACITY = 1_000_000;
    public static final int MAX_RETRIES_LIMIT = 1_000;

    public QueueConfig {
      Objects.requireNonNull(batchSendDeadline, "batchSendDeadline");
      Objects.requireNonNull(minBackoff, "minBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** Prometheus 2's defaults, with ten retries where Prometheus retries for ever (its WAL keeps the data; this queue does not). */
    public static QueueConfig defaults() {
      return new QueueConfig(2500, 500, Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(5), 10);
    }

    /** The samples of one request: {@code maxSamplesPerSend}, at most {@code capacity}. */
    public int batchSize() {
      return Math.min(capacity, maxSamplesPerSend);
    }

    /** What is wrong, starting with the key relative to the client ({@code queue_config.capacity ...}), or empty. */
    public Optional<String> problem() {
      if (capacity < 1 || capacity > MAX_CAPACITY) {
        return Optional.of("queue_config.capacity must be between 1 and " + MAX_CAPACITY + " (the limit of samples a queue holds), got " + capacity);
      }
      if (maxSamplesPerSend < 1) {
        return Optional.of("queue_config.max_samples_per_send must be at least 1, got " + maxSamplesPerSend);
      }
      if (batchSendDeadline.isNegative() || batchSendDeadline.isZero()) {
        return Optional.of("queue_config.batch_send_deadline must be positive, got " + batchSendDeadline);
      }
      if (minBackoff.isNegative() || minBackoff.isZero()) {
        return Optional.of("queue_config.min_backoff must be positive, got " + minBackoff);
      }
      if (maxBackoff.compareTo(minBackoff) < 0) {
        return Optional.of("queue_config.max_backoff (" + maxBackoff + ") must not be less than queue_config.min_backoff (" + minBackoff + ")");
      }
      if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
        return Optional.of("queue_config.max_retries must be between 0 and " + MAX_RETRIES_LIMIT + ", got " + maxRetries);
      }
      return Optional.empty();
    }
  }
}

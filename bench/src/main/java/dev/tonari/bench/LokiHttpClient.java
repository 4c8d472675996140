package dev.tonari.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.ingest.PushEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The few Loki HTTP calls the benchmarks and the crash test make: push an encoded body, wait for
 * readiness, and page through {@code query_range} results. One instance is safe to share between
 * threads (the JDK client multiplexes connections).
 */
public final class LokiHttpClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String baseUrl;

  public LokiHttpClient(String baseUrl) {
    this(baseUrl, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
  }

  public LokiHttpClient(String baseUrl, HttpClient http) {
    this.baseUrl = baseUrl;
    this.http = http;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Posts a push body; returns the HTTP status (204 means stored durably). */
  public int push(String tenant, PushEncoder.EncodedPush push) throws IOException, InterruptedException {
    PushAnswer answer = send(tenant, push);
    if (answer.status() == 429) {
      throw new IOException("push to " + baseUrl + " for tenant " + tenant + " refused with 429: " + answer.body());
    }
    return answer.status();
  }

  /** What the server answered a push: status, {@code Retry-After} seconds (0 when absent) and body. */
  public record PushAnswer(int status, long retryAfterSeconds, String body) {}

  /**
   * Sends one push; answers 204, 429 (backpressure, with its Retry-After) and 5xx, and throws on
   * any other refusal.
   */
  public PushAnswer send(String tenant, PushEncoder.EncodedPush push) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/loki/api/v1/push"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", push.contentType())
            .header("X-Scope-OrgID", tenant)
            .POST(HttpRequest.BodyPublishers.ofByteArray(push.body()));
    if (push.contentEncoding() != null) {
      request.header("Content-Encoding", push.contentEncoding());
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    int status = response.statusCode();
    if (status != 204 && status != 429 && status < 500) {
      throw new IOException("push to " + baseUrl + " for tenant " + tenant + " refused with " + status + ": " + response.body());
    }
    long retryAfter = 0;
    String header = response.headers().firstValue("Retry-After").orElse("");
    if (!header.isEmpty()) {
      try {
        retryAfter = Long.parseLong(header.trim());
      } catch (NumberFormatException e) {
        throw new IOException("push to " + baseUrl + " answered " + status + " with a Retry-After that is not seconds: " + header, e);
      }
    }
    return new PushAnswer(status, retryAfter, response.body());
  }

  /** True when {@code GET /ready} answers 200. */
  public boolean ready() {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/ready")).timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** One entry of a query result. */
  public record ResultEntry(String streamLabels, long timestampNanos, String line) {}

  /**
   * Runs one {@code query_range} call and returns the entries of all result streams, in response
   * order.
   */
  public List<ResultEntry> queryRange(String tenant, String query, long startNanos, long endNanos, int limit, String direction)
      throws IOException, InterruptedException {
    List<ResultEntry> entries = new ArrayList<>();
    queryRange(tenant, query, startNanos, endNanos, limit, direction, entries::add);
    return entries;
  }

  /** Like {@link #queryRange(String, String, long, long, int, String)}, streaming entries to a consumer; returns their count. */
  public int queryRange(String tenant, String query, long startNanos, long endNanos, int limit, String direction, Consumer<ResultEntry> sink)
      throws IOException, InterruptedException {
    String url =
        baseUrl
            + "/loki/api/v1/query_range?query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&start="
            + startNanos
            + "&end="
            + endNanos
            + "&limit="
            + limit
            + "&direction="
            + direction;
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).header("X-Scope-OrgID", tenant).GET().build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException(
          "query_range " + query + " for tenant " + tenant + " failed with " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
    }
    JsonNode root = JSON.readTree(response.body());
    JsonNode result = root.path("data").path("result");
    if (!result.isArray()) {
      throw new IOException("query_range " + query + " for tenant " + tenant + " answered without data.result: " + abbreviate(root.toString()));
    }
    int count = 0;
    for (JsonNode stream : result) {
      String labels = stream.path("stream").toString();
      for (JsonNode value : stream.path("values")) {
        sink.accept(new ResultEntry(labels, Long.parseLong(value.get(0).asText()), value.get(1).asText()));
        count++;
      }
    }
    return count;
  }

  /** A read endpoint's status and body, whatever the status. */
  public record Answer(int status, String body) {
    public JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /**
   * {@code GET} of a read endpoint with query parameters, without judging the status (the cluster
   * crash test tells a complete answer from a 503 that says it is partial).
   */
  public Answer get(String tenant, String path, Map<String, String> parameters, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url(path, parameters))).timeout(timeout).header("X-Scope-OrgID", tenant).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /** The entries of a streams result ({@code data.result} of a log query), in response order. */
  public static List<ResultEntry> entriesOf(JsonNode root) throws IOException {
    JsonNode result = root.path("data").path("result");
    if (!result.isArray()) {
      throw new IOException("answer without data.result: " + abbreviate(root.toString()));
    }
    List<ResultEntry> entries = new ArrayList<>();
    for (JsonNode stream : result) {
      String labels = stream.path("stream").toString();
      for (JsonNode value : stream.path("values")) {
        entries.add(new ResultEntry(labels, Long.parseLong(value.get(0).asText()), value.get(1).asText()));
      }
    }
    return entries;
  }

  private String url(String path, Map<String, String> parameters) {
    StringBuilder url = new StringBuilder(baseUrl).append(path);
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      url.append(separator).append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  /**
   * {@code GET} of a read endpoint with query parameters; returns the parsed JSON body.
   *
   * @throws IOException when the status is not 200; the message names the endpoint, tenant and body
   */
  public JsonNode getJson(String tenant, String path, Map<String, String> parameters) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url(path, parameters))).timeout(Duration.ofMinutes(10)).header("X-Scope-OrgID", tenant).GET().build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new HttpStatusException(
          response.statusCode(), "GET " + path + " " + parameters + " for tenant " + tenant + " failed with " + response.statusCode() + ": " + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
    }
    return JSON.readTree(response.body());
  }

  /** A read endpoint answered with a status other than 200. */
  public static final class HttpStatusException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpStatusException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 297) + "...";
  }
}

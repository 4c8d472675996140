package dev.tonari.slo.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An SLI read with PromQL from a Prometheus-compatible HTTP API (Prometheus, Mimir, Cortex, Thanos):
 * each query template is rendered with the window {@code 1m} and sent as one {@code GET
 * /api/v1/query_range} per call with {@code step=60s}, in chunks of at most {@value
 * #MAX_POINTS_PER_SERIES} minutes (Prometheus refuses more points per series).
 *
 * <p><b>Which minute a point is.</b> A range query's points are at the step boundaries {@code t =
 * start + k*60s}, and {@code rate(x[1m])} at t covers the minute before t ({@code [t - 1m, t]} in
 * Prometheus 2, {@code (t - 1m, t]} from Prometheus 3). So the query runs from the end of the first
 * minute, {@code start = (from + 1) * 60s}, to {@code end = to * 60s}, and the point at t is minute
 * {@code t/60s - 1}.
 *
 * <p><b>Events per minute.</b> Sloth's queries are rates per second ({@code
 * sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))}); the values of a counted query
 * (Sloth's {@code error_query} and {@code total_query}, OpenSLO's {@code good}, {@code bad} and
 * {@code total}) are multiplied by 60 into events per minute. Ratios ({@code sli.raw}) and
 * threshold metrics are taken as they are. Values {@code NaN}, {@code +Inf} and {@code -Inf} make
 * that minute "no data" for that series.
 *
 * <p><b>group_by.</b> Each series is put in its group by its metric labels, so a grouped SLO needs
 * its queries to keep those labels ({@code sum by (pod) (rate(...))}); the series of one group are
 * added up.
 *
 * <p><b>Where.</b> A query naming an OpenSLO {@code DataSource} goes to that tenant's data source of
 * that name; any other to the tenant's default endpoint. Requests carry {@code Authorization:
 * Bearer} or HTTP Basic and {@code X-Scope-OrgID} as the endpoint says.
 *
 * <p><b>Failures.</b> A connection that fails (refused, reset) is tried once more; then, and on a
 * timeout (the whole request, body included, is bounded by {@code timeout}), an HTTP error or a
 * {@code "status": "error"} body, the call throws {@link SliUnavailableException} naming the tenant,
 * the SLO, the query, the endpoint (its URL, never a secret), the HTTP status and Prometheus's
 * {@code errorType} and {@code error}. Thread-safe.
 */
public final class PrometheusSliSource implements SliSource {
  /** Prometheus's bound on points per series of a range query ({@code exceeded maximum resolution of 11,000 points}). */
  public static final int MAX_POINTS_PER_SERIES = 11_000;
  /** Characters of a non-JSON error body quoted in a message. */
  private static final int QUOTED_BODY_CHARS = 300;
  private static final JsonFactory JSON = new JsonFactory();

  private final Function<String, Optional<PrometheusEndpoint>> defaultEndpoint;
  private final BiFunction<String, String, Optional<PrometheusEndpoint>> dataSources;
  private final HttpClient httpClient;
  private final Duration timeout;
  private final int minutesPerQuery;

  /**
   * @param defaultEndpoint the tenant's default Prometheus ({@code prometheus} in the tenants
   *     file), for queries that name no data source
   * @param dataSources a tenant's OpenSLO {@code DataSource} by name: {@code (tenant, name)}
   * @param httpClient the client to send with (its connect timeout bounds a connection attempt)
   * @param timeout the longest one request may take, from sending to the last byte of the answer
   */
  public PrometheusSliSource(Function<String, Optional<PrometheusEndpoint>> defaultEndpoint,
      BiFunction<String, String, Optional<PrometheusEndpoint>> dataSources, HttpClient httpClient, Duration timeout) {
    this(defaultEndpoint, dataSources, httpClient, timeout, MAX_POINTS_PER_SERIES);
  }

  /** @param minutesPerQuery the longest range of one request, in minutes (tests shorten it to see the chunks) */
  PrometheusSliSource(Function<String, Optional<PrometheusEndpoint>> defaultEndpoint,
      BiFunction<String, String, Optional<PrometheusEndpoint>> dataSources, HttpClient httpClient, Duration timeout, int minutesPerQuery) {
    this.defaultEndpoint = Objects.requireNonNull(defaultEndpoint, "defaultEndpoint");
    this.dataSources = Objects.requireNonNull(dataSources, "dataSources");
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the Prometheus request timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
    if (minutesPerQuery <= 0 || minutesPerQuery > MAX_POINTS_PER_SERIES) {
      throw new IllegalArgumentException("minutes per query must be in [1, " + MAX_POINTS_PER_SERIES + "], got " + minutesPerQuery);
    }
    this.minutesPerQuery = minutesPerQuery;
  }

  @Override
  public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute)
      throws SliUnavailableException {
    IndicatorEvents.checkRange(spec, fromMinute, toMinute);
    return IndicatorEvents.evaluate(spec, fromMinute, toMinute, (query, role) -> run(tenant, spec, query, role, fromMinute, toMinute));
  }

  private GroupedMinutes run(String tenant, SloSpec spec, SliQuery query, IndicatorEvents.Role role, long fromMinute, long toMinute)
      throws SliUnavailableException {
    String rendered = query.render("1m");
    String context = IndicatorEvents.context(tenant, spec, rendered);
    if (query.language() != SliQuery.QueryLanguage.PROMQL) {
      throw new SliUnavailableException(context + ": a " + query.language() + " query cannot be sent to Prometheus");
    }
    PrometheusEndpoint endpoint = endpointOf(tenant, query, context);
    context = context + ", Prometheus " + describe(endpoint);
    GroupedMinutes minutes = new GroupedMinutes(fromMinute, toMinute, spec.groupBy(),
        role == IndicatorEvents.Role.COUNT ? GroupedMinutes.Combine.SUM : GroupedMinutes.Combine.ONE_SERIES, context);
    double scale = role == IndicatorEvents.Role.COUNT ? 60 : 1;
    for (long chunkFrom = fromMinute; chunkFrom < toMinute; chunkFrom += minutesPerQuery) {
      long chunkTo = Math.min(toMinute, chunkFrom + minutesPerQuery);
      URI uri = queryRangeUri(endpoint.url(), rendered, (chunkFrom + 1) * 60, chunkTo * 60);
      byte[] body = send(request(endpoint, uri), context);
      readMatrix(body, minutes, scale, context);
    }
    return minutes;
  }

  private PrometheusEndpoint endpointOf(String tenant, SliQuery query, String context) throws SliUnavailableException {
    if (query.dataSource().isPresent()) {
      String name = query.dataSource().get();
      return dataSources.apply(tenant, name)
          .orElseThrow(() -> new SliUnavailableException(context + ": the tenant has no Prometheus data source named " + name));
    }
    return defaultEndpoint.apply(tenant)
        .orElseThrow(() -> new SliUnavailableException(context + ": the query names no data source and the tenant has no default Prometheus"));
  }

  static URI queryRangeUri(URI base, String query, long startSeconds, long endSeconds) {
    String root = base.toString();
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    return URI.create(root + "/api/v1/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + startSeconds
        + "&end=" + endSeconds + "&step=60s");
  }

  private HttpRequest request(PrometheusEndpoint endpoint, URI uri) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET().timeout(timeout).header("Accept", "application/json");
    if (endpoint.bearerToken().isPresent()) {
      builder.header("Authorization", "Bearer " + endpoint.bearerToken().get());
    } else if (endpoint.username().isPresent()) {
      String credentials = endpoint.username().get() + ":" + endpoint.password().orElse("");
      builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    endpoint.orgId().ifPresent(orgId -> builder.header("X-Scope-OrgID", orgId));
    return builder.build();
  }

  /** Sends, trying once more when the connection failed; returns the body of a 2xx answer. */
  private byte[] send(HttpRequest request, String context) throws SliUnavailableException {
    HttpResponse<byte[]> response;
    try {
      response = attempt(request, context);
    } catch (ConnectionFailedException first) {
      try {
        response = attempt(request, context);
      } catch (ConnectionFailedException second) {
        second.getCause().addSuppressed(first.getCause());
        throw new SliUnavailableException(context + ": cannot connect (tried twice): " + describe(second.getCause()), second.getCause());
      }
    }
    if (response.statusCode() / 100 != 2) {
      throw new SliUnavailableException(context + ": answered HTTP " + response.statusCode() + errorOf(response.body()));
    }
    return response.body();
  }

  /** A connection that could not be made or broke before an answer: worth one more try. */
  private static final class ConnectionFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    ConnectionFailedException(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  private HttpResponse<byte[]> attempt(HttpRequest request, String context) throws SliUnavailableException, ConnectionFailedException {
    CompletableFuture<HttpResponse<byte[]>> future = httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      // The request timeout ends at the response headers; this one also bounds the body.
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new SliUnavailableException(context + ": no answer within " + timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new SliUnavailableException(context + ": interrupted while waiting for the answer", e);
    } catch (CancellationException e) {
      throw new SliUnavailableException(context + ": the request was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpConnectTimeoutException connectTimeout) {
        throw new ConnectionFailedException(connectTimeout);
      }
      if (cause instanceof HttpTimeoutException slow) {
        throw new SliUnavailableException(context + ": no answer within " + timeout, slow);
      }
      if (cause instanceof IOException failed) {
        throw new ConnectionFailedException(failed);
      }
      throw new SliUnavailableException(context + ": the request failed: " + describe(cause), cause);
    }
  }

  /**
   * Reads a {@code query_range} answer with the streaming parser: {@code {"status": "success",
   * "data": {"resultType": "matrix", "result": [{"metric": {...}, "values": [[t, "v"], ...]}]}}}.
   * Each series' points go to a reused pair of flat arrays, then into its group.
   */
  private static void readMatrix(byte[] body, GroupedMinutes minutes, double scale, String context) throws SliUnavailableException {
    String status = null;
    String errorType = null;
    String error = null;
    String resultType = null;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new SliUnavailableException(context + ": the answer is not a JSON object" + quoted(body));
      }
      SeriesBuffer buffer = new SeriesBuffer();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "status" -> status = parser.getValueAsString();
          case "errorType" -> errorType = parser.getValueAsString();
          case "error" -> error = parser.getValueAsString();
          case "data" -> {
            if (value != JsonToken.START_OBJECT) {
              parser.skipChildren();
              continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String dataField = parser.currentName();
              JsonToken dataValue = parser.nextToken();
              if (dataField.equals("resultType")) {
                resultType = parser.getValueAsString();
                if (!"matrix".equals(resultType)) {
                  throw new SliUnavailableException(context + ": a range query answered resultType " + resultType + " instead of matrix");
                }
              } else if (dataField.equals("result") && dataValue == JsonToken.START_ARRAY) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                  readSeries(parser, buffer, context);
                  double[] target = minutes.seriesTarget(buffer.labels::get, buffer.labels);
                  for (int i = 0; i < buffer.size; i++) {
                    minutes.add(target, buffer.minutes[i], buffer.values[i] * scale);
                  }
                }
              } else {
                parser.skipChildren();
              }
            }
          }
          default -> parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new SliUnavailableException(context + ": the answer is not valid JSON: " + e.getMessage() + quoted(body), e);
    }
    if (!"success".equals(status)) {
      throw new SliUnavailableException(context + ": answered status " + status + (errorType == null ? "" : " (" + errorType + ")")
          + (error == null ? "" : ": " + error));
    }
    if (resultType == null) {
      throw new SliUnavailableException(context + ": the answer has no data.resultType");
    }
  }

  /** The points of one series, in flat arrays reused from one series to the next. */
  private static final class SeriesBuffer {
    Map<String, String> labels = Map.of();
    long[] minutes = new long[64];
    double[] values = new double[64];
    int size;

    void add(long minute, double value) {
      if (size == minutes.length) {
        minutes = Arrays.copyOf(minutes, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      minutes[size] = minute;
      values[size++] = value;
    }
  }

  private static void readSeries(JsonParser parser, SeriesBuffer buffer, String context) throws IOException, SliUnavailableException {
    buffer.labels = Map.of();
    buffer.size = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("metric") && value == JsonToken.START_OBJECT) {
        Map<String, String> labels = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          labels.put(name, parser.getValueAsString());
        }
        buffer.labels = labels;
      } else if (field.equals("values") && value == JsonToken.START_ARRAY) {
        while (parser.nextToken() == JsonToken.START_ARRAY) {
          parser.nextToken();
          double seconds = parser.getValueAsDouble();
          parser.nextToken();
          String text = parser.getValueAsString();
          if (parser.nextToken() != JsonToken.END_ARRAY) {
            throw new SliUnavailableException(context + ": a point is not a pair [time, \"value\"] at " + parser.currentLocation());
          }
          buffer.add(Math.floorDiv(Math.round(seconds), 60) - 1, sampleValue(text, context));
        }
      } else {
        // "histograms" (native histograms) and anything newer: not events of a classic query.
        parser.skipChildren();
      }
    }
  }

  /** A sample value as Prometheus writes it: a decimal, or {@code NaN}, {@code +Inf}, {@code -Inf} (all "no data" here). */
  static double sampleValue(String text, String context) throws SliUnavailableException {
    if (text == null) {
      throw new SliUnavailableException(context + ": a point has no value");
    }
    return switch (text) {
      case "NaN", "+Inf", "-Inf", "Inf" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new SliUnavailableException(context + ": a point's value is not a number: " + text, e);
        }
      }
    };
  }

  /** Prometheus's {@code errorType} and {@code error} from an error body, or the start of a body that is not JSON. */
  private static String errorOf(byte[] body) {
    String errorType = null;
    String error = null;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          switch (field) {
            case "errorType" -> errorType = parser.getValueAsString();
            case "error" -> error = parser.getValueAsString();
            default -> parser.skipChildren();
          }
        }
      }
    } catch (IOException notJson) {
      return quoted(body);
    }
    if (error == null) {
      return quoted(body);
    }
    return (errorType == null ? "" : " (" + errorType + ")") + ": " + error;
  }

  private static String quoted(byte[] body) {
    if (body.length == 0) {
      return " with an empty body";
    }
    String text = new String(body, 0, Math.min(body.length, QUOTED_BODY_CHARS * 4), StandardCharsets.UTF_8).strip();
    return ": " + (text.length() > QUOTED_BODY_CHARS ? text.substring(0, QUOTED_BODY_CHARS) + "..." : text);
  }

  /** The endpoint for messages: its URL without user info, query or fragment, and which auth it uses, never a secret. */
  static String describe(PrometheusEndpoint endpoint) {
    URI url = endpoint.url();
    String shown = url.getScheme() == null || url.getHost() == null
        ? "<" + url.getPath() + ">"
        : url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + (url.getPath() == null ? "" : url.getPath());
    return shown + (endpoint.bearerToken().isPresent() ? " (bearer token)" : endpoint.username().isPresent() ? " (basic auth as "
        + endpoint.username().get() + ")" : "") + endpoint.orgId().map(org -> " (X-Scope-OrgID " + org + ")").orElse("");
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
  }
}

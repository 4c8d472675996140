package dev.tonari.server;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for the tenancy tests: credentials and X-Scope-OrgID per request. */
final class TenantHttp implements AutoCloseable {
  private final HttpClient client = HttpClient.newHttpClient();
  private final String baseUrl;

  TenantHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** How a request identifies itself. */
  record Identity(String authorization, String scopeOrgId) {
    static Identity none() {
      return new Identity(null, null);
    }

    static Identity bearer(String token) {
      return new Identity("Bearer " + token, null);
    }

    static Identity basic(String user, String token) {
      return new Identity("Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8)), null);
    }

    Identity withHeader(String tenants) {
      return new Identity(authorization, tenants);
    }

    Map<String, String> headers() {
      Map<String, String> headers = new LinkedHashMap<>();
      if (authorization != null) {
        headers.put("Authorization", authorization);
      }
      if (scopeOrgId != null) {
        headers.put("X-Scope-OrgID", scopeOrgId);
      }
      return headers;
    }
  }

  HttpResponse<String> get(Identity identity, String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET();
    identity.headers().forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> delete(Identity identity, String path) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE();
    identity.headers().forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postJson(Identity identity, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    identity.headers().forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Pushes one JSON body of {@code streams} (each {@code {"stream":{...},"values":[...]}}). */
  HttpResponse<String> push(Identity identity, String streamsJson) throws IOException, InterruptedException {
    return postJson(identity, "/loki/api/v1/push", "{\"streams\":[" + streamsJson + "]}");
  }

  static String stream(String labelsJson, long nanos, String line) {
    return "{\"stream\":" + labelsJson + ",\"values\":[[\"" + nanos + "\",\"" + line + "\"]]}";
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}

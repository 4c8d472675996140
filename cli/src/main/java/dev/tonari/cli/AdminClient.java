package dev.tonari.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Talks to a server's admin API ({@code /tonari/api/v1/...}) with a bearer token. Refusals become
 * {@link AdminException}s carrying the server's status and message, so the commands print them as
 * they are.
 */
final class AdminClient implements AutoCloseable {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String address;
  private final String token;

  AdminClient(String address, String token) {
    this.address = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    this.token = token;
  }

  /** A refusal or failure of the admin API. */
  static final class AdminException extends Exception {
    private static final long serialVersionUID = 1L;

    AdminException(String message) {
      super(message);
    }
  }

  String get(String pathAndQuery) throws AdminException, IOException, InterruptedException {
    return send(request(pathAndQuery).GET());
  }

  String post(String path, String json) throws AdminException, IOException, InterruptedException {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  String delete(String path) throws AdminException, IOException, InterruptedException {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(address + path)).timeout(Duration.ofMinutes(1));
    if (token != null && !token.isBlank()) {
      builder.header("Authorization", "Bearer " + token.trim());
    }
    return builder;
  }

  private String send(HttpRequest.Builder request) throws AdminException, IOException, InterruptedException {
    HttpRequest built = request.build();
    HttpResponse<String> response;
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException(ServerEnvironment.unreachable(address, e), e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new AdminException(built.method() + " " + built.uri().getPath() + " answered " + response.statusCode() + ": " + response.body().strip()
          + ServerEnvironment.hintFor(response.statusCode()));
    }
    return response.body();
  }

  @Override
  public void close() {
    http.close();
  }
}

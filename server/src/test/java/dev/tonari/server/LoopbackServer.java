package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real server on a free loopback port over a test's data directory, with an HTTP client for
 * it: the fixture of the HTTP tests. {@link #close()} stops the server before the client, because
 * the server closes the sockets a failed test left open, which the client would otherwise wait for.
 */
final class LoopbackServer implements AutoCloseable {
  /** How long a test waits for something that happens on another thread. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  private final TonariServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  private LoopbackServer(TonariServer server) {
    this.server = server;
  }

  /** The server with its default configuration over {@code dataDir}. */
  static LoopbackServer open(Path dataDir) throws IOException {
    return new LoopbackServer(TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir)));
  }

  TonariServer server() {
    return server;
  }

  HttpClient http() {
    return http;
  }

  URI uri(String pathAndQuery) {
    return URI.create(server.baseUrl() + pathAndQuery);
  }

  /** A GET as {@code tenant} (X-Scope-OrgID), or with no tenant header when null. */
  HttpResponse<String> get(String tenant, String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    http.shutdownNow();
    assertThat(http.awaitTermination(PATIENCE)).as("HTTP client of " + server.baseUrl() + " terminated").isTrue();
  }
}

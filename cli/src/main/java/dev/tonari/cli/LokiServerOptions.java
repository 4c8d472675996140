package dev.tonari.cli;

import java.net.URI;
import java.net.http.HttpRequest;
import picocli.CommandLine.Option;

/**
 * The options of a command that talks to a Loki-compatible server's HTTP API ({@code --addr},
 * {@code --tenant}, {@code --token}), with the defaults of {@link ServerEnvironment}, shared by the commands
 * through picocli's {@code @Mixin} so that they read and send them alike.
 */
final class LokiServerOptions {
  @Option(names = "--addr", paramLabel = "URL", defaultValue = ServerEnvironment.ADDRESS, description = ServerEnvironment.ADDRESS_HELP)
  String address;

  @Option(names = "--tenant", paramLabel = "T", defaultValue = ServerEnvironment.TENANT, description = ServerEnvironment.TENANT_HELP)
  String tenant;

  @Option(names = "--token", paramLabel = "T", defaultValue = ServerEnvironment.TOKEN, description = ServerEnvironment.TOKEN_HELP)
  String token;

  /** The server's URL for {@code pathAndQuery} (which starts with a slash), whether or not the address ends with one. */
  URI uri(String pathAndQuery) {
    String base = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    return URI.create(base + pathAndQuery);
  }

  /** Adds the tenant and bearer token headers, each only when given (a server without auth needs neither). */
  void addHeaders(HttpRequest.Builder request) {
    if (tenant != null && !tenant.isBlank()) {
      request.header("X-Scope-OrgID", tenant);
    }
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.trim());
    }
  }
}

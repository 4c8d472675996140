package dev.tonari.cli;

import java.net.URI;
import java.net.http.HttpRequest;
import picocli.CommandLine.Option;

/**
 * The options of a command that talks to a Loki-compatible server's HTTP API ({@code --addr},
 * {@code --tenant}, {@code --token}), with logcli's environment defaults, shared by the commands
 * through picocli's {@code @Mixin} so that they read and send them alike.
 */
final class LokiServerOptions {
  @Option(names = "--addr", paramLabel = "URL", defaultValue = "${env:LOKI_ADDR:-http://127.0.0.1:3100}",
      description = "Server address (default: $LOKI_ADDR or ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--tenant", paramLabel = "T", defaultValue = "${env:LOKI_ORG_ID}", description = "Tenant (X-Scope-OrgID); none means 'fake'.")
  String tenant;

  @Option(names = "--token", paramLabel = "T", defaultValue = "${env:TONARI_TOKEN}",
      description = "API token sent as Authorization: Bearer, for servers with auth enabled (default: $TONARI_TOKEN).")
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

package dev.tonari.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Map;

/**
 * Where the commands that talk to a server find it, and what they say when they cannot: one
 * address variable, {@code TONARI_ADDR}, with logcli's {@code LOKI_ADDR} as a fallback; the tenant
 * from {@code TONARI_TENANT}, then logcli's {@code LOKI_ORG_ID}; the token from {@code
 * TONARI_TOKEN}, then logcli's {@code LOKI_BEARER_TOKEN}. The constants are picocli default
 * expressions, so every command's {@code --addr}, {@code --tenant} and {@code --token} read them
 * alike; {@link #address(Map)} is the same rule for code that has no option.
 */
final class ServerEnvironment {
  static final String DEFAULT_ADDRESS = "http://127.0.0.1:3100";
  static final String ADDRESS = "${env:TONARI_ADDR:-${env:LOKI_ADDR:-" + DEFAULT_ADDRESS + "}}";
  static final String TENANT = "${env:TONARI_TENANT:-${env:LOKI_ORG_ID}}";
  static final String TOKEN = "${env:TONARI_TOKEN:-${env:LOKI_BEARER_TOKEN}}";
  static final String ADDRESS_HELP = "Server address (default: $TONARI_ADDR, else $LOKI_ADDR, else " + DEFAULT_ADDRESS + ").";
  static final String TENANT_HELP = "Tenant sent as X-Scope-OrgID (default: $TONARI_TENANT, else $LOKI_ORG_ID; none means 'fake' on a server without auth).";
  static final String TOKEN_HELP = "API token sent as Authorization: Bearer, for servers with auth enabled (default: $TONARI_TOKEN, else $LOKI_BEARER_TOKEN).";

  private ServerEnvironment() {}

  /** The address by the same rule as {@link #ADDRESS}, from {@code environment}. */
  static String address(Map<String, String> environment) {
    for (String name : new String[] {"TONARI_ADDR", "LOKI_ADDR"}) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return DEFAULT_ADDRESS;
  }

  /** The token by the same rule as {@link #TOKEN}, from {@code environment}; null when neither is set. */
  static String token(Map<String, String> environment) {
    String token = environment.get("TONARI_TOKEN");
    return token != null && !token.isBlank() ? token : environment.get("LOKI_BEARER_TOKEN");
  }

  /** What went wrong reaching {@code address}, and what to do about it. */
  static String unreachable(String address, IOException e) {
    String what;
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      what = "connection refused";
    } else if (e instanceof HttpConnectTimeoutException) {
      what = "timed out connecting";
    } else if (e.getCause() instanceof UnresolvedAddressException) {
      what = "unknown host";
    } else {
      what = String.valueOf(e.getMessage() != null ? e.getMessage() : e);
    }
    return "cannot reach the server at " + address + " (" + what + "). Is it running there? Start one with './tonari server' (or"
        + " './tonari demo'), or point --addr or TONARI_ADDR at the server you mean.";
  }

  /** A hint for an HTTP refusal a user can act on; empty for the others, whose message says it all. */
  static String hintFor(int status) {
    return switch (status) {
      case 401 -> " (the server has auth enabled: pass --token or set TONARI_TOKEN; an admin creates one with './tonari token create')";
      case 403 -> " (the token lacks the role or the tenant for this: check --tenant / TONARI_TENANT, or ask an admin for a token that holds it)";
      case 404 -> " (check --addr / TONARI_ADDR points at a Tonari or Loki server, and the name or ID asked for)";
      default -> "";
    };
  }
}

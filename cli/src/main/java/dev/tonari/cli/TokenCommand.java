package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenRecord;
import dev.tonari.tenancy.auth.TokenStore;
import dev.tonari.tenancy.config.LokiUnits;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari token create|list|revoke}: manages API tokens either offline on a server's data
 * directory ({@code --data-dir}; how the first admin token is made, and a running server picks the
 * change up within a second) or online through the admin API ({@code --addr}, {@code --token}).
 * {@code create} prints the new token once, alone on stdout, so scripts can capture it; details go
 * to stderr. Offline actions are written to the data directory's audit log as actor {@code cli}.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and revoke API tokens.",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where tokens live: a data directory (offline) or a server (online). */
  static final class Target {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Work offline on this server data directory.")
    Path dataDir;

    @ArgGroup(exclusive = false)
    Online online;
  }

  static final class Online {
    @Option(names = "--addr", paramLabel = "URL", defaultValue = ServerEnvironment.ADDRESS, description = ServerEnvironment.ADDRESS_HELP)
    String address;

    @Option(names = "--token", paramLabel = "T", defaultValue = ServerEnvironment.TOKEN,
        description = "Admin or tenant-admin token (default: $TONARI_TOKEN, else $LOKI_BEARER_TOKEN).")
    String token;
  }

  static Online online(Target target) {
    if (target.online != null) {
      return target.online;
    }
    Online online = new Online();
    online.address = ServerEnvironment.address(System.getenv());
    online.token = ServerEnvironment.token(System.getenv());
    return online;
  }

  static String actor() {
    return "cli (user " + Optional.ofNullable(System.getProperty("user.name")).orElse("unknown") + ")";
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token and print it once.")
  static final class Create implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target = new Target();

    @Option(names = "--tenant", paramLabel = "T", required = true, split = ",",
        description = "Tenant(s) granted, repeatable or comma-separated; '*' (alone) for admin tokens.")
    List<String> tenants;

    @Option(names = "--role", paramLabel = "R", required = true, description = "admin, tenant-admin, writer or reader.")
    String role;

    @Option(names = "--name", paramLabel = "N", description = "Unique name among active tokens (default: token-<id>).")
    String name;

    @Option(names = "--expires", paramLabel = "DURATION", description = "Lifetime such as 90d or 720h (default: never expires).")
    String expires;

    @Override
    public Integer call() throws Exception {
      Set<String> granted = new LinkedHashSet<>(tenants);
      try {
        Role parsedRole = Role.parse(role);
        Optional<Duration> lifetime = Optional.ofNullable(expires).map(LokiUnits::parseDuration);
        if (target.dataDir != null) {
          TokenStore store = TokenStore.open(target.dataDir, Clock.systemUTC());
          TokenStore.CreatedToken created = store.create(name, granted, parsedRole, lifetime);
          try (AuditLog audit = AuditLog.open(target.dataDir, Clock.systemUTC())) {
            audit.record(actor(), "token.create", describe(created.record()), "cli", "ok");
          }
          System.err.println("created " + describe(created.record()) + expiry(created.record().expires()));
          System.out.println(created.text());
          return 0;
        }
        ObjectNode request = JSON.createObjectNode();
        ArrayNode list = request.putArray("tenants");
        granted.forEach(list::add);
        request.put("role", parsedRole.text());
        if (name != null) {
          request.put("name", name);
        }
        if (expires != null) {
          request.put("expires", expires);
        }
        Online online = online(target);
        try (AdminClient client = new AdminClient(online.address, online.token)) {
          JsonNode answer = JSON.readTree(client.post("/tonari/api/v1/tokens", JSON.writeValueAsString(request)));
          System.err.println("created token " + answer.path("name").asText() + " (id " + answer.path("id").asText() + ") role "
              + answer.path("role").asText() + " tenants " + join(answer.path("tenants")));
          System.out.println(answer.path("token").asText());
          return 0;
        }
      } catch (IllegalArgumentException | AdminClient.AdminException e) {
        System.err.println("tonari token create: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
  static final class ListTokens implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target = new Target();

    @Override
    public Integer call() throws Exception {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("ID", "NAME", "ROLE", "TENANTS", "CREATED", "EXPIRES", "STATUS"));
      if (target.dataDir != null) {
        Instant now = Instant.now();
        for (TokenRecord record : TokenStore.open(target.dataDir, Clock.systemUTC()).list()) {
          rows.add(List.of(record.id(), record.name(), record.role().text(), String.join(",", record.tenants()), record.created().toString(),
              record.expires().map(Instant::toString).orElse("never"), status(record.isActive(now), record.revoked().isPresent())));
        }
      } else {
        Online online = online(target);
        try (AdminClient client = new AdminClient(online.address, online.token)) {
          for (JsonNode token : JSON.readTree(client.get("/tonari/api/v1/tokens")).path("tokens")) {
            rows.add(List.of(token.path("id").asText(), token.path("name").asText(), token.path("role").asText(), join(token.path("tenants")),
                token.path("created").asText(), token.path("expires").isNull() ? "never" : token.path("expires").asText(),
                status(token.path("active").asBoolean(), !token.path("revoked").isNull())));
          }
        } catch (AdminClient.AdminException e) {
          System.err.println("tonari token list: " + e.getMessage());
          return 1;
        }
      }
      printTable(System.out, rows);
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id or name.")
  static final class Revoke implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target = new Target();

    @Parameters(paramLabel = "ID_OR_NAME", description = "The token's id, or the name of an active token.")
    String idOrName;

    @Override
    public Integer call() throws Exception {
      try {
        if (target.dataDir != null) {
          TokenRecord revoked = TokenStore.open(target.dataDir, Clock.systemUTC()).revoke(idOrName);
          try (AuditLog audit = AuditLog.open(target.dataDir, Clock.systemUTC())) {
            audit.record(actor(), "token.revoke", describe(revoked), "cli", "ok");
          }
          System.out.println("revoked " + describe(revoked));
          return 0;
        }
        Online online = online(target);
        try (AdminClient client = new AdminClient(online.address, online.token)) {
          JsonNode answer = JSON.readTree(client.delete("/tonari/api/v1/tokens/" + java.net.URLEncoder.encode(idOrName, java.nio.charset.StandardCharsets.UTF_8)));
          System.out.println("revoked token " + answer.path("name").asText() + " (id " + answer.path("id").asText() + ")");
          return 0;
        }
      } catch (NoSuchElementException | AdminClient.AdminException e) {
        System.err.println("tonari token revoke: " + e.getMessage());
        return 1;
      }
    }
  }

  static String describe(TokenRecord record) {
    return "token " + record.name() + " (id " + record.id() + ") role " + record.role().text() + " tenants " + String.join(",", record.tenants());
  }

  private static String expiry(Optional<Instant> expires) {
    return expires.map(instant -> ", expires " + instant).orElse(", never expires");
  }

  private static String status(boolean active, boolean revoked) {
    return revoked ? "revoked" : active ? "active" : "expired";
  }

  private static String join(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return String.join(",", values);
  }

  static void printTable(PrintStream out, List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      out.println(line);
    }
  }
}

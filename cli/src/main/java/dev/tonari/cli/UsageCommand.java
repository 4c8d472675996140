package dev.tonari.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tonari usage}: usage and cost per tenant and UTC day from a server's {@code GET
 * /tonari/api/v1/usage}; a table by default, or the API's CSV or JSON as they are. Admins see every
 * tenant; other tokens see their own.
 */
@Command(name = "usage", mixinStandardHelpOptions = true, description = "Print usage and cost per tenant and day.")
final class UsageCommand implements Callable<Integer> {
  /** Output formats; each is the API's own rendering. */
  enum Format {
    table,
    csv,
    json
  }

  @Option(names = "--addr", paramLabel = "URL", defaultValue = "${env:TONARI_ADDR:-http://127.0.0.1:3100}",
      description = "Server address (default: $TONARI_ADDR or ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--token", paramLabel = "T", defaultValue = "${env:TONARI_TOKEN}", description = "Token (default: $TONARI_TOKEN).")
  String token;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First UTC day (default: the first day of --to's month).")
  String from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last UTC day (default: today).")
  String to;

  @Option(names = "--tenant", paramLabel = "T", split = ",", description = "Only these tenants (repeatable or comma-separated).")
  List<String> tenants = new ArrayList<>();

  @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() throws Exception {
    StringBuilder query = new StringBuilder("/tonari/api/v1/usage?format=").append(format.name());
    append(query, "from", from);
    append(query, "to", to);
    if (!tenants.isEmpty()) {
      append(query, "tenant", String.join(",", tenants));
    }
    try (AdminClient client = new AdminClient(address, token)) {
      System.out.print(client.get(query.toString()));
      return 0;
    } catch (AdminClient.AdminException e) {
      System.err.println("tonari usage: " + e.getMessage());
      return 1;
    }
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null && !value.isBlank()) {
      query.append('&').append(name).append('=').append(URLEncoder.encode(value.trim(), StandardCharsets.UTF_8));
    }
  }
}

package dev.tonari.cli;

import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.PriceSheet;
import dev.tonari.tenancy.config.TenantConfigLoader;
import dev.tonari.tenancy.usage.UsageMeter;
import dev.tonari.tenancy.usage.UsageReport;
import dev.tonari.tenancy.usage.UsageRenderers;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tonari usage}: usage and cost per tenant and UTC day from a server's {@code GET
 * /tonari/api/v1/usage}; a table by default, or the API's CSV or JSON as they are. Admins see every
 * tenant; other tokens see their own.
 *
 * <p>With {@code --data-dir DIR} it reads the usage files of a server data directory ({@code
 * <DIR>/usage/*.json}) without a server, as {@code token --data-dir} does: whoever can read the
 * directory sees every tenant. Costs use the prices of {@code --tenants-file} (all zero without
 * it), and the report is the same rendering the API gives.
 */
@Command(name = "usage", mixinStandardHelpOptions = true, description = "Print usage and cost per tenant and day.")
final class UsageCommand implements Callable<Integer> {
  /** Output formats; each is the API's own rendering. */
  enum Format {
    table,
    csv,
    json
  }

  @Option(names = "--addr", paramLabel = "URL", defaultValue = ServerEnvironment.ADDRESS, description = ServerEnvironment.ADDRESS_HELP)
  String address;

  @Option(names = "--token", paramLabel = "T", defaultValue = "${env:TONARI_TOKEN}", description = "Token (default: $TONARI_TOKEN).")
  String token;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Read usage offline from this server data directory (no server).")
  Path dataDir;

  @Option(names = "--tenants-file", paramLabel = "PATH", split = ",",
      description = "With --data-dir: tenants files or directories whose pricing turns usage into cost (default: no prices).")
  List<Path> tenantsFiles = new ArrayList<>();

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
    if (dataDir != null) {
      try {
        System.out.print(offlineReport());
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        System.err.println("tonari usage: " + e.getMessage());
        return 1;
      }
    }
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

  /** The report the API would give an admin, from the data directory's usage files. */
  private String offlineReport() throws IOException {
    Path usageDirectory = dataDir.resolve("usage");
    if (!Files.isDirectory(usageDirectory)) {
      // Opening the meter would create it; a mistyped path must not leave an empty data directory behind.
      throw new IllegalArgumentException("no usage directory " + usageDirectory + ": is " + dataDir + " a Tonari data directory?");
    }
    LocalDate today = LocalDate.now(Clock.systemUTC());
    LocalDate last = date(to, "--to", today);
    LocalDate first = date(from, "--from", last.withDayOfMonth(1));
    if (first.isAfter(last)) {
      throw new IllegalArgumentException("--from " + first + " is after --to " + last);
    }
    Set<String> named = new HashSet<>();
    tenants.forEach(tenant -> named.add(tenant.trim()));
    Predicate<String> visible = named.isEmpty() ? tenant -> true : named::contains;
    UsageReport report;
    // Nothing is counted here, so closing writes nothing: the server's files stay as they are.
    try (UsageMeter meter = UsageMeter.open(dataDir, Clock.systemUTC(), Map::of)) {
      report = UsageReport.build(meter.snapshot(first, last), first, last, visible, prices());
    }
    return switch (format) {
      case table -> UsageRenderers.table(report, false);
      case csv -> UsageRenderers.csv(report);
      case json -> UsageRenderers.json(report);
    };
  }

  private PriceSheet prices() {
    if (tenantsFiles.isEmpty()) {
      return PriceSheet.free();
    }
    return switch (LintCommand.loader().load(tenantsFiles)) {
      case TenantConfigLoader.LoadResult.Loaded loaded -> loaded.config().pricing();
      case TenantConfigLoader.LoadResult.Invalid invalid -> throw new IllegalArgumentException("invalid tenants files " + tenantsFiles + ":\n"
          + String.join("\n", invalid.problems().stream().map(ConfigProblem::format).toList()));
    };
  }

  private static LocalDate date(String text, String option, LocalDate fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " '" + text + "' is not a day as YYYY-MM-DD", e);
    }
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null && !value.isBlank()) {
      query.append('&').append(name).append('=').append(URLEncoder.encode(value.trim(), StandardCharsets.UTF_8));
    }
  }
}

package dev.tonari.cli;

import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushRequest;
import dev.tonari.server.ServerConfig;
import dev.tonari.server.TonariServer;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tonari demo}: a server plus the built-in generator pushing realistic logs for a few teams
 * through the real HTTP push API, once a second, until stopped. Prints where to look.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run a server with generated demo logs flowing in.")
final class DemoCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:3100", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/demo", description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--lines-per-second", defaultValue = "500", description = "Generated lines per second over all tenants (default: ${DEFAULT-VALUE}).")
  int linesPerSecond;

  @Override
  public Integer call() throws Exception {
    if (linesPerSecond <= 0) {
      System.err.println("tonari demo: --lines-per-second must be positive");
      return 2;
    }
    ServerConfig config;
    Terminal terminal = Terminal.detect();
    ConsoleWebhookReceiver console = ConsoleWebhookReceiver.start(System.out, terminal);
    try {
      Path sloDir = writeDemoSlos(dataDir.resolve("slos"));
      Path rulesDir = writeDemoRules(dataDir.resolve("rules"));
      Path notificationsDir = writeDemoNotifications(dataDir.resolve("notifications"), console.url());
      config = ServerConfig.defaults().withListen(listen).withDataDir(dataDir).withSlo(SloSettings.defaults().withDirectory(sloDir));
      config = config.withRuler(config.ruler().rules().withRulesDirectory(rulesDir))
          .withAlerting(config.ruler().alerting().withNotificationsDirectory(notificationsDir));
    } catch (IllegalArgumentException e) {
      console.close();
      System.err.println("tonari demo: " + e.getMessage());
      return 2;
    }
    TonariServer server;
    try {
      server = TonariServer.open(config);
    } catch (IOException | RuntimeException e) {
      console.close();
      throw e;
    }
    GeneratorOptions options = GeneratorOptions.defaults();
    Thread pusher = Thread.ofPlatform().name("demo-pusher").daemon(true).start(() -> pushForever(server.baseUrl(), options));
    printBanner(System.out, terminal, server.baseUrl(), options.tenants(), config.slo().directory().orElseThrow());
    ServerCommand.runUntilSignalled(() -> {
      pusher.interrupt();
      try {
        pusher.join(Duration.ofSeconds(5));
      } finally {
        try {
          server.close();
        } finally {
          console.close();
        }
      }
    });
    return 0;
  }

  /** The demo's SLO files, one directory per tenant, as the jar ships them in {@code demo-slos/}. */
  static final List<String> DEMO_SLO_FILES = List.of("payments/checkout-api.yaml", "payments/payments-gateway.yaml", "search/query-api.yaml",
      "platform/auth-service.yaml");

  /**
   * Writes the demo's SLO files under {@code directory} (replacing earlier copies, so an upgraded
   * demo shows its current examples) and returns it, to be the server's {@code slo.dir}.
   */
  static Path writeDemoSlos(Path directory) throws IOException {
    for (String file : DEMO_SLO_FILES) {
      try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-slos/" + file)) {
        if (in == null) {
          throw new IOException("demo SLO file demo-slos/" + file + " is missing from the jar");
        }
        Path target = directory.resolve(file);
        Files.createDirectories(target.getParent());
        Files.write(target, in.readAllBytes());
      }
    }
    return directory;
  }

  /** The demo's rule files, {@code <tenant>/<namespace>.yaml}, as the jar ships them in {@code demo-rules/}. */
  static final List<String> DEMO_RULE_FILES = List.of("payments/errors.yaml", "search/errors.yaml", "platform/errors.yaml");

  /** Writes the demo's rule files under {@code directory} (the server's {@code ruler.rules_dir}) and returns it. */
  static Path writeDemoRules(Path directory) throws IOException {
    for (String file : DEMO_RULE_FILES) {
      copyResource("/demo-rules/" + file, directory.resolve(file));
    }
    return directory;
  }

  /**
   * Writes one notification config per demo tenant, {@code <tenant>.yaml} in Alertmanager's format,
   * whose receiver is the console webhook at {@code webhookUrl}, and returns the directory (the
   * server's {@code ruler.notifications_dir}).
   */
  static Path writeDemoNotifications(Path directory, String webhookUrl) throws IOException {
    String template;
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-alerting/team.yaml")) {
      if (in == null) {
        throw new IOException("demo notification config demo-alerting/team.yaml is missing from the jar");
      }
      template = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Files.createDirectories(directory);
    for (String tenant : GeneratorOptions.defaults().tenants()) {
      Files.writeString(directory.resolve(tenant + ".yaml"), template.replace("${DEMO_WEBHOOK_URL}", webhookUrl));
    }
    return directory;
  }

  private static void copyResource(String resource, Path target) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("demo file " + resource.substring(1) + " is missing from the jar");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
    }
  }

  /** One push per tenant per second, each entry stamped within the last second, through HTTP. */
  private void pushForever(String baseUrl, GeneratorOptions options) {
    LogGenerator generator = new LogGenerator(System.nanoTime(), options);
    URI push = URI.create(baseUrl + "/loki/api/v1/push");
    long stepNanos = 1_000_000_000L / linesPerSecond;
    try (HttpClient http = HttpClient.newHttpClient()) {
      while (!Thread.currentThread().isInterrupted()) {
        long second = System.currentTimeMillis() * 1_000_000L - 1_000_000_000L;
        Map<String, List<StreamBatch>> byTenant = generator.nextByTenant(linesPerSecond, second, stepNanos);
        for (Map.Entry<String, List<StreamBatch>> tenant : byTenant.entrySet()) {
          PushEncoder.EncodedPush encoded = PushEncoder.encode(new PushRequest(tenant.getValue()), PushEncoder.Format.PROTOBUF_SNAPPY);
          HttpRequest.Builder request = HttpRequest.newBuilder(push).header("X-Scope-OrgID", tenant.getKey())
              .header("Content-Type", encoded.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(encoded.body()));
          if (encoded.contentEncoding() != null) {
            request.header("Content-Encoding", encoded.contentEncoding());
          }
          HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() / 100 != 2) {
            log.warn("demo push for tenant {} answered {}: {}", tenant.getKey(), response.statusCode(), response.body().strip());
          }
        }
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      log.error("demo pusher stopped: pushing to {} failed", push, e);
    }
  }

  static void printBanner(PrintStream out, Terminal terminal, String baseUrl, List<String> tenants, Path sloDirectory) {
    String tenant = tenants.get(0);
    out.println();
    out.println(terminal.paint(Terminal.BOLD + Terminal.GREEN, "Tonari demo is running") + " at " + terminal.paint(Terminal.BOLD, baseUrl));
    out.println("Open the UI: " + terminal.paint(Terminal.BOLD, baseUrl + "/ui/") + " (Explore, live tail, SLOs, alerts, usage; pick the tenant at the top right)");
    out.println("Generated logs flow in for the tenants " + terminal.paint(Terminal.CYAN, String.join(", ", tenants))
        + " (X-Scope-OrgID). Press Ctrl-C to stop.");
    // The SLO directory is <data_dir>/slos: the data directory is its parent.
    out.println("Data in " + terminal.paint(Terminal.CYAN, String.valueOf(sloDirectory.toAbsolutePath().getParent()))
        + " (kept across runs; delete it to start over). The commands below read TONARI_ADDR instead of --addr when it is set.");
    out.println();
    out.println(terminal.paint(Terminal.BOLD, "Try:"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari query --addr " + baseUrl + " --tenant " + tenant + " '{env=\"prod\"} |= \"error\"'"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari query --addr " + baseUrl + " --tenant " + tenant + " --since 5m --output raw '{namespace=\"" + tenant + "\"}'"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "curl -s -H 'X-Scope-OrgID: " + tenant + "' " + baseUrl + "/loki/api/v1/labels"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "curl -s -H 'X-Scope-OrgID: " + tenant + "' " + baseUrl
        + "/loki/api/v1/query_range --data-urlencode 'query={env=\"prod\"} |= \"timeout\"' --data-urlencode 'limit=5' -G"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "curl -s " + baseUrl + "/metrics | grep ^tonari_"));
    out.println();
    out.println(terminal.paint(Terminal.BOLD, "SLOs and error budgets") + " (demo SLOs in " + terminal.paint(Terminal.CYAN, sloDirectory.toString())
        + "; budgets fill in as minutes pass):");
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari slo list --addr " + baseUrl + " --tenant " + tenant));
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari slo status --addr " + baseUrl + " --tenant " + tenant + " checkout-api-requests-availability"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari slo init --addr " + baseUrl + " --tenant search --service ranker --selector '{app=\"ranker\"}'"));
    out.println();
    out.println(terminal.paint(Terminal.BOLD, "Alerts") + " (demo rules in " + terminal.paint(Terminal.CYAN, sloDirectory.resolveSibling("rules") + "/<tenant>/errors.yaml")
        + "; their notifications print here as [webhook console] lines):");
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari rules list --addr " + baseUrl + " --tenant " + tenant));
    out.println("  " + terminal.paint(Terminal.YELLOW, "curl -s -H 'X-Scope-OrgID: " + tenant + "' " + baseUrl + "/prometheus/api/v1/alerts"));
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari alerts history --addr " + baseUrl + " --tenant " + tenant));
    out.println("  " + terminal.paint(Terminal.YELLOW, "./tonari toil report --addr " + baseUrl + " --tenant " + tenant));
    out.println();
    out.println(terminal.paint(Terminal.DIM, "Grafana: add a Loki data source with URL " + baseUrl + " and header X-Scope-OrgID: " + tenant + "."));
    out.println();
  }
}

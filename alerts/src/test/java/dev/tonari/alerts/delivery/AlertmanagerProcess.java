package dev.tonari.alerts.delivery;

import dev.tonari.tenancy.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Alertmanager ({@code prometheus-alertmanager}) for a test: started on a free port
 * of 127.0.0.1 with clustering off, over a test's directory and configuration, ready when {@link
 * #start} returns, stopped by {@link #close}. Tests call {@link #installed()} first and skip with
 * "skipped: prometheus-alertmanager not installed" when it is not.
 */
public final class AlertmanagerProcess implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;
  private final Path log;

  private AlertmanagerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** Starts it with {@code configYaml} as its configuration, its files under {@code directory}, and waits until {@code /-/ready}. */
  public static AlertmanagerProcess start(Path directory, String configYaml) throws Exception {
    Files.createDirectories(directory.resolve("data"));
    Path config = directory.resolve("alertmanager.yml");
    Files.writeString(config, configYaml);
    Path log = directory.resolve("alertmanager.log");
    int port = ChildProcesses.freeLoopbackPort();
    Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.path=" + directory.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    AlertmanagerProcess alertmanager = new AlertmanagerProcess(process, port, log);
    try {
      alertmanager.awaitReady();
    } catch (Exception | AssertionError e) {
      alertmanager.close();
      throw e;
    }
    return alertmanager;
  }

  /** A configuration whose one receiver is a webhook at {@code url}, grouping by alert name within a second. */
  public static String webhookConfig(String url) {
    return webhookConfig(url, true);
  }

  /** As {@link #webhookConfig(String)}, with or without the notifications of resolved alerts. */
  public static String webhookConfig(String url, boolean sendResolved) {
    return """
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: '%s'
        """.formatted(url) + (sendResolved ? "        send_resolved: true\n" : "");
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private void awaitReady() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("alertmanager exited with " + process.exitValue() + ": " + log());
      }
      try {
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet: poll again.
      }
      Thread.sleep(100);
    }
    throw new AssertionError("alertmanager not ready within " + WAIT + ": " + log());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}

package dev.tonari.slo.source;

import dev.tonari.tenancy.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) for tests, on a temporary directory and
 * a free port of 127.0.0.1 (never 9090, where a packaged service may run): known series are first
 * written into its TSDB as blocks with {@code promtool tsdb create-blocks-from openmetrics}, then
 * the server is started on that directory (blocks are only picked up at start) with a retention of
 * ten years, so that blocks of any past time stay. {@link #close()} stops it and deletes the
 * directory; start failures stop it too and carry the tail of its log.
 */
final class PrometheusProcess implements AutoCloseable {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  /** The basic-auth user of {@link #startWithBasicAuth}. */
  static final String USER = "tonari";
  /** Its password; the web config holds its bcrypt hash (cost 5, made once with glibc's crypt). */
  static final String PASSWORD = "tonari-test-password";
  private static final String PASSWORD_BCRYPT = "$2b$05$fCVvBHSa4By0O0npjes4qOMJVu5948sy1P.BkZSLEZu7O0Q5lclpC";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final Path directory;
  private final Process process;
  private final int port;

  private PrometheusProcess(Path directory, Process process, int port) {
    this.directory = directory;
    this.process = process;
    this.port = port;
  }

  /** Skips the calling test, with the message the build log shows, where Prometheus is not installed. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL), "skipped: prometheus not installed");
  }

  /** Starts Prometheus without authentication over the series of {@code openMetrics} (may be empty: no blocks). */
  static PrometheusProcess start(String openMetrics) throws IOException, InterruptedException {
    return start(openMetrics, false);
  }

  /** Starts Prometheus requiring HTTP Basic {@link #USER}:{@link #PASSWORD} ({@code --web.config.file}). */
  static PrometheusProcess startWithBasicAuth(String openMetrics) throws IOException, InterruptedException {
    return start(openMetrics, true);
  }

  private static PrometheusProcess start(String openMetrics, boolean basicAuth) throws IOException, InterruptedException {
    Path directory = Files.createTempDirectory("tonari-prometheus-");
    try {
      Path tsdb = directory.resolve("tsdb");
      Files.createDirectories(tsdb);
      if (!openMetrics.isEmpty()) {
        Path input = directory.resolve("series.om");
        Files.writeString(input, openMetrics, StandardCharsets.UTF_8);
        run(directory.resolve("promtool.log"), PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", input.toString(), tsdb.toString());
      }
      Path config = directory.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
      List<String> command = new ArrayList<>(List.of(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + tsdb,
          "--storage.tsdb.retention.time=10y", "--log.level=warn"));
      if (basicAuth) {
        Path webConfig = directory.resolve("web.yml");
        Files.writeString(webConfig, "basic_auth_users:\n  " + USER + ": " + PASSWORD_BCRYPT + "\n");
        command.add("--web.config.file=" + webConfig);
      }
      // A free port can be taken between the probe and the bind: try a few.
      IOException lastFailure = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = ChildProcesses.freeLoopbackPort();
        List<String> withPort = new ArrayList<>(command);
        withPort.add("--web.listen-address=127.0.0.1:" + port);
        Path log = directory.resolve("prometheus-" + attempt + ".log");
        Process process = new ProcessBuilder(withPort).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess started = new PrometheusProcess(directory, process, port);
        try {
          started.awaitReady(basicAuth, log);
          return started;
        } catch (IOException e) {
          started.stopProcess();
          lastFailure = e;
        } catch (InterruptedException | RuntimeException e) {
          started.stopProcess();
          throw e;
        }
      }
      throw lastFailure;
    } catch (IOException | InterruptedException | RuntimeException e) {
      ChildProcesses.deleteRecursively(directory);
      throw e;
    }
  }

  private void awaitReady(boolean basicAuth, Path log) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest.Builder ready = HttpRequest.newBuilder(url().resolve("/-/ready")).timeout(Duration.ofSeconds(2)).GET();
    if (basicAuth) {
      ready.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IOException("prometheus exited with " + process.exitValue() + " before it was ready:\n" + ChildProcesses.tail(log));
      }
      try {
        if (client.send(ready.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IOException("prometheus was not ready within " + READY_TIMEOUT + ":\n" + ChildProcesses.tail(log));
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Stops the server (its TSDB stays until {@link #close()}). */
  void stop() throws InterruptedException {
    stopProcess();
  }

  private void stopProcess() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      stopProcess();
    } finally {
      ChildProcesses.deleteRecursively(directory);
    }
  }

  private static void run(Path log, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 60 s:\n" + ChildProcesses.tail(log));
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + ChildProcesses.tail(log));
    }
  }
}

package dev.tonari.rules.remotewrite;

import dev.tonari.tenancy.ChildProcesses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) with its remote-write receiver on, for
 * tests: an empty TSDB in a temporary directory, a free port of 127.0.0.1, a bounded wait for
 * {@code /-/ready}. {@link #close()} stops it (destroy, then destroyForcibly after a bound) and
 * deletes the directory. The slo module's launcher of the same name seeds blocks with promtool and
 * lives in slo's tests, which no other module can use; this one needs neither.
 */
final class PrometheusProcess implements AutoCloseable {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Process process;
  private final int port;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusProcess(Path directory, Process process, int port) {
    this.directory = directory;
    this.process = process;
    this.port = port;
  }

  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS), "skipped: prometheus not installed");
  }

  static PrometheusProcess startWithRemoteWriteReceiver() throws IOException, InterruptedException {
    Path directory = Files.createTempDirectory("tonari-prometheus-rw-");
    try {
      Path config = directory.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
      IOException lastFailure = null;
      // A free port can be taken between the probe and the bind: try a few.
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = ChildProcesses.freeLoopbackPort();
        Path log = directory.resolve("prometheus-" + attempt + ".log");
        Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + directory.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver", "--log.level=warn")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess started = new PrometheusProcess(directory, process, port);
        try {
          started.awaitReady(log);
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

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  URI remoteWriteUrl() {
    return url().resolve("/api/v1/write");
  }

  /** {@code GET /api/v1/query} at {@code timeMillis}: the {@code data.result} vector. */
  List<JsonNode> query(String promql, long timeMillis) throws IOException, InterruptedException {
    String time = java.math.BigDecimal.valueOf(timeMillis, 3).toPlainString();
    URI uri = url().resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + time);
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("query " + promql + " answered " + response.statusCode() + ": " + response.body());
    }
    JsonNode body = JSON.readTree(response.body());
    if (!body.path("data").path("resultType").asText().equals("vector")) {
      throw new IOException("query " + promql + " did not give a vector: " + response.body());
    }
    return List.copyOf(JSON.convertValue(body.path("data").path("result"), JSON.getTypeFactory().constructCollectionType(List.class, JsonNode.class)));
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    HttpRequest ready = HttpRequest.newBuilder(url().resolve("/-/ready")).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IOException("prometheus exited with " + process.exitValue() + " before it was ready:\n" + ChildProcesses.tail(log));
      }
      try {
        if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // Polled again below until the deadline; the log tail explains a final failure.
      }
      Thread.sleep(100);
    }
    throw new IOException("prometheus was not ready within " + READY_TIMEOUT + ":\n" + ChildProcesses.tail(log));
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
      client.shutdownNow();
    } finally {
      ChildProcesses.deleteRecursively(directory);
    }
  }
}

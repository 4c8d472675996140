package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on S3 storage: a missing bucket stops the start with a clear error, /ready reports a bucket gone later, /metrics counts requests. */
class StorageServerTest {
  @TempDir Path directory;

  @BeforeAll
  static void credentialsWithoutInstanceMetadata() {
    // The default chain finds these first; no test may ask an instance metadata address.
    System.setProperty("aws.accessKeyId", "test-access");
    System.setProperty("aws.secretAccessKey", "test-secret");
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  private ServerConfig config(FakeS3Endpoint s3, String bucket) {
    StorageSettings storage = new StorageSettings(StorageSettings.Type.S3,
        new StorageSettings.S3(bucket, "tonari", "us-east-1", s3.endpoint().toString(), true, null, 1L << 20, false, false));
    return ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(directory).withStorageSettings(storage);
  }

  @Test
  void aMissingBucketStopsTheStartWithAClearErrorAndLeavesTheWalAlone() throws Exception {
    try (FakeS3Endpoint s3 = new FakeS3Endpoint("logs")) {
      assertThatThrownBy(() -> TonariServer.open(config(s3, "other")))
          .hasMessageContaining("storage s3://other/tonari cannot be used")
          .hasMessageContaining("bucket other does not exist");
    }
  }

  @Test
  void readyTurns503WhenTheBucketGoesAndMetricsCountTheRequests() throws Exception {
    try (FakeS3Endpoint s3 = new FakeS3Endpoint("logs"); TonariServer server = TonariServer.open(config(s3, "logs"))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      String metrics = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("tonari_object_store_requests_total{operation=\"HEAD\",tenant=\"<store>\"}").contains("tonari_object_store_requests_total{operation=\"LIST\",tenant=\"<store>\"} 1.0")
          .contains("tonari_remote_cache_bytes");
      s3.deleteBucket();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      HttpResponse<String> answer;
      do {
        Thread.sleep(200);
        answer = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      } while (answer.statusCode() == 200 && System.nanoTime() < deadline);
      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(answer.body()).startsWith("not ready: storage: ").contains("bucket logs does not exist");
    }
  }
}

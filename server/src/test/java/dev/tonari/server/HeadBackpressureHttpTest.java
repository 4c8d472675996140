package dev.tonari.server;

import static dev.tonari.server.TenantHttp.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.server.TenantHttp.Identity;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure from the in-memory head, against the real server: with a tiny head bound and no
 * wait, pushes past it get 429 with {@code Retry-After} and a message naming the limit; the refusal
 * requests a flush, after which the same push is accepted; with a wait, the push waits for that
 * flush and is stored; nothing acknowledged is lost, across a restart.
 */
class HeadBackpressureHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Identity TENANT = Identity.none().withHeader("load");

  @TempDir Path directory;

  private static String config(String storageKeys) {
    return """
        storage:
          flush_size: 1GiB
        %s
        limits:
          ingestion_rate_mb: 1000
          ingestion_burst_size_mb: 1000
        """.formatted(storageKeys);
  }

  private TonariServer open(String yaml) throws Exception {
    Path file = directory.resolve("tonari.yaml");
    Files.writeString(file, yaml);
    ServerConfig config = ServerConfig.load(file).withListen("127.0.0.1:0").withDataDir(directory.resolve("data"));
    return TonariServer.open(config);
  }

  /** One push of 20 lines of about 200 bytes: about 4.5 KB of head. */
  private static String body(int push, long baseNanos) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      if (i > 0) {
        values.append(',');
      }
      values.append("[\"").append(baseNanos + push * 100L + i).append("\",\"push ").append(push).append(" line ").append(i).append(' ')
          .append("y".repeat(180)).append("\"]");
    }
    return "{\"stream\":{\"app\":\"load\"},\"values\":[" + values + "]}";
  }

  private static Set<String> storedLines(TenantHttp http, long fromNanos, long toNanos) throws Exception {
    HttpResponse<String> response = http.get(TENANT, "/loki/api/v1/query_range?query=" + encode("{app=\"load\"}") + "&start=" + fromNanos + "&end=" + toNanos
        + "&limit=5000&direction=forward");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Set<String> lines = new TreeSet<>();
    for (JsonNode stream : JSON.readTree(response.body()).path("data").path("result")) {
      for (JsonNode value : stream.path("values")) {
        lines.add(value.get(1).asText());
      }
    }
    return lines;
  }

  private static List<String> linesOf(int push) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add("push " + push + " line " + i + " " + "y".repeat(180));
    }
    return lines;
  }

  @Test
  void pushesPastTheTenantsHeadBoundGet429WithRetryAfterUntilAFlushMakesRoom() throws Exception {
    long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    Set<String> acknowledged = new TreeSet<>();
    // No wait: the push that finds the bound reached is refused at once.
    try (TonariServer server = open(config("  max_head_size: 0\n  max_head_size_per_tenant: 40KiB\n  head_full_wait: 0s"));
        TenantHttp http = new TenantHttp(server.baseUrl())) {
      int refusedPush = -1;
      for (int push = 0; push < 100 && refusedPush < 0; push++) {
        HttpResponse<String> response = http.push(TENANT, body(push, base));
        if (response.statusCode() == 204) {
          acknowledged.addAll(linesOf(push));
          continue;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(response.body()).contains("20 entries of tenant load not stored", "limit (storage.max_head_size_per_tenant) is 40960 bytes",
            "retry after 1 s");
        refusedPush = push;
      }
      assertThat(refusedPush).as("the head bound refuses a push").isBetween(5, 99);
      // The refusal requested a flush; the retried push is accepted once it has made room.
      HttpResponse<String> retried = null;
      for (int attempt = 0; attempt < 100; attempt++) {
        retried = http.push(TENANT, body(refusedPush, base));
        if (retried.statusCode() == 204) {
          break;
        }
        assertThat(retried.statusCode()).isEqualTo(429);
        Thread.sleep(100);
      }
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(204);
      acknowledged.addAll(linesOf(refusedPush));
      assertThat(storedLines(http, base - 1, base + 100_000_000L)).isEqualTo(acknowledged);
      HttpResponse<String> metrics = http.get(Identity.none(), "/metrics");
      assertThat(metrics.body()).containsPattern("tonari_head_full_refusals(_total)? [1-9]");
    }
    try (TonariServer restarted = open(config("")); TenantHttp http = new TenantHttp(restarted.baseUrl())) {
      assertThat(storedLines(http, base - 1, base + 100_000_000L)).isEqualTo(acknowledged);
    }
  }

  @Test
  void aPushThatFindsTheBoundReachedWaitsForTheFlushItStartsAndIsStored() throws Exception {
    long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    Set<String> acknowledged = new TreeSet<>();
    // A wait far longer than a flush of 40 KiB takes, so that no push is refused however slow the machine.
    try (TonariServer server = open(config("  max_head_size: 0\n  max_head_size_per_tenant: 40KiB\n  head_full_wait: 2m"));
        TenantHttp http = new TenantHttp(server.baseUrl())) {
      for (int push = 0; push < 30; push++) {
        HttpResponse<String> response = http.push(TENANT, body(push, base));
        assertThat(response.statusCode()).as("push %d: %s", push, response.body()).isEqualTo(204);
        acknowledged.addAll(linesOf(push));
      }
      assertThat(storedLines(http, base - 1, base + 100_000_000L)).isEqualTo(acknowledged);
      String metrics = http.get(Identity.none(), "/metrics").body();
      assertThat(metrics).as("30 pushes of 4.5 KB reach a 40 KiB bound several times").containsPattern("tonari_head_full_waits(_total)? [1-9]");
      assertThat(metrics).containsPattern("tonari_head_full_refusals(_total)? 0");
    }
  }

  @Test
  void concurrentPushersOverTheBoundOfAllTenantsLoseNothingAcknowledged() throws Exception {
    long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    int pushers = 4;
    int pushesEach = 40;
    List<Set<String>> acknowledgedByPusher = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    int[] refusals = new int[pushers];
    try (TonariServer server = open(config("  max_head_size: 24KiB"));
        TenantHttp http = new TenantHttp(server.baseUrl());
        ExecutorService pool = Executors.newFixedThreadPool(pushers)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < pushers; p++) {
        Set<String> acknowledged = new TreeSet<>();
        acknowledgedByPusher.add(acknowledged);
        int pusher = p;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < pushesEach; i++) {
            int push = pusher * pushesEach + i;
            HttpResponse<String> response = http.push(TENANT, body(push, base));
            if (response.statusCode() == 204) {
              acknowledged.addAll(linesOf(push));
            } else if (response.statusCode() == 429 && response.headers().firstValue("Retry-After").isPresent()
                && response.body().contains("limit (storage.max_head_size) is 24576 bytes")) {
              refusals[pusher]++;
            } else {
              synchronized (unexpected) {
                unexpected.add(response.statusCode() + " " + response.body());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      assertThat(unexpected).isEmpty();
      Set<String> acknowledged = new TreeSet<>();
      acknowledgedByPusher.forEach(acknowledged::addAll);
      // The refused pushes are not stored (they would be retried by an agent); the accepted ones all are.
      assertThat(storedLines(http, base - 1, base + 100_000_000L)).isEqualTo(acknowledged);
      assertThat(acknowledged).isNotEmpty();
    }
  }
}

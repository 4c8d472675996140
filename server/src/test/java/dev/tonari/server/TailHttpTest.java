package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live tail over a real WebSocket ({@code java.net.http.WebSocket}) against the real server: lines
 * pushed while tailing arrive exactly once, equal timestamps included, through the whole log query;
 * closing the socket, or the server, ends the poller thread; the per-tenant limit refuses with
 * Loki's message.
 */
class TailHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;
  private static final Duration PATIENCE = LoopbackServer.PATIENCE;

  @TempDir Path dataDir;
  private LoopbackServer loopback;
  private TonariServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    loopback = LoopbackServer.open(dataDir);
    server = loopback.server();
    http = loopback.http();
  }

  @AfterEach
  void stop() throws Exception {
    loopback.close();
    await().atMost(PATIENCE).until(() -> tailThreads().isEmpty());
  }

  /** Poller threads alive now (platform threads, so the JVM lists them). */
  static List<Thread> tailThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("tonari-tail-") && thread.isAlive()).toList();
  }

  @Test
  void linesPushedWhileTailingArriveExactlyOnceThroughTheWholeQuery() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    push("tail-team", now - 5 * SECOND, "level=error n=1", now - 4 * SECOND, "level=info n=2");
    Frames frames = new Frames();
    WebSocket socket = open("tail-team", "{app=\"tail\"} | logfmt | level=\"error\"", "&start=" + (now - 60 * SECOND), frames);

    await().atMost(PATIENCE).until(() -> frames.lines().contains("level=error n=1"));
    // The first frame is the history since start, in Loki's exact shape; the info line is filtered out.
    assertThat(frames.texts.getFirst()).isEqualTo(
        "{\"streams\":[{\"stream\":{\"app\":\"tail\",\"detected_level\":\"error\",\"level\":\"error\",\"n\":\"1\",\"service_name\":\"tail\"},\"values\":[[\"" + (now - 5 * SECOND) + "\",\"level=error n=1\"]]}]}");

    long later = System.currentTimeMillis() * 1_000_000L;
    push("tail-team", later, "level=error n=3", later, "level=info n=4");
    await().atMost(PATIENCE).until(() -> frames.lines().contains("level=error n=3"));
    // Same timestamp as a line already sent: must still arrive, and the earlier one not again.
    push("tail-team", later, "level=error n=5");
    await().atMost(PATIENCE).until(() -> frames.lines().contains("level=error n=5"));
    push("tail-team", later + 1_000_000L, "level=error n=6");
    await().atMost(PATIENCE).until(() -> frames.lines().contains("level=error n=6"));

    assertThat(frames.lines()).containsExactly("level=error n=1", "level=error n=3", "level=error n=5", "level=error n=6");
    assertThat(tailThreads()).hasSize(1);

    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    await().atMost(PATIENCE).until(() -> tailThreads().isEmpty());

    // However many polls it made, the tail is one query, and its polls scanned the lines it read.
    String metrics = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("tonari_usage_queries{tenant=\"tail-team\"} 1.0");
    assertThat(metrics.lines().filter(line -> line.startsWith("tonari_usage_bytes_scanned{tenant=\"tail-team\"} ")).findFirst())
        .hasValueSatisfying(line -> assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isGreaterThan(0));
  }

  @Test
  void aTenantPastItsConcurrentTailsIsRefusedWithLokisMessage() throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < TailHandler.DEFAULT_MAX_TAILS_PER_TENANT; i++) {
      sockets.add(open("busy", "{app=\"tail\"}", "", new Frames()));
    }
    await().atMost(PATIENCE).until(() -> tailThreads().size() == TailHandler.DEFAULT_MAX_TAILS_PER_TENANT);

    Frames refused = new Frames();
    open("busy", "{app=\"tail\"}", "", refused);
    CloseFrame close = refused.closed.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertThat(close).isEqualTo(new CloseFrame(1011, "max concurrent tail requests limit exceeded, count > limit (11 > 10)"));
    // Other tenants have their own count.
    WebSocket other = open("quiet", "{app=\"tail\"}", "", new Frames());
    await().atMost(PATIENCE).until(() -> tailThreads().size() == TailHandler.DEFAULT_MAX_TAILS_PER_TENANT + 1);

    other.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    for (WebSocket socket : sockets) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
    await().atMost(PATIENCE).until(() -> tailThreads().isEmpty());
    // The slots are free again.
    WebSocket again = open("busy", "{app=\"tail\"}", "", new Frames());
    await().atMost(PATIENCE).until(() -> tailThreads().size() == 1);
    again.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  @Test
  void closingTheServerEndsItsTails() throws Exception {
    Frames frames = new Frames();
    open("tail-team", "{app=\"tail\"}", "", frames);
    await().atMost(PATIENCE).until(() -> tailThreads().size() == 1);
    server.close();
    await().atMost(PATIENCE).until(() -> tailThreads().isEmpty());
    assertThat(frames.closed.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
  }

  private WebSocket open(String tenant, String query, String extraParameters, Frames frames) {
    URI uri = URI.create(server.baseUrl().replace("http://", "ws://") + "/loki/api/v1/tail?query=" + TenantHttp.encode(query) + extraParameters);
    return http.newWebSocketBuilder().header("X-Scope-OrgID", tenant).buildAsync(uri, frames).join();
  }

  /** Pushes lines of {app="tail"}: timestamp, line, timestamp, line, ... */
  private void push(String tenant, Object... timestampsAndLines) throws Exception {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < timestampsAndLines.length; i += 2) {
      if (i > 0) {
        values.append(',');
      }
      values.append("[\"").append(timestampsAndLines[i]).append("\",\"").append(timestampsAndLines[i + 1]).append("\"]");
    }
    String body = "{\"streams\":[{\"stream\":{\"app\":\"tail\"},\"values\":[" + values + "]}]}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/loki/api/v1/push"))
        .header("Content-Type", "application/json").header("X-Scope-OrgID", tenant)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
  }

  record CloseFrame(int status, String reason) {}

  /** Collects the text frames and the close frame of one socket. */
  private static final class Frames implements WebSocket.Listener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final CompletableFuture<CloseFrame> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new CloseFrame(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }

    /** Every line received, in order, over all frames. */
    List<String> lines() throws Exception {
      List<String> lines = new ArrayList<>();
      for (String text : texts) {
        for (JsonNode stream : JSON.readTree(text).path("streams")) {
          for (JsonNode value : stream.path("values")) {
            lines.add(value.get(1).asText());
          }
        }
      }
      return lines;
    }
  }
}

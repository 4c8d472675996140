package dev.tonari.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's v2 receiving end ({@code POST /api/v2/alerts}) on a free loopback port, keeping
 * every alert the ruler sends, so a test can tell how often an alert fired: a ruler resends a firing
 * alert on every resend interval with the same {@code startsAt}, and a new {@code startsAt} is a new
 * firing.
 */
public final class AlertReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One alert as posted: the tenant header, its labels, start and end. */
  public record ReceivedAlert(String tenant, Map<String, String> labels, String startsAt, String endsAt, long receivedMillis) {}

  private final HttpServer server;
  private final List<ReceivedAlert> alerts = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();

  public AlertReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v2/alerts", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String tenant = exchange.getRequestHeaders().getFirst("X-Scope-OrgID");
      int status = 200;
      try {
        JsonNode root = JSON.readTree(body);
        if (!root.isArray()) {
          throw new IOException("not a JSON array");
        }
        synchronized (this) {
          for (JsonNode alert : root) {
            Map<String, String> labels = new TreeMap<>();
            alert.path("labels").properties().forEach(field -> labels.put(field.getKey(), field.getValue().asText()));
            alerts.add(new ReceivedAlert(tenant, labels, alert.path("startsAt").asText(""), alert.path("endsAt").asText(""), System.currentTimeMillis()));
          }
        }
      } catch (IOException e) {
        status = 400;
        synchronized (this) {
          malformed.add(e.getMessage());
        }
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  /** The base URL to give the ruler as its Alertmanager. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public synchronized List<ReceivedAlert> alerts() {
    return List.copyOf(alerts);
  }

  /** Bodies that were not Alertmanager's JSON (each one a bug in the sender). */
  public synchronized List<String> malformed() {
    return List.copyOf(malformed);
  }

  /** The distinct {@code startsAt} values of alerts with this alert name: how many times it fired. */
  public synchronized List<String> firings(String alertName) {
    return alerts.stream().filter(alert -> alertName.equals(alert.labels().get("alertname"))).map(ReceivedAlert::startsAt).distinct().sorted().toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.tonari.alerts.delivery.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.Rfc3339;
import dev.tonari.alerts.delivery.receiver.RenderedRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One notification in the outbox: the rendered request, where it is going, how often it was tried,
 * and the notification-log entry it stands for (so that a log lost in a crash is rebuilt from the
 * outbox, see {@link Notifier}).
 *
 * @param id unique across tenants: creation time in milliseconds, a dash, random hex
 * @param receiverKey {@code <receiver>/<type>/<index>}: the integration, as the log keys it
 * @param integrationType {@code slack}, {@code webhook} or {@code google_chat}
 * @param attempts attempts made so far
 * @param nextAttemptAt not tried again before this
 * @param lastError why the last attempt failed; empty before any failure
 */
public record OutboxItem(String id, String tenant, String receiverKey, String integrationType, String groupKey, RenderedRequest request, Instant createdAt,
    int attempts, Instant nextAttemptAt, String lastError, NotificationLog.Entry logEntry) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public OutboxItem withAttempt(int newAttempts, Instant next, String error) {
    return new OutboxItem(id, tenant, receiverKey, integrationType, groupKey, request, createdAt, newAttempts, next, error, logEntry);
  }

  /** The receiver's name (the first part of the receiver key). */
  public String receiver() {
    int slash = receiverKey.indexOf('/');
    return slash < 0 ? receiverKey : receiverKey.substring(0, slash);
  }

  byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id).put("tenant", tenant).put("receiverKey", receiverKey).put("integrationType", integrationType).put("groupKey", groupKey);
    ObjectNode request = node.putObject("request");
    request.put("url", this.request.url()).put("urlFile", this.request.urlFile()).put("urlSuffix", this.request.urlSuffix());
    ObjectNode headers = request.putObject("headers");
    this.request.headers().forEach(headers::put);
    request.put("body", this.request.body());
    this.request.expectedBody().ifPresent(expected -> request.put("expectedBody", expected));
    node.put("createdAt", Rfc3339.format(createdAt)).put("attempts", attempts).put("nextAttemptAt", Rfc3339.format(nextAttemptAt)).put("lastError", lastError);
    ObjectNode log = node.putObject("logEntry");
    logEntry.firing().stream().sorted().forEach(log.putArray("firing")::add);
    logEntry.resolved().stream().sorted().forEach(log.putArray("resolved")::add);
    log.put("timestamp", Rfc3339.format(logEntry.timestamp()));
    return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static OutboxItem fromJson(byte[] bytes) throws java.io.IOException {
    JsonNode node = JSON.readTree(bytes);
    JsonNode request = node.path("request");
    Map<String, String> headers = new LinkedHashMap<>();
    request.path("headers").fields().forEachRemaining(header -> headers.put(header.getKey(), header.getValue().asText()));
    RenderedRequest rendered = new RenderedRequest(request.path("url").asText(), request.path("urlFile").asText(), request.path("urlSuffix").asText(), headers,
        request.path("body").asText(), request.has("expectedBody") ? Optional.of(request.get("expectedBody").asText()) : Optional.empty());
    JsonNode log = node.path("logEntry");
    NotificationLog.Entry entry = new NotificationLog.Entry(NotificationLog.strings(log.path("firing")), NotificationLog.strings(log.path("resolved")),
        Rfc3339.parse(log.path("timestamp").asText()));
    String id = node.path("id").asText();
    if (id.isEmpty() || node.path("tenant").asText().isEmpty()) {
      throw new java.io.IOException("outbox item without id or tenant");
    }
    return new OutboxItem(id, node.path("tenant").asText(), node.path("receiverKey").asText(), node.path("integrationType").asText(), node.path("groupKey").asText(),
        rendered, Rfc3339.parse(node.path("createdAt").asText()), node.path("attempts").asInt(), Rfc3339.parse(node.path("nextAttemptAt").asText()),
        node.path("lastError").asText(), entry);
  }
}

package dev.tonari.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.alerts.history.AlertEpisode;
import dev.tonari.alerts.history.HistoryEntry;
import dev.tonari.alerts.toil.Severity;
import dev.tonari.rules.alert.AlertTransition;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The alert history API's JSON objects. Times are RFC 3339 in UTC; a value that is not a finite
 * number is {@code null}, as JSON has no NaN.
 *
 * <pre>
 * transition: {"episodeId", "time", "namespace", "group", "rule", "from", "to", "value", "labels": {}, "annotations": {}}
 * episode:    {"id", "namespace", "group", "rule", "fingerprint", "severity": "page|ticket|other",
 *              "state": "pending|firing|inactive", "startedAt", "firedAt", "resolvedAt",
 *              "acknowledgedAt", "acknowledgedBy", "acknowledgementComment", "value", "labels": {}, "annotations": {}}
 * </pre>
 */
final class AlertHistoryJson {
  private AlertHistoryJson() {}

  static void write(JsonGenerator json, HistoryEntry entry) throws IOException {
    AlertTransition transition = entry.transition();
    json.writeStartObject();
    json.writeStringField("episodeId", entry.episodeId());
    json.writeStringField("time", transition.at().toString());
    json.writeStringField("namespace", transition.namespace());
    json.writeStringField("group", transition.group());
    json.writeStringField("rule", transition.rule());
    json.writeStringField("from", transition.from().label());
    json.writeStringField("to", transition.to().label());
    writeValue(json, transition.value());
    writeMap(json, "labels", transition.labels());
    writeMap(json, "annotations", transition.annotations());
    json.writeEndObject();
  }

  static void write(JsonGenerator json, AlertEpisode episode) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", episode.id());
    json.writeStringField("namespace", episode.namespace());
    json.writeStringField("group", episode.group());
    json.writeStringField("rule", episode.rule());
    json.writeStringField("fingerprint", episode.fingerprint());
    json.writeStringField("severity", Severity.of(episode.labels()).label());
    json.writeStringField("state", episode.state().label());
    json.writeStringField("startedAt", episode.startedAt().toString());
    writeTime(json, "firedAt", episode.firedAt());
    writeTime(json, "resolvedAt", episode.resolvedAt());
    writeTime(json, "acknowledgedAt", episode.acknowledgement().map(acknowledgement -> acknowledgement.at()));
    json.writeStringField("acknowledgedBy", episode.acknowledgement().map(acknowledgement -> acknowledgement.by()).orElse(null));
    json.writeStringField("acknowledgementComment", episode.acknowledgement().map(acknowledgement -> acknowledgement.comment()).orElse(null));
    writeValue(json, episode.value());
    writeMap(json, "labels", episode.labels());
    writeMap(json, "annotations", episode.annotations());
    json.writeEndObject();
  }

  private static void writeTime(JsonGenerator json, String field, Optional<Instant> time) throws IOException {
    json.writeStringField(field, time.map(Instant::toString).orElse(null));
  }

  private static void writeValue(JsonGenerator json, double value) throws IOException {
    if (Double.isFinite(value)) {
      json.writeNumberField("value", value);
    } else {
      json.writeNullField("value");
    }
  }

  private static void writeMap(JsonGenerator json, String field, Map<String, String> map) throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, String> entry : map.entrySet()) {
      json.writeStringField(entry.getKey(), entry.getValue());
    }
    json.writeEndObject();
  }
}

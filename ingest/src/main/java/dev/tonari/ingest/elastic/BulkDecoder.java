package dev.tonari.ingest.elastic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.agent.FieldMapping;
import dev.tonari.ingest.agent.JsonDocument;
import dev.tonari.ingest.agent.JsonLines;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an Elasticsearch {@code _bulk} body (NDJSON: an action line, then for {@code index},
 * {@code create} and {@code update} a source line) as the bulk API reads it: the body must end in a
 * newline; blank lines are skipped; an action line that is not JSON, or names no known action, is
 * a 400 for the whole body (as Elasticsearch answers {@code illegal_argument_exception}); a source
 * that is not a JSON object, or whose time field is not a time, refuses only its item (as
 * Elasticsearch's per-item {@code mapper_parsing_exception}); {@code update} and {@code delete}
 * refuse their item, since a log store does not change what it stored. Each source is mapped with
 * the {@link FieldMapping}; the item's {@code _index} (else the path's) becomes the {@code index}
 * label.
 *
 * <p>Contract: returns the request or throws {@link PushException} (400); nothing else.
 */
public final class BulkDecoder {
  /** The label the bulk API's {@code _index} becomes. */
  public static final String INDEX_LABEL = "index";

  private BulkDecoder() {}

  /**
   * @param pathIndex the {@code {index}} of {@code /{index}/_bulk}, or null
   */
  public static BulkRequest decode(Body body, String pathIndex, FieldMapping mapping, long nowNanos) throws PushException {
    byte[] bytes = body.bytes();
    int length = body.length();
    if (length > 0 && bytes[length - 1] != '\n') {
      throw new PushException(400, "The bulk request must be terminated by a newline [\\n]");
    }
    List<BulkRequest.Item> items = new ArrayList<>();
    Map<Labels, List<LogEntry>> streams = new LinkedHashMap<>();
    JsonLines lines = new JsonLines(bytes, length);
    while (lines.next()) {
      int lineNumber = lines.lineNumber();
      Action action = readAction(bytes, lines.start(), lines.end(), lineNumber);
      String index = action.index().isEmpty() && pathIndex != null ? pathIndex : action.index();
      if (action.name().equals("delete")) {
        items.add(new BulkRequest.Item("delete", index, action.id(), refusedChange("delete", lineNumber)));
        continue;
      }
      if (!lines.next()) {
        throw new PushException(400, "Validation Failed: 1: no requests added; the " + action.name() + " action on line " + lineNumber
            + " has no source line");
      }
      if (action.name().equals("update")) {
        items.add(new BulkRequest.Item("update", index, action.id(), refusedChange("update", lineNumber)));
        continue;
      }
      Map<String, String> fields;
      try {
        fields = JsonDocument.flatten(bytes, lines.start(), lines.end());
      } catch (JsonDocument.DocumentException e) {
        items.add(new BulkRequest.Item(action.name(), index, action.id(),
            new BulkRequest.ItemError(400, "document_parsing_exception", "failed to parse the source on line " + lines.lineNumber() + ": " + e.getMessage())));
        continue;
      }
      int sourceStart = lines.start();
      int sourceEnd = lines.end();
      java.util.function.Supplier<String> raw = () -> new String(bytes, sourceStart, sourceEnd - sourceStart, StandardCharsets.UTF_8);
      FieldMapping itemMapping = index.isEmpty() ? mapping : mapping.withExtraLabels(withIndex(mapping.extraLabels(), index));
      FieldMapping.MappedDocument document;
      try {
        document = itemMapping.map(fields, raw, nowNanos);
      } catch (IllegalArgumentException e) {
        items.add(new BulkRequest.Item(action.name(), index, action.id(),
            new BulkRequest.ItemError(400, "document_parsing_exception", "line " + lines.lineNumber() + ": " + e.getMessage())));
        continue;
      }
      streams.computeIfAbsent(document.stream(), key -> new ArrayList<>()).add(document.entry());
      items.add(new BulkRequest.Item(action.name(), index, action.id(), null));
    }
    List<StreamBatch> batches = new ArrayList<>(streams.size());
    streams.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
    return new BulkRequest(new PushRequest(batches), items);
  }

  private static Map<String, String> withIndex(Map<String, String> labels, String index) {
    Map<String, String> copy = new LinkedHashMap<>(labels);
    copy.put(INDEX_LABEL, index);
    return copy;
  }

  private static BulkRequest.ItemError refusedChange(String action, int lineNumber) {
    return new BulkRequest.ItemError(400, "action_request_validation_exception",
        action + " (line " + lineNumber + ") is not supported: logs are append-only here; use index or create");
  }

  private record Action(String name, String index, String id) {}

  private static Action readAction(byte[] bytes, int from, int to, int lineNumber) throws PushException {
    try (JsonParser parser = JsonDocument.parser(bytes, from, to)) {
      if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
        throw malformedAction(lineNumber, "expected an object such as {\"create\":{}}");
      }
      String name = parser.currentName();
      if (!name.equals("index") && !name.equals("create") && !name.equals("update") && !name.equals("delete")) {
        throw new PushException(400, "Malformed action/metadata line [" + lineNumber + "], expected one of [create, delete, index, update] but found ["
            + name + "]");
      }
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw malformedAction(lineNumber, "the " + name + " action must map to an object");
      }
      String index = "";
      String id = "";
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken value = parser.nextToken();
        if (key.equals("_index") && value == JsonToken.VALUE_STRING) {
          index = parser.getText();
        } else if (key.equals("_id") && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
          id = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw malformedAction(lineNumber, "an action line holds exactly one action");
      }
      return new Action(name, index, id);
    } catch (IOException e) {
      throw malformedAction(lineNumber, JsonDocument.firstLine(e.getMessage()));
    }
  }

  private static PushException malformedAction(int lineNumber, String what) {
    return new PushException(400, "Malformed action/metadata line [" + lineNumber + "]: " + what);
  }
}

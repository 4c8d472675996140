package dev.tonari.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.BodyDecompression;
import dev.tonari.ingest.agent.FieldMapping;
import dev.tonari.ingest.elastic.BulkDecoder;
import dev.tonari.ingest.elastic.BulkRequest;
import dev.tonari.tenancy.config.TenantLimits;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of Elasticsearch's API that log shippers (Filebeat, Logstash, Fluent Bit's {@code es}
 * output, Vector's {@code elasticsearch} sink) need: {@code GET|HEAD /} with an Elasticsearch-like
 * version and the {@code X-Elastic-Product: Elasticsearch} header their client libraries check,
 * {@code GET /_license}, {@code GET /_cluster/health}, and {@code POST /_bulk} and {@code /{index}/_bulk}.
 *
 * <p>A bulk answer is 200 with {@code took}, {@code errors} and one item per action in request
 * order: 201 {@code created} for stored {@code index}/{@code create} items, the decoder's per-item
 * error for the others. A malformed body (action line, missing final newline) is a 400 with an
 * Elasticsearch error object. When storing fails as a whole with a retryable status (429, 500,
 * 503) the whole request gets it, so the shipper retries the batch; when the validator refuses
 * some entries (too old, line too long), every stored item's status becomes that 400 and reason,
 * since a push is validated as a whole and the answer cannot tell which ones were kept.
 */
final class ElasticHandlers {
  /** The version claimed: new enough for Filebeat 8 and Logstash 8's version checks. */
  static final String ELASTIC_VERSION = "8.17.0";
  static final String PRODUCT_HEADER = "X-Elastic-Product";

  private static final JsonFactory JSON = new JsonFactory();
  private final AgentPushSupport support;
  private final String clusterUuid = UUID.nameUUIDFromBytes("tonari".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  private final AtomicLong sequence = new AtomicLong();

  ElasticHandlers(AgentPushSupport support) {
    this.support = support;
  }

  void root(Context ctx) throws IOException {
    ctx.header(PRODUCT_HEADER, "Elasticsearch").contentType("application/json");
    if (ctx.method().name().equals("HEAD")) {
      ctx.status(200);
      return;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("name", "tonari");
      json.writeStringField("cluster_name", "tonari");
      json.writeStringField("cluster_uuid", clusterUuid);
      json.writeObjectFieldStart("version");
      json.writeStringField("number", ELASTIC_VERSION);
      json.writeStringField("build_flavor", "default");
      json.writeStringField("build_type", "tonari");
      json.writeStringField("build_hash", TonariServer.VERSION);
      json.writeStringField("build_date", "2024-12-11T12:08:05.663969764Z");
      json.writeBooleanField("build_snapshot", false);
      json.writeStringField("lucene_version", "9.12.0");
      json.writeStringField("minimum_wire_compatibility_version", "7.17.0");
      json.writeStringField("minimum_index_compatibility_version", "7.0.0");
      json.writeEndObject();
      json.writeStringField("tagline", "You Know, for Search");
      json.writeEndObject();
    }
    ctx.result(bytes.toByteArray());
  }

  void license(Context ctx) throws IOException {
    ctx.header(PRODUCT_HEADER, "Elasticsearch").contentType("application/json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeObjectFieldStart("license");
      json.writeStringField("status", "active");
      json.writeStringField("uid", clusterUuid);
      json.writeStringField("type", "basic");
      json.writeStringField("issue_date", "2024-01-01T00:00:00.000Z");
      json.writeNumberField("issue_date_in_millis", 1704067200000L);
      json.writeNumberField("max_nodes", 1000);
      json.writeStringField("issued_to", "tonari");
      json.writeStringField("issuer", "elasticsearch");
      json.writeNumberField("start_date_in_millis", -1);
      json.writeEndObject();
      json.writeEndObject();
    }
    ctx.result(bytes.toByteArray());
  }

  /** {@code GET /_cluster/health}: Vector's elasticsearch sink calls it as its health check. */
  void clusterHealth(Context ctx) throws IOException {
    ctx.header(PRODUCT_HEADER, "Elasticsearch").contentType("application/json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("cluster_name", "tonari");
      json.writeStringField("status", "green");
      json.writeBooleanField("timed_out", false);
      json.writeNumberField("number_of_nodes", 1);
      json.writeNumberField("number_of_data_nodes", 1);
      json.writeEndObject();
    }
    ctx.result(bytes.toByteArray());
  }

  void bulk(Context ctx) throws IOException {
    long started = System.nanoTime();
    int status = pushBulk(ctx, started);
    support.recordPush(status, started);
  }

  private int pushBulk(Context ctx, long started) throws IOException {
    ctx.header(PRODUCT_HEADER, "Elasticsearch");
    BulkRequest bulk;
    try {
      byte[] body = support.readBody(ctx);
      BodyDecompression.Body decompressed = BodyDecompression.decompress(ctx.header("Content-Encoding"), body, support.maxBodyBytes(),
          AgentPushSupport.BODY_LIMIT_KEY);
      TenantLimits limits = support.limitsOf(ctx);
      FieldMapping mapping = AgentPushSupport.fieldMapping(ctx, limits);
      String pathIndex = ctx.pathParamMap().get("index");
      bulk = BulkDecoder.decode(decompressed, pathIndex, mapping, support.nowNanos());
    } catch (PushException e) {
      return error(ctx, e.status(), e.status() == 413 ? "content_too_long_exception" : "illegal_argument_exception", e.getMessage());
    }
    int itemStatus = 201;
    String itemReason = null;
    if (bulk.decodedItems() > 0) {
      PushHandler.Outcome outcome = support.store(ctx, bulk.request());
      if (outcome.status() == 429 || outcome.status() >= 500) {
        return error(ctx, outcome.status(), outcome.status() == 429 ? "es_rejected_execution_exception" : "exception", outcome.message());
      }
      if (outcome.status() != 204) {
        itemStatus = outcome.status();
        itemReason = outcome.message();
      }
    }
    writeItems(ctx, bulk, itemStatus, itemReason, started);
    return 200;
  }

  private void writeItems(Context ctx, BulkRequest bulk, int storedStatus, String storedReason, long started) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + bulk.items().size() * 160);
    boolean errors = storedReason != null;
    for (BulkRequest.Item item : bulk.items()) {
      errors |= item.error() != null;
    }
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeNumberField("took", Math.max(0, (System.nanoTime() - started) / 1_000_000));
      json.writeBooleanField("errors", errors);
      json.writeArrayFieldStart("items");
      for (BulkRequest.Item item : bulk.items()) {
        json.writeStartObject();
        json.writeObjectFieldStart(item.action());
        json.writeStringField("_index", item.index());
        json.writeStringField("_id", item.id().isEmpty() ? UUID.randomUUID().toString() : item.id());
        if (item.error() != null) {
          writeError(json, item.error().status(), item.error().type(), item.error().reason());
        } else if (storedReason != null) {
          writeError(json, storedStatus, "illegal_argument_exception", storedReason);
        } else {
          json.writeNumberField("_version", 1);
          json.writeStringField("result", "created");
          json.writeObjectFieldStart("_shards");
          json.writeNumberField("total", 1);
          json.writeNumberField("successful", 1);
          json.writeNumberField("failed", 0);
          json.writeEndObject();
          json.writeNumberField("_seq_no", sequence.getAndIncrement());
          json.writeNumberField("_primary_term", 1);
          json.writeNumberField("status", 201);
        }
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    ctx.status(200).contentType("application/json").result(bytes.toByteArray());
  }

  private static void writeError(JsonGenerator json, int status, String type, String reason) throws IOException {
    json.writeNumberField("status", status);
    json.writeObjectFieldStart("error");
    json.writeStringField("type", type);
    json.writeStringField("reason", reason);
    json.writeEndObject();
  }

  /** Elasticsearch's error object: {@code {"error":{"root_cause":[...],"type","reason"},"status"}}. */
  private static int error(Context ctx, int status, String type, String reason) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeObjectFieldStart("error");
      json.writeArrayFieldStart("root_cause");
      json.writeStartObject();
      json.writeStringField("type", type);
      json.writeStringField("reason", reason);
      json.writeEndObject();
      json.writeEndArray();
      json.writeStringField("type", type);
      json.writeStringField("reason", reason);
      json.writeEndObject();
      json.writeNumberField("status", status);
      json.writeEndObject();
    }
    if (status == 429 || status == 503) {
      ctx.header("Retry-After", "1");
    }
    ctx.status(status).contentType("application/json").result(bytes.toByteArray());
    return status;
  }
}

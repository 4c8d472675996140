package dev.tonari.server;

import com.google.protobuf.CodedOutputStream;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.otlp.OtlpDecoder;
import dev.tonari.ingest.otlp.OtlpDecoder.Format;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * {@code POST /otlp/v1/logs} (and {@code /otlp/v1/logs/}), as Loki 3's OTLP endpoint: protobuf or
 * OTLP/JSON under gzip, zstd, deflate or none, mapped by the tenant's {@code otlp_config}, then
 * pushed as a Loki push is. 204 on success, as Loki answers. Errors are {@code google.rpc.Status}
 * in the request's format (protobuf for protobuf, JSON otherwise) with the gRPC code that matches
 * the HTTP status; 429 and 503 carry {@code Retry-After}, so OTLP exporters retry them (and only
 * them, with 502 and 504, as the OTLP/HTTP specification says).
 */
final class OtlpPushHandler {
  private static final JsonFactory JSON = new JsonFactory();

  private final AgentPushSupport support;

  OtlpPushHandler(AgentPushSupport support) {
    this.support = support;
  }

  void handle(Context ctx) {
    long started = System.nanoTime();
    int status = push(ctx);
    support.recordPush(status, started);
  }

  private int push(Context ctx) {
    Format format = Format.of(ctx.header("Content-Type"));
    try {
      byte[] body = support.readBody(ctx);
      PushRequest request = OtlpDecoder.decode(ctx.header("Content-Type"), ctx.header("Content-Encoding"), body, support.maxBodyBytes(),
          AgentPushSupport.BODY_LIMIT_KEY, AgentPushSupport.otlpMapping(support.limitsOf(ctx)), support.nowNanos());
      PushHandler.Outcome outcome = support.store(ctx, request);
      if (outcome.status() == 204) {
        ctx.status(204);
        return 204;
      }
      return answer(ctx, format, outcome.status(), outcome.message());
    } catch (PushException e) {
      return answer(ctx, format, e.status(), e.getMessage());
    }
  }

  /** The gRPC code of {@code google.rpc.Status} for an HTTP status (the mapping gRPC gateways use). */
  static int grpcCode(int httpStatus) {
    return switch (httpStatus) {
      case 400, 413, 415 -> 3; // INVALID_ARGUMENT
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 5; // NOT_FOUND
      case 429 -> 8; // RESOURCE_EXHAUSTED
      case 501 -> 12; // UNIMPLEMENTED
      case 503 -> 14; // UNAVAILABLE
      case 504 -> 4; // DEADLINE_EXCEEDED
      default -> httpStatus >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
    };
  }

  private static int answer(Context ctx, Format format, int status, String message) {
    ctx.status(status);
    if (status == 429 || status == 503) {
      ctx.header("Retry-After", "1");
    }
    if (format == Format.PROTOBUF) {
      ctx.contentType("application/x-protobuf").result(statusProtobuf(grpcCode(status), message));
    } else {
      ctx.contentType("application/json").result(statusJson(grpcCode(status), message));
    }
    return status;
  }

  /** {@code google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }}. */
  static byte[] statusProtobuf(int code, String message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  static String statusJson(int code, String message) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      json.writeNumberField("code", code);
      json.writeStringField("message", message);
      json.writeArrayFieldStart("details");
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return text.toString();
  }
}

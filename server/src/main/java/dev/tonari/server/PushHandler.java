package dev.tonari.server;

import dev.tonari.ingest.Limits;
import dev.tonari.ingest.PushDecoder;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.PushValidator;
import dev.tonari.ingest.ValidationResult;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.StreamBatch;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /loki/api/v1/push}: tenant from {@code X-Scope-OrgID}, body read up to the limit,
 * decoded, validated, the accepted entries stored durably, then 204; or Loki's status and plain
 * text message. When some entries are refused, the good ones are stored first and the answer is
 * 400 with the validator's message saying how many were refused and why, as Loki does.
 */
final class PushHandler {
  private static final Logger log = LoggerFactory.getLogger(PushHandler.class);

  private final LogStore store;
  private final PushValidator validator;
  private final Limits limits;
  private final ServerMetrics metrics;

  PushHandler(LogStore store, PushValidator validator, Limits limits, ServerMetrics metrics) {
    this.store = store;
    this.validator = validator;
    this.limits = limits;
    this.metrics = metrics;
  }

  void handle(Context ctx) {
    long started = System.nanoTime();
    int status = push(ctx);
    metrics.recordPush(status, System.nanoTime() - started);
  }

  private int push(Context ctx) {
    String tenant;
    try {
      tenant = TenantIds.fromHeader(ctx.header("X-Scope-OrgID"));
    } catch (TenantIds.InvalidTenantException e) {
      return answer(ctx, 400, e.getMessage());
    }
    byte[] body;
    try {
      body = readBody(ctx);
    } catch (PushException e) {
      return answer(ctx, e.status(), e.getMessage());
    } catch (IOException e) {
      return answer(ctx, 400, "error reading push request body of tenant " + tenant + ": " + e.getMessage());
    }
    PushRequest request;
    try {
      request = PushDecoder.decode(ctx.header("Content-Type"), ctx.header("Content-Encoding"), body, limits.maxBodyBytes());
    } catch (PushException e) {
      return answer(ctx, e.status(), e.getMessage());
    }
    ValidationResult result = validator.validate(tenant, request, limits);
    List<StreamBatch> accepted = result.accepted();
    if (!accepted.isEmpty()) {
      try {
        store.append(tenant, accepted);
      } catch (IOException | RuntimeException e) {
        log.error("storing a push of tenant {} ({} streams) failed", tenant, accepted.size(), e);
        return answer(ctx, 500, "storing the push of tenant " + tenant + " failed: " + e.getMessage());
      }
      metrics.recordIngested(tenant, result.acceptedEntries(), lineBytes(accepted));
    }
    if (result.rejectedEntries() > 0) {
      metrics.recordRefused(tenant, refusalReason(result.reasons()), result.rejectedEntries());
    }
    if (result.status() == 204) {
      ctx.status(204);
      return 204;
    }
    return answer(ctx, result.status(), result.message());
  }

  /** Reads at most the limit plus one byte, so an oversized body costs no more than the limit. */
  private byte[] readBody(Context ctx) throws IOException, PushException {
    long limit = Math.min(limits.maxBodyBytes(), Integer.MAX_VALUE - 16);
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw tooLarge(declared, limit);
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] body = in.readNBytes((int) limit + 1);
      if (body.length > limit) {
        throw tooLarge(body.length, limit);
      }
      return body;
    }
  }

  private static PushException tooLarge(long size, long limit) {
    String sizeText = size > limit ? "more than " + limit : Long.toString(size);
    return new PushException(413, "request body too large: " + sizeText + " bytes, limit (limits.max_push_body_size) is " + limit + " bytes");
  }

  private static int answer(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    return status;
  }

  private static long lineBytes(List<StreamBatch> batches) {
    long bytes = 0;
    for (StreamBatch batch : batches) {
      for (LogEntry entry : batch.entries()) {
        bytes += utf8Length(entry.line());
      }
    }
    return bytes;
  }

  /**
   * Loki's {@code reason} label for its discarded-samples metric, recognised from the validator's
   * messages (Loki's texts). The validator reports messages, not counts per reason, so a request
   * refused for several kinds of problem is counted under {@code multiple}.
   */
  static String refusalReason(List<String> messages) {
    String reason = null;
    for (String message : messages) {
      String kind = reasonOf(message);
      if (reason == null) {
        reason = kind;
      } else if (!reason.equals(kind)) {
        return "multiple";
      }
    }
    return reason == null ? "other" : reason;
  }

  static String reasonOf(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (text.startsWith("max entry size")) {
      return "line_too_long";
    } else if (text.contains("timestamp too old")) {
      return "greater_than_max_sample_age";
    } else if (text.contains("timestamp too new")) {
      return "too_far_in_future";
    } else if (text.contains("label names; limit")) {
      return "max_label_names_per_series";
    } else if (text.contains("label name too long")) {
      return "label_name_too_long";
    } else if (text.contains("label value too long")) {
      return "label_value_too_long";
    } else if (text.contains("duplicate label name")) {
      return "duplicate_label_names";
    } else if (text.contains("at least one label pair")) {
      return "missing_labels";
    } else if (text.contains("error parsing labels")) {
      return "invalid_labels";
    }
    return "other";
  }

  static int utf8Length(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}

package dev.tonari.server;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.BodyDecompression;
import dev.tonari.ingest.jsonlines.JsonLinesDecoder;
import io.javalin.http.Context;

/**
 * {@code POST /tonari/api/v1/push/jsonl}: one JSON object per line (VictoriaLogs' {@code
 * /insert/jsonline}), for {@code curl} and Vector's {@code http} sink, with the field mapping of
 * {@link AgentPushSupport#fieldMapping}. 204 when every line was stored; a line that is not a JSON
 * object is refused alone (400 naming its line, the good lines stored), as Loki keeps the good
 * entries of a push; otherwise the push's own status (429 to retry, 413, ...).
 */
final class JsonLinesPushHandler {
  private final AgentPushSupport support;

  JsonLinesPushHandler(AgentPushSupport support) {
    this.support = support;
  }

  void handle(Context ctx) {
    long started = System.nanoTime();
    int status = push(ctx);
    support.recordPush(status, started);
  }

  private int push(Context ctx) {
    JsonLinesDecoder.Result result;
    try {
      byte[] body = support.readBody(ctx);
      BodyDecompression.Body decompressed = BodyDecompression.decompress(ctx.header("Content-Encoding"), body, support.maxBodyBytes(),
          AgentPushSupport.BODY_LIMIT_KEY);
      result = JsonLinesDecoder.decode(decompressed, AgentPushSupport.fieldMapping(ctx, support.limitsOf(ctx)), support.nowNanos());
    } catch (PushException e) {
      return answer(ctx, e.status(), e.getMessage());
    }
    PushHandler.Outcome outcome = result.request().streams().isEmpty() ? PushHandler.Outcome.STORED : support.store(ctx, result.request());
    if (result.refusedLines() == 0) {
      if (outcome.status() == 204) {
        ctx.status(204);
        return 204;
      }
      return answer(ctx, outcome.status(), outcome.message());
    }
    StringBuilder message = new StringBuilder().append(result.refusedLines()).append(result.refusedLines() == 1 ? " line" : " lines")
        .append(" refused, not JSON objects or with a bad time field:");
    for (String problem : result.problems()) {
      message.append('\n').append(problem);
    }
    if (outcome.status() != 204) {
      message.append('\n').append(outcome.message());
    }
    int status = outcome.status() == 204 ? 400 : Math.max(400, outcome.status());
    return answer(ctx, status, message.toString());
  }

  private static int answer(Context ctx, int status, String message) {
    if (status == 429 || status == 503) {
      ctx.header("Retry-After", "1");
    }
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    return status;
  }
}

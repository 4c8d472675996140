package dev.tonari.server;

import dev.tonari.logql.Expr;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.LogqlPrinter;
import dev.tonari.query.QueryException;
import io.javalin.http.Context;

/**
 * {@code GET|POST /loki/api/v1/format_query?query=...}: the query in canonical form, {@code
 * {"status":"success","data":"{app=\"api\"} |= \"error\""}}, as {@link LogqlPrinter} prints it
 * (one line, where Loki's pretty printer may break a long query over several). A query that does
 * not parse is a 400 with the parser's Loki-style message.
 */
final class FormatQueryHandler {
  private final ServerMetrics metrics;

  FormatQueryHandler(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  void handle(Context ctx) {
    JsonEndpoint.serve(ctx, "format_query", metrics, (c, tenant, out) -> ReadApiJson.writeFormattedQuery(out, format(QueryHandlers.param(c, "query"))));
  }

  /** The canonical text of a query. */
  static String format(String query) throws QueryException {
    // Loki parses an absent query as the empty string, which is a parse error.
    String text = query == null ? "" : query;
    try {
      Expr expr = LogqlParser.parse(text);
      return LogqlPrinter.print(expr);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }
}

package dev.tonari.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * The demo's webhook receiver: a loopback HTTP endpoint that takes Alertmanager's webhook JSON (what
 * Tonari's built-in notifier and Alertmanager both send to a {@code webhook_configs} receiver) and
 * prints one line per alert to the console, so a newcomer sees a notification arrive without
 * setting up a chat room.
 *
 * <p>It reads only what it prints ({@code status}, {@code receiver}, and each alert's {@code
 * status}, labels and {@code summary} annotation); anything else in the body is skipped, and a body
 * that is not such JSON gets a 400 with the parser's message.
 */
final class ConsoleWebhookReceiver implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final HttpServer server;
  private final PrintStream out;
  private final Terminal terminal;

  private ConsoleWebhookReceiver(HttpServer server, PrintStream out, Terminal terminal) {
    this.server = server;
    this.out = out;
    this.terminal = terminal;
  }

  /** Starts on 127.0.0.1 with a free port; the URL to configure is {@link #url()}. */
  static ConsoleWebhookReceiver start(PrintStream out, Terminal terminal) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    ConsoleWebhookReceiver receiver = new ConsoleWebhookReceiver(server, out, terminal);
    server.createContext("/", receiver::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return receiver;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        respond(exchange, 405, "the demo's webhook receiver takes POST with Alertmanager's webhook JSON\n");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        respond(exchange, 413, "webhook body over " + MAX_BODY_BYTES + " bytes\n");
        return;
      }
      List<String> lines;
      try {
        lines = render(body);
      } catch (IOException e) {
        respond(exchange, 400, "not Alertmanager's webhook JSON: " + e.getMessage() + "\n");
        return;
      }
      synchronized (out) {
        lines.forEach(out::println);
      }
      respond(exchange, 200, "ok\n");
    }
  }

  /** One line per alert: {@code [receiver] FIRING alertname {labels} summary}. */
  List<String> render(byte[] body) throws IOException {
    String receiver = "";
    List<Alert> alerts = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "receiver" -> receiver = parser.getValueAsString("");
          case "alerts" -> {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
              throw new IOException("alerts must be an array");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
              alerts.add(readAlert(parser));
            }
          }
          default -> parser.skipChildren();
        }
      }
    }
    List<String> lines = new ArrayList<>();
    for (Alert alert : alerts) {
      boolean firing = alert.status.equals("firing");
      String state = terminal.paint(firing ? Terminal.RED + Terminal.BOLD : Terminal.GREEN, firing ? "FIRING  " : "RESOLVED");
      Map<String, String> labels = new TreeMap<>(alert.labels);
      String name = labels.remove("alertname");
      String summary = alert.annotations.getOrDefault("summary", alert.annotations.getOrDefault("description", ""));
      lines.add(terminal.paint(Terminal.DIM, "[webhook " + receiver + "]") + " " + state + " " + terminal.paint(Terminal.BOLD, name == null ? "?" : name)
          + " " + terminal.paint(Terminal.CYAN, labels.toString()) + (summary.isEmpty() ? "" : " " + summary));
    }
    return lines;
  }

  private record Alert(String status, Map<String, String> labels, Map<String, String> annotations) {}

  private static Alert readAlert(JsonParser parser) throws IOException {
    String status = "";
    Map<String, String> labels = Map.of();
    Map<String, String> annotations = Map.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "status" -> status = parser.getValueAsString("");
        case "labels" -> labels = readStrings(parser);
        case "annotations" -> annotations = readStrings(parser);
        default -> parser.skipChildren();
      }
    }
    return new Alert(status, labels, annotations);
  }

  private static Map<String, String> readStrings(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new IOException("labels and annotations must be objects of strings");
    }
    Map<String, String> values = new TreeMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      values.put(name, parser.getValueAsString(""));
    }
    return values;
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.tonari.cluster.querier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server on loopback and a free port that mounts a {@link HeadQueryService} on {@link
 * HeadProtocol#PATH} the way the server module does: 400 for a bad request, 500 when the head
 * cannot be read, the answer streamed with chunked encoding.
 */
final class LoopbackHeadServer implements AutoCloseable {
  static {
    // The JDK server leaves Nagle on by default: a small answer's last chunk then waits for the
    // client's delayed ACK (tens of ms per call), which made the tests slow, not wrong.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile HeadQueryService service;

  LoopbackHeadServer(HeadQueryService service) throws IOException {
    this.service = service;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(HeadProtocol.PATH, this::handle);
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void replace(HeadQueryService next) {
    service = next;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      HeadQueryService current = service;
      if (current == null) {
        sendText(exchange, 503, "the head query service is not started yet");
        return;
      }
      byte[] request;
      try (InputStream body = exchange.getRequestBody()) {
        request = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, current.maxRequestBytes() + 1));
      }
      HeadQueryService.Answer answer;
      try {
        answer = current.answer(exchange.getRequestHeaders().getFirst(HeadProtocol.TOKEN_HEADER), request);
      } catch (HeadAccessDeniedException e) {
        sendText(exchange, 401, e.getMessage());
        return;
      } catch (HeadProtocolException e) {
        sendText(exchange, 400, e.getMessage());
        return;
      } catch (IOException e) {
        sendText(exchange, 500, e.getMessage());
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", HeadProtocol.CONTENT_TYPE);
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        answer.writeTo(out);
      }
    }
  }

  private static void sendText(HttpExchange exchange, int status, String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

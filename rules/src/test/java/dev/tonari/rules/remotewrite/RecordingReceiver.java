package dev.tonari.rules.remotewrite;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A remote-write receiver for tests: the JDK's HTTP server on 127.0.0.1 and a free port, answering
 * each POST with the next scripted {@link Answer} (200 once the script is used up) and keeping
 * every request's headers and decoded body.
 */
final class RecordingReceiver implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** An answer to one request; {@code hold}, when set, is awaited before answering. */
  record Answer(int status, Map<String, String> headers, String body, CountDownLatch hold) {
    static Answer of(int status) {
      return new Answer(status, Map.of(), "", null);
    }

    static Answer of(int status, String body) {
      return new Answer(status, Map.of(), body, null);
    }
  }

  /** One request as received. */
  record Received(Headers headers, byte[] body, List<WriteRequestDecoder.Series> series) {
    String header(String name) {
      return headers.getFirst(name);
    }

    List<Double> values() {
      List<Double> values = new ArrayList<>();
      series.forEach(one -> one.samples().forEach(sample -> values.add(sample.value())));
      return values;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Answer> script = new LinkedBlockingQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Received> arrivals = new LinkedBlockingQueue<>();

  RecordingReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/write", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write");
  }

  void answer(Answer... answers) {
    script.addAll(List.of(answers));
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The next request to arrive, waiting at most {@link #WAIT}. */
  Received next() throws InterruptedException {
    Received next = arrivals.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (next == null) {
      throw new AssertionError("no remote-write request arrived within " + WAIT);
    }
    return next;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Received request;
      try {
        request = new Received(exchange.getRequestHeaders(), body, WriteRequestDecoder.decodeCompressed(body));
      } catch (IOException e) {
        byte[] message = ("undecodable body: " + e).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(422, message.length);
        exchange.getResponseBody().write(message);
        throw e;
      }
      received.add(request);
      arrivals.add(request);
      Answer answer = script.poll();
      if (answer == null) {
        answer = Answer.of(200);
      }
      if (answer.hold() != null && !answer.hold().await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the test never released a held answer");
      }
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while holding an answer", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

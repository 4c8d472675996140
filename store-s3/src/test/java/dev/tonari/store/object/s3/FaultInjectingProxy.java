package dev.tonari.store.object.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A TCP proxy on 127.0.0.1 between an S3 client and s3proxy that injects faults per request:
 * error statuses (500, 503 SlowDown), connection resets, delays, and requests dropped on the
 * floor. It reads each request's head and body (by Content-Length), then either answers with the
 * fault or forwards it unchanged (the Host header included, so AWS signatures still verify) on a
 * fresh upstream connection with {@code Connection: close}, and pipes the answer back.
 *
 * <p>Faults are rules matched in order against "METHOD path?query"; each fires a given number of
 * times. Every request seen is recorded.
 */
public final class FaultInjectingProxy implements AutoCloseable {
  /** What to do with a matching request. */
  public enum Fault {
    /** 500 InternalError. */
    INTERNAL_ERROR,
    /** 503 SlowDown, S3's throttling answer. */
    SLOW_DOWN,
    /** Close the connection with a TCP reset after reading the request. */
    RESET,
    /** Wait {@code delayMillis} before forwarding. */
    DELAY,
    /** Read the request and close the connection without an answer, never forwarding it. */
    DROP
  }

  private record Rule(Predicate<String> matches, Fault fault, long delayMillis, AtomicInteger remaining) {}

  private final ServerSocket listener;
  private final int upstreamPort;
  private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger faultsInjected = new AtomicInteger();
  private volatile boolean closed;

  public FaultInjectingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Injects the fault into the next {@code times} requests whose "METHOD path?query" matches. */
  public FaultInjectingProxy inject(Predicate<String> matches, Fault fault, int times) {
    rules.add(new Rule(matches, fault, 0, new AtomicInteger(times)));
    return this;
  }

  public FaultInjectingProxy delay(Predicate<String> matches, long millis, int times) {
    rules.add(new Rule(matches, Fault.DELAY, millis, new AtomicInteger(times)));
    return this;
  }

  public void clearFaults() {
    rules.clear();
  }

  /** "METHOD path?query" of every request seen, in arrival order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  public int faultsInjected() {
    return faultsInjected.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("fault proxy accept failed: " + e);
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String headText = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = headText.substring(0, headText.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      String request = parts[0] + " " + parts[1];
      requests.add(request);
      long contentLength = contentLength(headText);
      if (headText.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue")) {
        // Answer the interim response here; the forwarded request goes without Expect.
        client.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
      }
      byte[] body = in.readNBytes((int) contentLength);
      Rule rule = firstFiring(request);
      if (rule != null) {
        faultsInjected.incrementAndGet();
        switch (rule.fault()) {
          case INTERNAL_ERROR -> { answer(client, 500, "Internal Server Error", "InternalError", "injected"); return; }
          case SLOW_DOWN -> { answer(client, 503, "Slow Down", "SlowDown", "Please reduce your request rate (injected)"); return; }
          case RESET -> { client.setSoLinger(true, 0); return; }
          case DROP -> { return; }
          case DELAY -> sleep(rule.delayMillis());
          default -> throw new IllegalStateException("unknown fault " + rule.fault());
        }
      }
      forward(client, headText, body);
    } catch (IOException e) {
      // The client gave up (its attempt timed out) or the upstream closed: nothing to answer.
    }
  }

  private Rule firstFiring(String request) {
    for (Rule rule : rules) {
      if (rule.matches().test(request) && rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        return rule;
      }
    }
    return null;
  }

  private void forward(Socket client, String headText, byte[] body) throws IOException {
    try (Socket upstream = new Socket()) {
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
      OutputStream toUpstream = upstream.getOutputStream();
      toUpstream.write(withConnectionClose(headText).getBytes(StandardCharsets.ISO_8859_1));
      toUpstream.write(body);
      toUpstream.flush();
      // One request per connection: the client sees "Connection: close" and opens a new one.
      upstream.getInputStream().transferTo(client.getOutputStream());
      client.getOutputStream().flush();
    }
  }

  private static String withConnectionClose(String headText) {
    StringBuilder out = new StringBuilder();
    String[] lines = headText.split("\r\n");
    for (String line : lines) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (line.isEmpty() || lower.startsWith("connection:") || lower.startsWith("expect:")) {
        continue;
      }
      out.append(line).append("\r\n");
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  private static void answer(Socket client, int status, String reason, String code, String message) throws IOException {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
        + "</Message><RequestId>fault-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
      if (head.size() > 64 * 1024) {
        throw new IOException("request head over 64 KiB");
      }
    }
    return null;
  }

  private static long contentLength(String headText) throws IOException {
    for (String line : headText.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).trim());
      }
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        throw new IOException("chunked request bodies are not supported by the fault proxy");
      }
    }
    return 0;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    connections.shutdownNow();
  }
}

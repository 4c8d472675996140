package dev.tonari.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An S3 endpoint for server tests (the real S3-compatible server, s3proxy, runs in the
 * tonari-store-s3 tests; its Jetty would clash with the server's): a JDK HTTP server on 127.0.0.1
 * that knows one bucket, which holds no objects, and can be told the bucket is gone. Enough for
 * start-up checks, the empty catalogue listing, and /ready.
 */
final class FakeS3Endpoint implements AutoCloseable {
  private final HttpServer server;
  private final String bucket;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile boolean bucketExists = true;

  FakeS3Endpoint(String bucket) throws IOException {
    this.bucket = bucket;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      exchange.getRequestBody().readAllBytes();
      byte[] body;
      int status;
      if (!bucketExists || !(path.equals("/" + bucket) || path.equals("/" + bucket + "/"))) {
        status = 404;
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
            + "<BucketName>" + bucket + "</BucketName></Error>").getBytes(StandardCharsets.UTF_8);
      } else if (exchange.getRequestMethod().equals("HEAD")) {
        status = 200;
        body = new byte[0];
      } else {
        status = 200;
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + bucket
            + "</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>")
            .getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/xml");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
      } else {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void deleteBucket() {
    bucketExists = false;
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

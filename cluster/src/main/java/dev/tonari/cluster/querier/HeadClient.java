package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The querier's side of the head protocol over HTTP, with the JDK's client. Every call is bounded
 * in time (the whole exchange, body included, not only until the headers) and in response bytes.
 */
public final class HeadClient implements AutoCloseable {
  /** Bytes of an error body kept for the message. */
  private static final int ERROR_BODY_BYTES = 4096;

  private final HttpClient http;
  private final long maxResponseBytes;
  private final Duration timeout;
  private final String internalToken;

  /** A client with the querier's limits and the cluster's internal token ({@link ClusterQuerierConfig}). */
  public HeadClient(ClusterQuerierConfig config) {
    this(config.maxHeadResponseBytes(), config.ingesterTimeout(), config.internalToken());
  }

  public HeadClient(long maxResponseBytes, Duration timeout, String internalToken) {
    this(HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build(), maxResponseBytes, timeout, internalToken);
  }

  public HeadClient(HttpClient http, long maxResponseBytes, Duration timeout, String internalToken) {
    if (internalToken == null || internalToken.isBlank()) {
      throw new IllegalArgumentException("the head client needs the cluster's internal token (cluster.internal_token)");
    }
    this.http = http;
    this.maxResponseBytes = maxResponseBytes;
    this.timeout = timeout;
    this.internalToken = internalToken;
  }

  public Duration timeout() {
    return timeout;
  }

  public HeadReply<List<Labels>> streams(String address, List<Integer> partitions, String tenant, long fromNanos, long toNanos) throws IOException {
    return call(address, partitions, new HeadRequest.Streams(tenant, fromNanos, toNanos), HeadResponses::readLabelSets);
  }

  /** The entries of exactly these streams, one cursor per stream the head has entries of, in label order. */
  public HeadReply<List<EntryCursor>> entries(String address, List<Integer> partitions, HeadRequest.Entries request) throws IOException {
    HeadReply<List<HeadStream>> reply = call(address, partitions, request, HeadResponses::readEntries);
    List<EntryCursor> cursors = new ArrayList<>(reply.value().size());
    for (HeadStream stream : reply.value()) {
      if (stream.size() > 0) {
        cursors.add(stream.cursor());
      }
    }
    return new HeadReply<>(reply.state(), cursors);
  }

  public HeadReply<List<String>> labelNames(String address, List<Integer> partitions, String tenant, long fromNanos, long toNanos) throws IOException {
    return call(address, partitions, new HeadRequest.LabelNames(tenant, fromNanos, toNanos), (in, max, what) -> HeadResponses.readStrings(in, HeadProtocol.KIND_LABEL_NAMES, max, what));
  }

  public HeadReply<List<String>> labelValues(String address, List<Integer> partitions, String tenant, String name, long fromNanos, long toNanos) throws IOException {
    return call(address, partitions, new HeadRequest.LabelValues(tenant, name, fromNanos, toNanos), (in, max, what) -> HeadResponses.readStrings(in, HeadProtocol.KIND_LABEL_VALUES, max, what));
  }

  public HeadReply<List<StreamVolume>> volumes(String address, List<Integer> partitions, String tenant, List<Labels> streams, long fromNanos, long toNanos) throws IOException {
    return call(address, partitions, new HeadRequest.Volumes(tenant, streams, fromNanos, toNanos), HeadResponses::readVolumes);
  }

  public HeadReply<List<String>> tenants(String address, List<Integer> partitions) throws IOException {
    return call(address, partitions, new HeadRequest.Tenants(), (in, max, what) -> HeadResponses.readStrings(in, HeadProtocol.KIND_TENANTS, max, what));
  }

  @FunctionalInterface
  private interface ResponseDecoder<T> {
    HeadReply<T> decode(InputStream in, long maxBytes, String what) throws IOException;
  }

  private <T> HeadReply<T> call(String address, List<Integer> partitions, HeadRequest request, ResponseDecoder<T> decoder) throws IOException {
    String what = "head answer of the ingester at " + address + " for tenant " + request.tenant();
    HttpRequest httpRequest = HttpRequest.newBuilder(URI.create("http://" + address + HeadProtocol.PATH))
        .timeout(timeout)
        .header("Content-Type", HeadProtocol.CONTENT_TYPE)
        .header(HeadProtocol.TOKEN_HEADER, internalToken)
        .POST(HttpRequest.BodyPublishers.ofByteArray(HeadProtocol.encodeRequest(partitions, request)))
        .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<InputStream> response;
    try {
      response = http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + ": interrupted");
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException(what + ": no answer within " + timeout.toMillis() + " ms", e);
    }
    AtomicBoolean timedOut = new AtomicBoolean();
    try (InputStream body = response.body()) {
      // The client's timeout ends at the headers; the body is bounded by closing it at the deadline.
      long remaining = Math.max(1, deadline - System.nanoTime());
      CompletableFuture.runAsync(() -> {
        timedOut.set(true);
        try {
          body.close();
        } catch (IOException ignored) {
          // Closing only stops a read that ran past the deadline; the reader reports the timeout.
        }
      }, CompletableFuture.delayedExecutor(remaining, TimeUnit.NANOSECONDS));
      if (response.statusCode() != 200) {
        String message = new String(body.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8);
        throw new IOException(what + ": HTTP " + response.statusCode() + ": " + message);
      }
      try {
        HeadReply<T> reply = decoder.decode(body, maxResponseBytes, what);
        timedOut.set(false);
        return reply;
      } catch (IOException e) {
        if (timedOut.get()) {
          throw new IOException(what + ": not read whole within " + timeout.toMillis() + " ms", e);
        }
        throw e;
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }
}

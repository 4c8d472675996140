package dev.tonari.cli;

import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushRequest;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari push}: imports lines from files or stdin into one stream, through the real push
 * API (protobuf + snappy), in batches of at most {@value #MAX_BATCH_LINES} lines or {@value
 * #MAX_BATCH_BYTES} bytes. Lines are stamped with the current time, each at least one nanosecond
 * after the previous one, so the file's order is kept and no two lines collide (identical
 * (timestamp, line) pairs would be stored once). Gzip input is recognised by its magic bytes.
 */
@Command(name = "push", mixinStandardHelpOptions = true, description = "Push lines from files or stdin to a Loki-compatible server.")
final class PushCommand implements Callable<Integer> {
  static final int MAX_BATCH_LINES = 5000;
  static final int MAX_BATCH_BYTES = 1 << 20;

  @Mixin
  LokiServerOptions server = new LokiServerOptions();

  @Option(names = "--labels", required = true, paramLabel = "{name=\"value\",...}", description = "Labels of the stream, e.g. '{app=\"x\"}'.")
  String labelsText;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files to push ('-' or none: stdin); gzip is detected.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Labels labels;
    try {
      labels = Labels.parse(labelsText);
    } catch (IllegalArgumentException e) {
      System.err.println("tonari push: --labels: " + e.getMessage());
      return 2;
    }
    if (labels.isEmpty()) {
      System.err.println("tonari push: --labels needs at least one label, e.g. '{app=\"x\"}'");
      return 2;
    }
    List<String> inputs = files.isEmpty() ? List.of("-") : files;
    Progress progress = new Progress(Terminal.isInteractive());
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      Pusher pusher = new Pusher(http, pushUri(), server, labels, progress);
      for (String input : inputs) {
        try (InputStream in = open(input)) {
          pusher.pushLines(in);
        } catch (IOException e) {
          progress.finish();
          System.err.println("tonari push: reading " + ("-".equals(input) ? "stdin" : input) + ": " + e.getMessage());
          return 1;
        }
      }
      pusher.flush();
    } catch (PushFailedException e) {
      progress.finish();
      System.err.println("tonari push: " + e.getMessage());
      return 1;
    }
    progress.finish();
    System.err.println(progress.summary());
    return 0;
  }

  private URI pushUri() {
    return server.uri("/loki/api/v1/push");
  }

  private static InputStream open(String input) throws IOException {
    InputStream raw = "-".equals(input) ? System.in : Files.newInputStream(Path.of(input));
    return maybeGunzip(raw);
  }

  /** Wraps the stream in a gunzip when it starts with gzip's magic bytes 1f 8b. */
  static InputStream maybeGunzip(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    if (first == 0x1f && second == 0x8b) {
      return new GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  /** A push the server refused, or one that could not be sent; the message is the server's. */
  static final class PushFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    PushFailedException(String message) {
      super(message);
    }
  }

  /** Batches lines and sends each batch; timestamps strictly increase across all inputs. */
  static final class Pusher {
    private final HttpClient http;
    private final URI uri;
    private final LokiServerOptions server;
    private final Labels labels;
    private final Progress progress;
    private final List<LogEntry> batch = new ArrayList<>();
    private long batchBytes;
    private long lastTimestamp;

    /**
     * @param server whose tenant and token each request carries, when given
     */
    Pusher(HttpClient http, URI uri, LokiServerOptions server, Labels labels, Progress progress) {
      this.http = http;
      this.uri = uri;
      this.server = server;
      this.labels = labels;
      this.progress = progress;
    }

    void pushLines(InputStream in) throws IOException, PushFailedException {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      String line;
      while ((line = reader.readLine()) != null) {
        add(line);
      }
    }

    void add(String line) throws PushFailedException {
      long now = System.currentTimeMillis() * 1_000_000L;
      lastTimestamp = Math.max(now, lastTimestamp + 1);
      batch.add(new LogEntry(lastTimestamp, line));
      batchBytes += line.length() + 1;
      if (batch.size() >= MAX_BATCH_LINES || batchBytes >= MAX_BATCH_BYTES) {
        flush();
      }
    }

    void flush() throws PushFailedException {
      if (batch.isEmpty()) {
        return;
      }
      PushEncoder.EncodedPush encoded = PushEncoder.encode(
          new PushRequest(List.of(new StreamBatch(labels, batch))), PushEncoder.Format.PROTOBUF_SNAPPY);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
          .header("Content-Type", encoded.contentType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(encoded.body()));
      if (encoded.contentEncoding() != null) {
        request.header("Content-Encoding", encoded.contentEncoding());
      }
      server.addHeaders(request);
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new PushFailedException("cannot push: " + ServerEnvironment.unreachable(server.address, e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PushFailedException("interrupted while pushing to " + uri);
      }
      if (response.statusCode() / 100 != 2) {
        throw new PushFailedException("server answered " + response.statusCode() + " after " + progress.lines()
            + " lines: " + response.body().strip());
      }
      progress.add(batch.size(), batchBytes);
      batch.clear();
      batchBytes = 0;
    }
  }

  /** Counts what was pushed; on a terminal, redraws one status line on stderr at most 5 times a second. */
  static final class Progress {
    private final boolean interactive;
    private final long startedNanos = System.nanoTime();
    private long lines;
    private long bytes;
    private long lastDrawNanos;
    private boolean drawn;

    Progress(boolean interactive) {
      this.interactive = interactive;
    }

    long lines() {
      return lines;
    }

    void add(long batchLines, long batchBytes) {
      lines += batchLines;
      bytes += batchBytes;
      long now = System.nanoTime();
      if (interactive && now - lastDrawNanos > 200_000_000L) {
        lastDrawNanos = now;
        drawn = true;
        System.err.print("\r\u001b[2K" + status(now));
        System.err.flush();
      }
    }

    void finish() {
      if (drawn) {
        System.err.print("\r\u001b[2K");
        System.err.flush();
        drawn = false;
      }
    }

    String status(long nowNanos) {
      double seconds = Math.max((nowNanos - startedNanos) / 1e9, 1e-9);
      return String.format(Locale.ROOT, "%,d lines  %.1f MB  %,.0f lines/s  %.1f MB/s",
          lines, bytes / 1e6, lines / seconds, bytes / 1e6 / seconds);
    }

    String summary() {
      long now = System.nanoTime();
      return String.format(Locale.ROOT, "pushed %s in %.1f s", status(now), (now - startedNanos) / 1e9);
    }
  }
}

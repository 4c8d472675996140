package dev.tonari.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Replays pre-encoded push requests ({@link PushBodyFile}) against a server over several
 * concurrent HTTP connections, as fast as the server acknowledges them, and measures lines/s,
 * raw MB/s and push latency. Encoding happened when the corpus was written, so the client costs
 * little CPU next to the server on the same machine.
 */
public final class IngestBench {
  private IngestBench() {}

  /**
   * @param wireBytes bytes of request bodies sent (compressed)
   * @param latencyP50Millis median push latency
   */
  public record Result(
      long entries, long rawBytes, long wireBytes, double seconds, double latencyP50Millis, double latencyP99Millis, double latencyMaxMillis,
      long backpressureRetries, SecondHalf secondHalf, double wholePushP99Millis, String slowestAttempts) {
    public double linesPerSecond() {
      return entries / seconds;
    }

    public double rawMegabytesPerSecond() {
      return rawBytes / 1e6 / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "%,d lines in %.2f s: %,.0f lines/s, %.1f MB/s raw, push latency p50 %.1f ms p99 %.1f ms max %.1f ms (p99 with retries %.1f ms), %d pushes retried after 429;"
              + " slowest attempts %s; second half %,.0f lines/s, server CPU %.2f s (%.1f s per GB raw)",
          entries, seconds, linesPerSecond(), rawMegabytesPerSecond(), latencyP50Millis, latencyP99Millis, latencyMaxMillis, wholePushP99Millis, backpressureRetries, slowestAttempts,
          secondHalf.linesPerSecond(), secondHalf.cpuSeconds(), secondHalf.cpuSecondsPerGigabyte());
    }
  }

  /**
   * The pushes acknowledged after the first half of the bodies was. Meant as the figures of a
   * warmed-up server, they are not: in a run of a few seconds the compiler threads keep a third of
   * the CPU into the second half (measured per thread), so the figures of a running server come
   * from a second pass into a server that has taken the corpus once (EndToEndBench's warm ingest).
   * Flushes lag behind the pushes either way.
   *
   * @param cpuSeconds the server's CPU over that time, -1 when not measured
   */
  public record SecondHalf(long entries, long rawBytes, double seconds, double cpuSeconds) {
    public double linesPerSecond() {
      return entries / seconds;
    }

    public double cpuSecondsPerGigabyte() {
      return cpuSeconds / (rawBytes / 1e9);
    }
  }

  /** "612 ms at 1.40 s, ...": each slow attempt's latency and when it was sent after the first. */
  private static String describe(List<long[]> slowest) {
    List<String> parts = new ArrayList<>();
    for (long[] attempt : slowest) {
      parts.add(String.format(Locale.ROOT, "%.0f ms at %.2f s", attempt[0] / 1e6, attempt[1] / 1e9));
    }
    return String.join(", ", parts);
  }

  public static Result run(LokiHttpClient client, List<PushBodyFile.PushBody> bodies, int connections) throws IOException, InterruptedException {
    return run(client, bodies, connections, () -> -1);
  }

  /**
   * Sends every body once, {@code connections} at a time; a push refused with 429 (the head's
   * backpressure) is sent again after its {@code Retry-After}, as an agent would, and counted;
   * fails on the first push the server answers otherwise than 204 or 429. Latency is measured per
   * attempt.
   */
  public static Result run(LokiHttpClient client, List<PushBodyFile.PushBody> bodies, int connections, java.util.function.DoubleSupplier serverCpuSeconds)
      throws IOException, InterruptedException {
    return run(client, bodies, connections, serverCpuSeconds, 0);
  }

  /**
   * As {@link #run(LokiHttpClient, List, int, java.util.function.DoubleSupplier)}, and with {@code
   * linesPerSecond > 0} paced: the body that starts at line n of the corpus is due at n /
   * linesPerSecond after the start, is sent then (or as soon as a connection is free), and its
   * latency counts from when it was due, so a server that falls behind shows the wait of every push
   * queued behind a slow one (the coordinated omission a closed loop hides). Without pacing the
   * pushes follow each other as fast as the server answers: the server's top rate, where the
   * latency is what four pushes in flight take to pass through it.
   */
  public static Result run(LokiHttpClient client, List<PushBodyFile.PushBody> bodies, int connections, java.util.function.DoubleSupplier serverCpuSeconds,
      double linesPerSecond) throws IOException, InterruptedException {
    long[] dueNanos = new long[bodies.size()];
    long linesBefore = 0;
    for (int i = 0; i < bodies.size(); i++) {
      dueNanos[i] = linesPerSecond > 0 ? (long) (linesBefore / linesPerSecond * 1e9) : 0;
      linesBefore += bodies.get(i).entries();
    }
    Histogram latencies = new Histogram(3_600_000_000_000L, 3);
    // From a push's first attempt to its 204, retries and their Retry-After waits included: what the agent waits.
    Histogram wholePushes = new Histogram(3_600_000_000_000L, 3);
    AtomicInteger next = new AtomicInteger();
    AtomicLong entries = new AtomicLong();
    AtomicLong rawBytes = new AtomicLong();
    AtomicLong wireBytes = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicInteger acknowledged = new AtomicInteger();
    int half = bodies.size() / 2;
    // Taken by the pusher whose acknowledgement completes the first half: time, CPU, entries and bytes so far.
    double[] halfMark = new double[4];
    Thread[] threads = new Thread[connections];
    // The four slowest attempts: latency and when they were sent, to tell a slow start from a stall later on.
    List<long[]> slowest = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < connections; t++) {
      threads[t] =
          Thread.ofPlatform()
              .name("ingest-pusher-" + t)
              .start(
                  () -> {
                    int index;
                    while (failure.get() == null && (index = next.getAndIncrement()) < bodies.size()) {
                      PushBodyFile.PushBody body = bodies.get(index);
                      long due = start + dueNanos[index];
                      long firstSent = linesPerSecond > 0 ? due : System.nanoTime();
                      try {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        boolean firstAttempt = true;
                        while (true) {
                          long sent = firstAttempt ? firstSent : System.nanoTime();
                          firstAttempt = false;
                          LokiHttpClient.PushAnswer answer = client.send(body.tenant(), body.push());
                          long elapsed = System.nanoTime() - sent;
                          synchronized (latencies) {
                            latencies.recordValue(elapsed);
                            slowest.add(new long[] {elapsed, sent - start});
                            slowest.sort((a, b) -> Long.compare(b[0], a[0]));
                            if (slowest.size() > 4) {
                              slowest.remove(4);
                            }
                          }
                          if (answer.status() == 204) {
                            synchronized (wholePushes) {
                              wholePushes.recordValue(System.nanoTime() - firstSent);
                            }
                            break;
                          }
                          if (answer.status() != 429) {
                            throw new IOException("push " + index + " for tenant " + body.tenant() + " answered " + answer.status() + ": " + answer.body());
                          }
                          retries.incrementAndGet();
                          Thread.sleep(Math.max(1, answer.retryAfterSeconds()) * 1000);
                        }
                      } catch (IOException | InterruptedException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                        return;
                      }
                      long entriesSoFar = entries.addAndGet(body.entries());
                      long bytesSoFar = rawBytes.addAndGet(body.rawBytes());
                      wireBytes.addAndGet(body.push().body().length);
                      if (acknowledged.incrementAndGet() == half) {
                        synchronized (halfMark) {
                          halfMark[0] = System.nanoTime();
                          halfMark[1] = serverCpuSeconds.getAsDouble();
                          halfMark[2] = entriesSoFar;
                          halfMark[3] = bytesSoFar;
                        }
                      }
                    }
                  });
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long end = System.nanoTime();
    double cpuAtEnd = serverCpuSeconds.getAsDouble();
    double seconds = (end - start) / 1e9;
    if (failure.get() != null) {
      throw new IOException("ingest benchmark stopped after " + entries.get() + " entries: " + failure.get().getMessage(), failure.get());
    }
    SecondHalf secondHalf;
    synchronized (halfMark) {
      secondHalf = new SecondHalf(entries.get() - (long) halfMark[2], rawBytes.get() - (long) halfMark[3], (end - halfMark[0]) / 1e9,
          halfMark[1] < 0 || cpuAtEnd < 0 ? -1 : cpuAtEnd - halfMark[1]);
    }
    return new Result(
        entries.get(), rawBytes.get(), wireBytes.get(), seconds, latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6, latencies.getMaxValue() / 1e6, retries.get(),
        secondHalf, wholePushes.getValueAtPercentile(99) / 1e6, describe(slowest));
  }
}

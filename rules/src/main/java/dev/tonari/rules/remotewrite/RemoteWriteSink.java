package dev.tonari.rules.remotewrite;

import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.tenancy.config.TenantIds;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the samples of recording rules to every configured client with the Prometheus remote
 * write 1.0 protocol: a snappy-compressed {@code prometheus.WriteRequest} POSTed with {@code
 * Content-Encoding: snappy}, {@code Content-Type: application/x-protobuf}, {@code
 * X-Prometheus-Remote-Write-Version: 0.1.0}, {@code User-Agent: Tonari/<version>}, the tenant's
 * {@code X-Scope-OrgID} (unless {@code add_org_id_header} is false), the client's headers and its
 * {@code Authorization}.
 *
 * <p>{@link #write} only queues: each (client, tenant) has a bounded queue drained by its own
 * virtual thread, so a slow or unreachable receiver holds up neither the ruler nor the other
 * clients and tenants. A full queue drops its oldest samples. Answers 5xx and 429 and network
 * errors are retried with exponential backoff and jitter (a 429's {@code Retry-After} is honoured);
 * other answers drop the batch with an error log naming the client, the tenant, the status and
 * the start of the body. Nothing is kept on disk: samples queued when the process dies are lost,
 * which the next evaluation makes up for with fresh ones.
 *
 * <p>{@link #counters(String)} gives each client's counters for {@code /metrics}; {@link
 * #close(Duration)} sends what is queued and waits for it, within a bound. Thread-safe.
 */
public final class RemoteWriteSink implements SampleSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteSink.class);
  /** How long {@link #close()} waits for the queues to be sent. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Jitter needs no seed; each sending thread draws from its own generator. */
  private static final RandomGenerator PER_THREAD_RANDOM = () -> ThreadLocalRandom.current().nextLong();

  private final List<RemoteWriteClient> clients;
  private final HttpClient ownHttpClient;
  /** Writers share it; close takes it alone once, so that no queue starts after close began. */
  private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
  private boolean closed;

  /**
   * A sink with its own HTTP/1.1 client (closed with the sink) and the system clock.
   *
   * @param tonariVersion the version sent in {@code User-Agent: Tonari/<version>}
   */
  public RemoteWriteSink(RemoteWriteSettings settings, String tonariVersion) {
    this(settings, tonariVersion, defaultHttpClient(), true, Clock.systemUTC(), Thread::sleep, PER_THREAD_RANDOM);
  }

  /**
   * @param httpClient the client to send with; the caller closes it
   * @param clock where a {@code Retry-After} date is counted from
   */
  public RemoteWriteSink(RemoteWriteSettings settings, String tonariVersion, HttpClient httpClient, Clock clock) {
    this(settings, tonariVersion, httpClient, false, clock, Thread::sleep, PER_THREAD_RANDOM);
  }

  /** @param sleeper waits between retries (tests record the waits) */
  RemoteWriteSink(RemoteWriteSettings settings, String tonariVersion, HttpClient httpClient, Clock clock, BatchSender.Sleeper sleeper,
      RandomGenerator random) {
    this(settings, tonariVersion, httpClient, false, clock, sleeper, random);
  }

  private RemoteWriteSink(RemoteWriteSettings settings, String tonariVersion, HttpClient httpClient, boolean ownsHttpClient, Clock clock,
      BatchSender.Sleeper sleeper, RandomGenerator random) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(tonariVersion, "tonariVersion");
    Objects.requireNonNull(httpClient, "httpClient");
    Objects.requireNonNull(clock, "clock");
    String userAgent = "Tonari/" + tonariVersion;
    List<RemoteWriteClient> built = new ArrayList<>();
    if (settings.enabled()) {
      for (RemoteWriteClientSettings client : settings.clients().values()) {
        built.add(new RemoteWriteClient(client,
            (clientSettings, counters) -> new BatchSender(clientSettings, settings.addOrgIdHeader(), userAgent, httpClient, clock, sleeper, random,
                counters)));
      }
    } else {
      log.info("ruler.remote_write.enabled is false: the samples of recording rules are not sent anywhere");
    }
    this.clients = List.copyOf(built);
    this.ownHttpClient = ownsHttpClient ? httpClient : null;
  }

  private static HttpClient defaultHttpClient() {
    // HTTP/1.1: receivers (Prometheus, Mimir, Cortex) speak it, and the JDK's h2c upgrade attempt on plain http gains nothing.
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** Queues the samples for every client and returns; an invalid tenant's samples are dropped (and counted) with an error log. */
  @Override
  public void write(String tenant, List<RecordedSample> samples) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(samples, "samples");
    if (samples.isEmpty() || clients.isEmpty()) {
      return;
    }
    Optional<String> tenantProblem = TenantIds.problem(tenant);
    ReentrantReadWriteLock.ReadLock writing = closeLock.readLock();
    writing.lock();
    try {
      if (closed || tenantProblem.isPresent()) {
        for (RemoteWriteClient client : clients) {
          client.counters().dropped(samples.size());
        }
        log.error("remote write: dropped {} samples of tenant {}: {}", samples.size(), tenant,
            tenantProblem.orElse("the sink is closed"));
        return;
      }
      for (RemoteWriteClient client : clients) {
        client.offer(tenant, samples);
      }
    } finally {
      writing.unlock();
    }
  }

  /** The configured clients' names, in order. */
  public List<String> clientNames() {
    return clients.stream().map(client -> client.settings().name()).toList();
  }

  /** Every client's counters, in the order of {@link #clientNames()}. */
  public List<RemoteWriteCounters> counters() {
    return clients.stream().map(RemoteWriteClient::counters).toList();
  }

  /** @throws IllegalArgumentException when no client has that name */
  public RemoteWriteCounters counters(String client) {
    for (RemoteWriteClient candidate : clients) {
      if (candidate.settings().name().equals(client)) {
        return candidate.counters();
      }
    }
    throw new IllegalArgumentException("no remote write client named " + client + " (ruler.remote_write.clients has " + clientNames() + ")");
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops taking samples, sends what is queued (batches no longer wait to fill) and waits at most
   * {@code wait} for it; what is still unsent then is dropped and counted. Calling it again does
   * nothing more.
   *
   * @return true when everything queued was sent or given up within the wait
   */
  public boolean close(Duration wait) {
    ReentrantReadWriteLock.WriteLock closing = closeLock.writeLock();
    closing.lock();
    try {
      if (closed) {
        return true;
      }
      closed = true;
    } finally {
      closing.unlock();
    }
    clients.forEach(RemoteWriteClient::beginClose);
    long deadline = System.nanoTime() + wait.toNanos();
    boolean stopped = true;
    try {
      for (RemoteWriteClient client : clients) {
        stopped &= client.awaitStopped(deadline);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = false;
    }
    if (!stopped) {
      log.warn("remote write: the queues were not sent within {}; what is left is dropped ({})", wait, counters());
      clients.forEach(RemoteWriteClient::abort);
    }
    if (ownHttpClient != null) {
      ownHttpClient.shutdownNow();
    }
    return stopped;
  }
}

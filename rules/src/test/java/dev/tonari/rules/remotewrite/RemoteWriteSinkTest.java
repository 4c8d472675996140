package dev.tonari.rules.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.remotewrite.RecordingReceiver.Answer;
import dev.tonari.rules.remotewrite.RecordingReceiver.Received;
import dev.tonari.rules.remotewrite.RemoteWriteClientSettings.QueueConfig;
import dev.tonari.tenancy.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink against a JDK HTTP server: headers, batching, retries, drops and close. */
class RemoteWriteSinkTest {
  private static final Duration MIN_BACKOFF = Duration.ofMillis(40);
  private static final QueueConfig QUEUE = new QueueConfig(1_000, 100, Duration.ofMillis(20), MIN_BACKOFF, Duration.ofSeconds(2), 5);

  private RecordingReceiver receiver;
  private HttpClient httpClient;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
  /** The waits between retries, recorded instead of slept. */
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    receiver = new RecordingReceiver();
    httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    receiver.close();
    httpClient.shutdownNow();
  }

  @Test
  void eachTenantsSamplesGoWithTheProtocolHeadersAndItsOrgId() throws Exception {
    RemoteWriteClientSettings client = client(QUEUE).withHeaders(Map.of("X-Team", "logs")).withBasicAuth("tonari", "s3cret");
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client))) {
      sink.write("team-a", List.of(sample("job:errors:rate5m", Map.of("job", "api"), 1_000, 0.5),
          sample("job:errors:rate5m", Map.of("job", "web"), 1_000, 2)));
      sink.write("team-b", List.of(sample("job:errors:rate5m", Map.of("job", "api"), 1_000, 9)));

      Received first = receiver.next();
      Received second = receiver.next();
      Map<String, Received> byTenant = Map.of(first.header("X-Scope-OrgID"), first, second.header("X-Scope-OrgID"), second);

      assertThat(byTenant).containsOnlyKeys("team-a", "team-b");
      for (Received request : byTenant.values()) {
        assertThat(request.header("Content-Encoding")).isEqualTo("snappy");
        assertThat(request.header("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(request.header("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
        assertThat(request.header("User-Agent")).isEqualTo("Tonari/1.2.3-test");
        assertThat(request.header("X-Team")).isEqualTo("logs");
        assertThat(request.header("Authorization")).isEqualTo("Basic dG9uYXJpOnMzY3JldA==");
      }
      assertThat(byTenant.get("team-a").series()).extracting(WriteRequestDecoder.Series::labelMap)
          .containsExactly(Map.of("__name__", "job:errors:rate5m", "job", "api"), Map.of("__name__", "job:errors:rate5m", "job", "web"));
      assertThat(byTenant.get("team-a").values()).containsExactly(0.5, 2.0);
      assertThat(byTenant.get("team-b").values()).containsExactly(9.0);
      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      RemoteWriteCounters counters = sink.counters("receiver");
      assertThat(counters.samplesSent()).isEqualTo(3);
      assertThat(counters.samplesFailed() + counters.samplesDropped() + counters.samplesRetried() + counters.samplesPending()).isZero();
      assertThat(counters.sendCount()).isEqualTo(2);
      assertThat(counters.sendLatencySecondsSum()).isPositive();
      assertThat(counters.lastFailure()).isEmpty();
      assertThat(sleeps).isEmpty();
    }
  }

  @Test
  void aBearerTokenAndNoOrgIdWhenAddOrgIdHeaderIsOff() throws Exception {
    RemoteWriteSettings settings = RemoteWriteSettings.of(client(QUEUE).withAuthorization("Bearer", "t0ken")).withAddOrgIdHeader(false);
    try (RemoteWriteSink sink = sink(settings)) {
      sink.write("team-a", List.of(sample("m", Map.of(), 1_000, 1)));

      Received request = receiver.next();
      assertThat(request.header("Authorization")).isEqualTo("Bearer t0ken");
      assertThat(request.headers().containsKey("X-Scope-OrgID")).isFalse();
    }
  }

  @Test
  void a503IsRetriedAfterABackoffAndTheBatchIsSentOnce() throws Exception {
    receiver.answer(Answer.of(503, "overloaded"));
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(QUEUE)))) {
      sink.write("team-a", samples(4));

      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      List<Received> received = receiver.received();
      assertThat(received).hasSize(2);
      assertThat(received.get(0).values()).containsExactly(0.0, 1.0, 2.0, 3.0);
      assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
      assertThat(sleeps).hasSize(1);
      assertThat(sleeps.get(0)).isBetween(MIN_BACKOFF.dividedBy(2), MIN_BACKOFF);
      RemoteWriteCounters counters = sink.counters("receiver");
      assertThat(counters.samplesSent()).isEqualTo(4);
      assertThat(counters.samplesRetried()).isEqualTo(4);
      assertThat(counters.samplesFailed()).isZero();
      assertThat(counters.sendCount()).isEqualTo(2);
    }
  }

  @Test
  void a429WaitsWhatItsRetryAfterSays() throws Exception {
    String inFortyTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(42).atOffset(ZoneOffset.UTC));
    receiver.answer(new Answer(429, Map.of("Retry-After", "7"), "slow down", null),
        new Answer(429, Map.of("Retry-After", inFortyTwoSeconds), "", null),
        Answer.of(429));
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(QUEUE)))) {
      sink.write("team-a", samples(2));

      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      assertThat(receiver.received()).hasSize(4);
      assertThat(sleeps).hasSize(3);
      assertThat(sleeps.subList(0, 2)).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(42));
      // Without Retry-After, the backoff of the third retry.
      assertThat(sleeps.get(2)).isBetween(MIN_BACKOFF.multipliedBy(2), MIN_BACKOFF.multipliedBy(4));
      assertThat(sink.counters("receiver").samplesSent()).isEqualTo(2);
      assertThat(sink.counters("receiver").samplesRetried()).isEqualTo(6);
    }
  }

  @Test
  void a400IsDroppedAtOnceAndTheFailureNamesClientTenantStatusAndBody() throws Exception {
    receiver.answer(Answer.of(400, "out of order sample\nfor series m"));
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(QUEUE)))) {
      sink.write("team-a", samples(3));

      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      assertThat(receiver.received()).hasSize(1);
      assertThat(sleeps).isEmpty();
      RemoteWriteCounters counters = sink.counters("receiver");
      assertThat(counters.samplesFailed()).isEqualTo(3);
      assertThat(counters.samplesSent() + counters.samplesRetried() + counters.samplesDropped()).isZero();
      assertThat(counters.lastFailure()).hasValueSatisfying(message -> assertThat(message)
          .contains("remote write client receiver").contains("tenant team-a").contains("HTTP 400")
          .contains("out of order sample for series m").contains("dropped"));
    }
  }

  @Test
  void aBatchIsGivenUpAfterMaxRetries() throws Exception {
    receiver.answer(Answer.of(500), Answer.of(502), Answer.of(500));
    QueueConfig twoRetries = new QueueConfig(1_000, 100, Duration.ofMillis(20), MIN_BACKOFF, Duration.ofSeconds(2), 2);
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(twoRetries)))) {
      sink.write("team-a", samples(5));

      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      assertThat(receiver.received()).hasSize(3);
      assertThat(sleeps).hasSize(2);
      assertThat(sleeps.get(0)).isBetween(MIN_BACKOFF.dividedBy(2), MIN_BACKOFF);
      assertThat(sleeps.get(1)).isBetween(MIN_BACKOFF, MIN_BACKOFF.multipliedBy(2));
      RemoteWriteCounters counters = sink.counters("receiver");
      assertThat(counters.samplesFailed()).isEqualTo(5);
      assertThat(counters.samplesRetried()).isEqualTo(10);
      assertThat(counters.samplesSent()).isZero();
      assertThat(counters.lastFailure()).hasValueSatisfying(message -> assertThat(message).contains("HTTP 500").contains("given up after 2 retries"));
    }
  }

  @Test
  void anUnreachableReceiverIsRetriedLikeA5xx() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    QueueConfig oneRetry = new QueueConfig(1_000, 100, Duration.ofMillis(20), MIN_BACKOFF, Duration.ofSeconds(2), 1);
    RemoteWriteClientSettings client = RemoteWriteClientSettings.of("receiver", URI.create("http://127.0.0.1:" + closedPort + "/api/v1/write"))
        .withQueue(oneRetry);
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client))) {
      sink.write("team-a", samples(2));

      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      RemoteWriteCounters counters = sink.counters("receiver");
      assertThat(counters.sendCount()).isEqualTo(2);
      assertThat(counters.samplesRetried()).isEqualTo(2);
      assertThat(counters.samplesFailed()).isEqualTo(2);
      assertThat(counters.lastFailure()).hasValueSatisfying(message -> assertThat(message).contains("not sent").contains("given up after 1 retries"));
    }
  }

  @Test
  void batchesHoldAtMostMaxSamplesPerSendAndCloseSendsTheRest() throws Exception {
    QueueConfig batchesOfThree = new QueueConfig(1_000, 3, Duration.ofHours(1), MIN_BACKOFF, Duration.ofSeconds(2), 5);
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(batchesOfThree)))) {
      sink.write("team-a", samples(7));
      assertThat(receiver.next().values()).containsExactly(0.0, 1.0, 2.0);
      assertThat(receiver.next().values()).containsExactly(3.0, 4.0, 5.0);
      // The seventh waits for its batch to fill (an hour) until close sends it.
      assertThat(sink.counters("receiver").samplesPending()).isEqualTo(1);

      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      assertThat(receiver.received()).hasSize(3);
      assertThat(receiver.received().get(2).values()).containsExactly(6.0);
      assertThat(sink.counters("receiver").samplesSent()).isEqualTo(7);
    }
  }

  @Test
  void aBatchThatDoesNotFillIsSentAtItsDeadline() throws Exception {
    QueueConfig shortDeadline = new QueueConfig(1_000, 100, Duration.ofMillis(30), MIN_BACKOFF, Duration.ofSeconds(2), 5);
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(shortDeadline)))) {
      sink.write("team-a", samples(1));

      assertThat(receiver.next().values()).containsExactly(0.0);
      await(() -> sink.counters("receiver").samplesSent() == 1, "the sample to be counted as sent");
    }
  }

  @Test
  void aFullQueueDropsItsOldestSamplesAndCountsThem() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    receiver.answer(new Answer(200, Map.of(), "", release));
    QueueConfig five = new QueueConfig(5, 5, Duration.ofMillis(10), MIN_BACKOFF, Duration.ofSeconds(2), 5);
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(five)))) {
      sink.write("team-a", List.of(sample("m", Map.of(), 0, 0)));
      assertThat(receiver.next().values()).containsExactly(0.0);
      // The first batch is held by the receiver: the queue fills behind it.
      List<RecordedSample> next = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        next.add(sample("m", Map.of(), i, i));
      }
      sink.write("team-a", next.subList(0, 4));
      sink.write("team-a", next.subList(4, 10));

      RemoteWriteCounters counters = sink.counters("receiver");
      assertThat(counters.samplesDropped()).isEqualTo(5);
      assertThat(counters.samplesPending()).isEqualTo(5);
      release.countDown();
      assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();

      assertThat(receiver.received()).hasSize(2);
      assertThat(receiver.received().get(1).values()).containsExactly(6.0, 7.0, 8.0, 9.0, 10.0);
      assertThat(counters.samplesSent()).isEqualTo(6);
      assertThat(counters.samplesDropped()).isEqualTo(5);
    }
  }

  @Test
  void theSamplesOfAnInvalidTenantOrWrittenAfterCloseAreDroppedAndCounted() throws Exception {
    RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(QUEUE)));
    sink.write("not a tenant", samples(2));
    assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();
    sink.write("team-a", samples(3));

    assertThat(receiver.received()).isEmpty();
    assertThat(sink.counters("receiver").samplesDropped()).isEqualTo(5);
    assertThat(sink.close(RecordingReceiver.WAIT)).isTrue();
  }

  @Test
  void closeGivesUpOnAReceiverThatNeverAnswersAndDropsWhatIsLeft() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    receiver.answer(new Answer(200, Map.of(), "", never));
    RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(QUEUE)));
    try {
      sink.write("team-a", samples(3));
      receiver.next();
      sink.write("team-a", samples(2));

      assertThat(sink.close(Duration.ofMillis(200))).isFalse();

      RemoteWriteCounters counters = sink.counters("receiver");
      await(() -> counters.samplesDropped() == 5, "the held batch and the queued samples to be counted as dropped");
      assertThat(counters.samplesSent()).isZero();
    } finally {
      never.countDown();
    }
  }

  @Test
  void everyClientGetsEverySample() throws Exception {
    try (RecordingReceiver other = new RecordingReceiver();
        RemoteWriteSink sink = sink(RemoteWriteSettings.of(client(QUEUE), RemoteWriteClientSettings.of("other", other.url()).withQueue(QUEUE)))) {
      sink.write("team-a", samples(2));

      assertThat(receiver.next().values()).containsExactly(0.0, 1.0);
      assertThat(other.next().values()).containsExactly(0.0, 1.0);
      assertThat(sink.clientNames()).containsExactly("other", "receiver");
      assertThat(sink.counters()).extracting(RemoteWriteCounters::client).containsExactly("other", "receiver");
    }
  }

  @Test
  void aDisabledSinkSendsNothing() throws Exception {
    try (RemoteWriteSink sink = sink(RemoteWriteSettings.disabled())) {
      sink.write("team-a", samples(2));
      assertThat(sink.clientNames()).isEmpty();
    }
    assertThat(receiver.received()).isEmpty();
  }

  private RemoteWriteSink sink(RemoteWriteSettings settings) {
    return new RemoteWriteSink(settings, "1.2.3-test", httpClient, clock, sleeps::add, new Random(42));
  }

  private RemoteWriteClientSettings client(QueueConfig queue) {
    return RemoteWriteClientSettings.of("receiver", receiver.url()).withQueue(queue);
  }

  private static List<RecordedSample> samples(int count) {
    return IntStream.range(0, count).mapToObj(i -> sample("m", Map.of(), 1_000L + i, i)).toList();
  }

  private static RecordedSample sample(String name, Map<String, String> labels, long timestampMillis, double value) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put("__name__", name);
    return new RecordedSample(all, timestampMillis, value);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + RecordingReceiver.WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + RecordingReceiver.WAIT + " for " + what);
      }
      Thread.sleep(5);
    }
  }
}

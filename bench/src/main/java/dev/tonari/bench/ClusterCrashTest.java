package dev.tonari.bench;

import dev.tonari.ingest.PushEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cluster's crash test (issue 15): a real cluster on one machine ({@link LocalCluster}: Kafka,
 * PostgreSQL, s3proxy, and 2 distributors, 3 ingesters, 2 queriers, 1 ruler as separate processes)
 * under pushes of numbered lines through both distributors, while
 *
 * <ol>
 *   <li>an ingester is killed with SIGKILL and a new one joins: bounded queries during the
 *       hand-over must be complete (checked against what was acknowledged before each started) or
 *       answer 503 saying they are partial, never a silently short 200;
 *   <li>Kafka is stopped for a few seconds: pushes answer 503 with Retry-After, and succeed again
 *       once Kafka is back, without anything restarted;
 *   <li>PostgreSQL is stopped for a few seconds: the same;
 *   <li>the ruler is killed and replaced: the alert on the marker line fires exactly once.
 * </ol>
 *
 * At the end every acknowledged line is read back exactly once through each querier. Run with
 * {@code bench/cluster/run.sh}; {@code ClusterCrashRecoveryTest} runs a short form in the
 * build.
 */
public final class ClusterCrashTest {
  static final String TENANT = "cluster-test";
  static final String ALERT = "ClusterTestMarker";
  static final int STREAMS = 8;
  static final int MARKER_BATCH = 7;

  /**
   * @param loadBeforeKill pushing before the ingester is killed, and again after each disturbance
   * @param outage how long Kafka and PostgreSQL are each away
   */
  public record Options(Path jar, Path workDir, int maxBatches, int entriesPerBatch, int pushers, Duration pushInterval, Duration loadBeforeKill,
      Duration outage, List<String> jvmOptions) {}

  /** What happened; {@link #passed()} is the verdict. */
  public record Result(int batchesAcknowledged, long entriesExpected, List<Long> entriesReturnedPerQuerier, long completeAnswers, long partialAnswers,
      long unavailableAnswers, long kafkaOutage503, long postgresOutage503, long postgresOutage204, List<String> firings, List<String> problems) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);

  private final Options options;
  private final PrintStream out;
  private final NumberedBatches batches;
  private final AtomicLongArray acknowledgedAt;
  private final AtomicLongArray sentAt;
  private final AtomicInteger acknowledgedCount = new AtomicInteger();
  private final BatchQueue queue;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong lastAcknowledgedNanos = new AtomicLong();
  private final Map<String, AtomicLong> pushAnswers = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong complete = new AtomicLong();
  private final AtomicLong partial = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private volatile List<LokiHttpClient> distributors = List.of();
  private volatile List<LokiHttpClient> queriers = List.of();

  public ClusterCrashTest(Options options, PrintStream out) {
    this.options = options;
    this.queue = new BatchQueue(options.maxBatches());
    this.out = out;
    this.batches = new NumberedBatches(TENANT, STREAMS, options.entriesPerBatch(), (System.currentTimeMillis() - 600_000L) * 1_000_000L);
    this.acknowledgedAt = new AtomicLongArray(options.maxBatches());
    this.sentAt = new AtomicLongArray(options.maxBatches());
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("cli/target/tonari.jar");
    Path workDir = Path.of("bench/work/cluster-crash");
    int maxBatches = 20_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]);
        case "--work-dir" -> workDir = Path.of(args[++i]);
        case "--max-batches" -> maxBatches = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: ClusterCrashTest [--jar tonari.jar] [--work-dir DIR] [--max-batches N]; unknown: " + args[i]);
          System.exit(2);
        }
      }
    }
    java.util.Optional<String> missing = LocalCluster.missingComponent(jar);
    if (missing.isPresent()) {
      System.out.println(missing.get());
      System.exit(3);
    }
    Options options = new Options(jar, workDir, maxBatches, 50, 4, Duration.ofMillis(10), Duration.ofSeconds(20), Duration.ofSeconds(8),
        List.of("-Xmx256m", "-XX:+UseSerialGC"));
    System.exit(new ClusterCrashTest(options, System.out).run().passed() ? 0 : 1);
  }

  public Result run() throws Exception {
    Path rulesDir = options.workDir().resolveSibling(options.workDir().getFileName() + "-rules");
    CrashTest.deleteRecursively(rulesDir);
    Files.createDirectories(rulesDir.resolve(TENANT));
    Files.writeString(rulesDir.resolve(TENANT).resolve("cluster-test.yaml"), """
        groups:
          - name: cluster-test
            interval: 2s
            rules:
              - alert: %s
                expr: sum(count_over_time({job="%s"} |= "marker=alert" [1h])) > 0
                labels:
                  severity: page
        """.formatted(ALERT, TENANT), StandardCharsets.UTF_8);
    List<Thread> threads = new ArrayList<>();
    try (AlertReceiver receiver = new AlertReceiver();
        LocalCluster cluster = LocalCluster.launch(new LocalCluster.Options(options.jar(), options.workDir(), 6, options.jvmOptions(), Duration.ofSeconds(4), """
            ruler:
              rules_dir: %s
              evaluation_interval: 2s
              resend_delay: 2s
              alertmanager_url: %s
            """.formatted(rulesDir, receiver.url())))) {
      out.printf("cluster crash test: work in %s; config %s%n", options.workDir(), cluster.configFile());
      List<LocalCluster.Role> roles = new ArrayList<>();
      Collections.addAll(roles, LocalCluster.Role.INGESTER, LocalCluster.Role.INGESTER, LocalCluster.Role.INGESTER, LocalCluster.Role.DISTRIBUTOR,
          LocalCluster.Role.DISTRIBUTOR, LocalCluster.Role.QUERIER, LocalCluster.Role.QUERIER, LocalCluster.Role.RULER);
      cluster.startAll(roles);
      distributors = cluster.nodes(LocalCluster.Role.DISTRIBUTOR).stream().map(LocalCluster.Node::client).toList();
      queriers = cluster.nodes(LocalCluster.Role.QUERIER).stream().map(LocalCluster.Node::client).toList();
      out.println("  started: " + cluster.describe());
      for (int i = 0; i < options.pushers(); i++) {
        threads.add(Thread.ofPlatform().name("cluster-pusher-" + i).start(this::pushLoop));
      }
      AtomicBoolean querying = new AtomicBoolean(true);
      threads.add(Thread.ofPlatform().name("cluster-querier-check").start(() -> queryLoop(querying)));
      Thread.sleep(options.loadBeforeKill().toMillis());

      // 1. An ingester dies without a word; a new one joins.
      LocalCluster.Node victim = cluster.nodes(LocalCluster.Role.INGESTER).getFirst();
      victim.process().killHard();
      out.printf("  killed %s (kill -9) with %d batches acknowledged%n", victim.name(), acknowledgedCount.get());
      LocalCluster.Node joined = cluster.start(LocalCluster.Role.INGESTER);
      out.printf("  %s joined and is ready with %d batches acknowledged%n", joined.name(), acknowledgedCount.get());
      Thread.sleep(options.loadBeforeKill().toMillis());

      // 2. Kafka away.
      long kafka503 = outage("kafka", () -> cluster.kafka().stop(), () -> cluster.kafka().start());
      // 3. PostgreSQL away.
      long beforePostgres204 = count("204");
      long postgres503 = outage("postgres", () -> cluster.postgres().stop(), () -> cluster.postgres().start());
      long postgres204 = count("204") - beforePostgres204;
      querying.set(false);

      // 4. Every batch acknowledged.
      queue.stopCreating();
      long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
      int created = queue.created();
      while (acknowledgedCount.get() < created && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      running.set(false);
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(60));
      }
      if (acknowledgedCount.get() < created) {
        problems.add((created - acknowledgedCount.get()) + " of " + created + " batches never acknowledged after Kafka and PostgreSQL came back");
      }

      // 5. The ruler replaced: the alert must still have fired once.
      List<String> firings = checkAlertFiresOnce(cluster, receiver);

      // 6. Exactly once through each querier.
      List<Long> returned = new ArrayList<>();
      for (LokiHttpClient querier : queriers) {
        NumberedBatches.ReadBack readBack = readBackWhenComplete(querier, created);
        returned.add(readBack.returned());
        problems.addAll(readBack.allProblems("read-back through " + querier.baseUrl()));
      }
      Result result = new Result(acknowledgedCount.get(), (long) created * options.entriesPerBatch(), returned, complete.get(), partial.get(),
          unavailable.get(), kafka503, postgres503, postgres204, firings, List.copyOf(problems));
      printSummary(result, cluster);
      return result;
    } finally {
      running.set(false);
      for (Thread thread : threads) {
        thread.interrupt();
        thread.join(Duration.ofSeconds(10));
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  /**
   * Takes a backing system away for {@link Options#outage()} under load and brings it back; returns
   * how many pushes answered 503 meanwhile. Problems: no 503 with Retry-After while it was away, or
   * no acknowledged push within the recovery timeout after it came back.
   */
  private long outage(String what, Step stop, Step start) throws Exception {
    long before503 = count("503");
    long beforeRetryAfter = count("503-retry-after");
    stop.run();
    out.printf("  %s stopped with %d batches acknowledged%n", what, acknowledgedCount.get());
    Thread.sleep(options.outage().toMillis());
    long during503 = count("503") - before503;
    long duringRetryAfter = count("503-retry-after") - beforeRetryAfter;
    start.run();
    long backNanos = System.nanoTime();
    long deadline = backNanos + RECOVERY_TIMEOUT.toNanos();
    while (lastAcknowledgedNanos.get() < backNanos && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    boolean workLeft = queue.workLeft();
    if (lastAcknowledgedNanos.get() < backNanos && workLeft) {
      problems.add("no push acknowledged within " + RECOVERY_TIMEOUT.toSeconds() + " s after " + what + " came back");
    } else if (lastAcknowledgedNanos.get() < backNanos) {
      out.printf("  %s back; every batch had been acknowledged before it came back (raise the batch count to load this phase)%n", what);
    } else {
      out.printf("  %s back; pushes acknowledged again after %d ms (%d answered 503 while it was away, %d of them with Retry-After)%n", what,
          (lastAcknowledgedNanos.get() - backNanos) / 1_000_000, during503, duringRetryAfter);
    }
    if (during503 != duringRetryAfter) {
      problems.add((during503 - duringRetryAfter) + " pushes answered 503 without Retry-After while " + what + " was away");
    }
    if (what.equals("kafka") && during503 == 0) {
      problems.add("no push answered 503 while Kafka was away: a distributor acknowledged pushes the push log did not have, or hung");
    }
    Thread.sleep(options.loadBeforeKill().toMillis() / 2);
    return during503;
  }

  private long count(String answer) {
    AtomicLong counter = pushAnswers.get(answer);
    return counter == null ? 0 : counter.get();
  }

  private void countAnswer(String answer) {
    pushAnswers.computeIfAbsent(answer, key -> new AtomicLong()).incrementAndGet();
  }

  private void pushLoop() {
    long pushes = 0;
    while (running.get()) {
      int batch = queue.take();
      if (batch < 0) {
        sleepQuietly(10);
        continue;
      }
      List<LokiHttpClient> targets = distributors;
      LokiHttpClient distributor = targets.get((int) (pushes++ % targets.size()));
      sentAt.compareAndSet(batch, 0, System.nanoTime());
      try {
        LokiHttpClient.PushAnswer answer =
            distributor.send(TENANT, PushEncoder.encode(batches.request(batch, MARKER_BATCH), batch % 2 == 0 ? PushEncoder.Format.JSON_GZIP : PushEncoder.Format.PROTOBUF_SNAPPY));
        countAnswer(Integer.toString(answer.status()));
        if (answer.status() == 204) {
          long now = System.nanoTime();
          if (acknowledgedAt.compareAndSet(batch, 0, now)) {
            acknowledgedCount.incrementAndGet();
          }
          lastAcknowledgedNanos.accumulateAndGet(now, Math::max);
          sleepQuietly(options.pushInterval().toMillis());
        } else {
          if (answer.retryAfterSeconds() > 0) {
            countAnswer(answer.status() + "-retry-after");
          }
          queue.retry(batch);
          // Respect Retry-After, as an agent would (bounded, so the test stays short).
          sleepQuietly(Math.min(2000, Math.max(50, answer.retryAfterSeconds() * 1000)));
        }
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("refused with 4")) {
          problems.add("batch " + batch + " via " + distributor.baseUrl() + ": " + e.getMessage());
          running.set(false);
          return;
        }
        countAnswer("io-error");
        queue.retry(batch);
        sleepQuietly(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Bounded log queries of one stream after another, through the queriers in turn, each answer checked. */
  private void queryLoop(AtomicBoolean querying) {
    int round = 0;
    while (querying.get() && running.get()) {
      int stream = round % STREAMS;
      LokiHttpClient querier = queriers.get(round % queriers.size());
      round++;
      long startedAt = System.nanoTime();
      int batchesSoFar = queue.created();
      int limit = 5000;
      try {
        LokiHttpClient.Answer answer = querier.get(TENANT, "/loki/api/v1/query_range", Map.of("query", batches.streamQuery(stream), "start",
            Long.toString(batches.baseNanos()), "end", Long.toString(batches.timestampOf((long) options.maxBatches() * options.entriesPerBatch()) + 1),
            "limit", Integer.toString(limit), "direction", "forward"), Duration.ofSeconds(30));
        if (answer.status() == 200) {
          List<LokiHttpClient.ResultEntry> entries = LokiHttpClient.entriesOf(answer.json());
          List<String> wrong = batches.checkAnswer(stream, entries, entries.size() >= limit,
              batch -> { long at = acknowledgedAt.get(batch); return at != 0 && at < startedAt; }, batch -> sentAt.get(batch) != 0, batchesSoFar);
          if (wrong.isEmpty()) {
            complete.incrementAndGet();
          } else {
            problems.add("query of stream s" + stream + " through " + querier.baseUrl() + " answered 200 but: " + wrong.subList(0, Math.min(3, wrong.size())));
          }
        } else if (answer.status() == 503 && answer.body().toLowerCase(Locale.ROOT).contains("partial")) {
          partial.incrementAndGet();
        } else if (answer.status() == 503) {
          // Catalog or S3 away: refused whole, which is not a short answer.
          unavailable.incrementAndGet();
        } else {
          problems.add("query of stream s" + stream + " through " + querier.baseUrl() + " answered " + answer.status() + ": " + abbreviate(answer.body()));
        }
      } catch (IOException e) {
        unavailable.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      sleepQuietly(100);
    }
  }

  private List<String> checkAlertFiresOnce(LocalCluster cluster, AlertReceiver receiver) throws Exception {
    long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    while (receiver.firings(ALERT).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    if (receiver.firings(ALERT).isEmpty()) {
      problems.add("alert " + ALERT + " never reached the receiver, though batch " + MARKER_BATCH + " with the marker line was acknowledged");
      return List.of();
    }
    LocalCluster.Node ruler = cluster.nodes(LocalCluster.Role.RULER).getFirst();
    ruler.process().killHard();
    LocalCluster.Node next = cluster.start(LocalCluster.Role.RULER);
    int receivedBefore = receiver.alerts().size();
    deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    while (receiver.alerts().size() < receivedBefore + 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    out.printf("  ruler %s killed, %s took over; %d alerts received in all%n", ruler.name(), next.name(), receiver.alerts().size());
    if (receiver.alerts().size() < receivedBefore + 2) {
      problems.add("the new ruler " + next.name() + " sent no firing alert within " + RECOVERY_TIMEOUT.toSeconds() + " s");
    }
    List<String> firings = receiver.firings(ALERT);
    if (firings.size() != 1) {
      problems.add("alert " + ALERT + " fired " + firings.size() + " times (distinct startsAt " + firings + "), expected once");
    }
    if (!receiver.malformed().isEmpty()) {
      problems.add("the ruler posted bodies that are not Alertmanager's JSON: " + receiver.malformed());
    }
    return firings;
  }

  /** Reads back; a querier that answers 503 (partial while an ingester catches up) is asked again, up to the recovery timeout. */
  private NumberedBatches.ReadBack readBackWhenComplete(LokiHttpClient querier, int created) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    while (true) {
      try {
        return batches.readBack(querier, TENANT, created);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("read-back through " + querier.baseUrl() + " still failing after " + RECOVERY_TIMEOUT.toSeconds() + " s", e);
        }
        Thread.sleep(500);
      }
    }
  }

  private void printSummary(Result result, LocalCluster cluster) {
    out.printf(
        "cluster crash test %s: %d batches acknowledged, %d entries expected, returned per querier %s; queries during the run: %d complete, %d partial (503), %d unavailable; pushes %s; Kafka outage 503s %d, PostgreSQL outage 503s %d and 204s %d; alert firings %s%n",
        result.passed() ? "PASSED" : "FAILED", result.batchesAcknowledged(), result.entriesExpected(), result.entriesReturnedPerQuerier(), result.completeAnswers(),
        result.partialAnswers(), result.unavailableAnswers(), new java.util.TreeMap<>(pushAnswers), result.kafkaOutage503(), result.postgresOutage503(),
        result.postgresOutage204(), result.firings());
    for (String problem : result.problems()) {
      out.println("  problem: " + problem);
    }
    if (!result.passed()) {
      out.println("  processes: " + cluster.describe() + " logs in " + options.workDir());
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 297) + "...";
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

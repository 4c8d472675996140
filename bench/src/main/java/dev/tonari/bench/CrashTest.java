package dev.tonari.bench;

import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Proves that an acknowledged push survives {@code kill -9} and is stored once: pushers send
 * batches of unique, numbered lines to the real server while it is killed with SIGKILL at random
 * moments and restarted on the same data directory, many times. A batch that got no 204 is sent
 * again (possibly after the server had stored it, which the store must deduplicate), and some
 * acknowledged batches are deliberately sent twice. At the end every entry is read back with
 * forward {@code query_range} paging and must appear exactly once.
 *
 * <p>Run with {@code bench/crash-test.sh [--kills N]}; {@code CrashRecoveryTest} runs a short form
 * in the build.
 */
public final class CrashTest {
  static final String TENANT = "crash-test";
  static final int STREAMS = 8;

  /**
   * @param jar the shaded tonari.jar
   * @param workDir holds the data directory and the server log (emptied first)
   * @param kills how many times the server is SIGKILLed
   * @param maxBatches stop creating new batches after this many
   * @param entriesPerBatch lines per push
   * @param pushers concurrent pushing threads
   * @param minUptime shortest time the server runs before a kill
   * @param maxUptime longest time the server runs before a kill
   * @param pushInterval pause of each pusher between pushes, so that pushing spans all the kills
   */
  public record Options(
      Path jar, Path workDir, int kills, int maxBatches, int entriesPerBatch, int pushers, Duration minUptime, Duration maxUptime,
      Duration pushInterval, long seed) {}

  /** What happened; {@link #passed()} is the verdict. */
  public record Result(
      int kills, int batchesAcknowledged, long entriesExpected, long entriesReturned, long entriesMissing, long entriesDuplicated,
      long entriesUnexpected, long pushRetries, long duplicatePushes, List<String> problems) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  private final Options options;
  private final PrintStream out;
  private final AtomicReference<LokiHttpClient> currentServer = new AtomicReference<>();
  private final AtomicReferenceArray<Boolean> acknowledged;
  private final NumberedBatches batches;
  private final AtomicInteger acknowledgedCount = new AtomicInteger();
  private final BatchQueue queue;
  private final AtomicLong retryCount = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

  public CrashTest(Options options, PrintStream out) {
    this.options = options;
    this.queue = new BatchQueue(options.maxBatches());
    this.out = out;
    // Recent timestamps, so that the default old-sample rejection accepts them; one microsecond
    // apart so that each entry's timestamp is unique and paging by time is exact.
    long baseNanos = (System.currentTimeMillis() - 600_000L) * 1_000_000L;
    this.acknowledged = new AtomicReferenceArray<>(options.maxBatches());
    this.batches = new NumberedBatches(TENANT, STREAMS, options.entriesPerBatch(), baseNanos);
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("cli/target/tonari.jar");
    Path workDir = Path.of("bench/work/crash");
    int kills = 20;
    int maxBatches = 20_000;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]);
        case "--work-dir" -> workDir = Path.of(args[++i]);
        case "--kills" -> kills = Integer.parseInt(args[++i]);
        case "--max-batches" -> maxBatches = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: CrashTest [--jar tonari.jar] [--work-dir DIR] [--kills N] [--max-batches N] [--seed S]; unknown: " + args[i]);
          System.exit(2);
        }
      }
    }
    Options options = new Options(jar, workDir, kills, maxBatches, 50, 4, Duration.ofMillis(300), Duration.ofMillis(2500), Duration.ofMillis(5), seed);
    Result result = new CrashTest(options, System.out).run();
    System.exit(result.passed() ? 0 : 1);
  }

  public Result run() throws IOException, InterruptedException {
    if (!Files.isRegularFile(options.jar())) {
      throw new IOException("server jar " + options.jar().toAbsolutePath() + " not found; build it with ./mvnw -q -DskipTests package");
    }
    Path dataDir = options.workDir().resolve("data");
    Path logFile = options.workDir().resolve("server.log");
    deleteRecursively(options.workDir());
    Files.createDirectories(options.workDir());
    out.printf("crash test: %d kills, seed %d, data in %s, server log %s%n", options.kills(), options.seed(), dataDir, logFile);
    Random random = new Random(options.seed());
    List<Thread> pushers = new ArrayList<>();
    for (int i = 0; i < options.pushers(); i++) {
      pushers.add(Thread.ofPlatform().name("crash-pusher-" + i).start(this::pushLoop));
    }
    ServerProcess server = null;
    try {
      for (int kill = 1; kill <= options.kills(); kill++) {
        server = ServerProcess.start(options.jar(), dataDir, logFile, List.of("-Xmx512m"), Duration.ofSeconds(120));
        currentServer.set(server.client());
        long uptimeMillis = options.minUptime().toMillis() + random.nextLong(Math.max(1, options.maxUptime().toMillis() - options.minUptime().toMillis()));
        Thread.sleep(uptimeMillis);
        currentServer.set(null);
        server.killHard();
        out.printf("  kill %2d/%d after %4d ms: %d batches acknowledged, %d waiting for retry%n", kill, options.kills(), uptimeMillis, acknowledgedCount.get(), queue.waitingForRetry());
      }
      // Last life: stop creating batches, let every outstanding batch be acknowledged.
      queue.stopCreating();
      server = ServerProcess.start(options.jar(), dataDir, logFile, List.of("-Xmx512m"), Duration.ofSeconds(120));
      currentServer.set(server.client());
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (acknowledgedCount.get() < queue.created() && System.nanoTime() < deadline && problems.isEmpty()) {
        Thread.sleep(20);
      }
      running.set(false);
      for (Thread pusher : pushers) {
        pusher.join(Duration.ofSeconds(60));
      }
      int batches = queue.created();
      if (acknowledgedCount.get() < batches) {
        problems.add((batches - acknowledgedCount.get()) + " batches never acknowledged after the last restart");
      }
      long duplicatePushes = pushDuplicates(server.client(), random, batches);
      // A graceful restart as well, so that the head is flushed to parts and read back from them.
      server.stopGracefully(Duration.ofSeconds(120));
      server = ServerProcess.start(options.jar(), dataDir, logFile, List.of("-Xmx512m"), Duration.ofSeconds(120));
      Result result = verify(server.client(), batches, duplicatePushes);
      server.stopGracefully(Duration.ofSeconds(120));
      printSummary(result);
      return result;
    } finally {
      running.set(false);
      for (Thread pusher : pushers) {
        pusher.interrupt();
        pusher.join(Duration.ofSeconds(10));
      }
      if (server != null) {
        server.close();
      }
    }
  }

  private void pushLoop() {
    while (running.get()) {
      int batch = queue.take();
      if (batch < 0) {
        sleepQuietly(10);
        continue;
      }
      LokiHttpClient client = currentServer.get();
      if (client == null) {
        queue.retry(batch);
        sleepQuietly(20);
        continue;
      }
      try {
        int status = client.push(TENANT, PushEncoder.encode(batchRequest(batch), batch % 2 == 0 ? PushEncoder.Format.JSON_GZIP : PushEncoder.Format.PROTOBUF_SNAPPY));
        if (status == 204) {
          if (acknowledged.compareAndSet(batch, null, Boolean.TRUE)) {
            acknowledgedCount.incrementAndGet();
          }
          sleepQuietly(options.pushInterval().toMillis());
        } else {
          retryCount.incrementAndGet();
          queue.retry(batch);
        }
      } catch (IOException e) {
        // Connection refused or reset: the server is being killed. A 4xx also lands here; that
        // is a bug in the server or in this test, so it is recorded rather than retried forever.
        if (e.getMessage() != null && e.getMessage().contains("refused with 4")) {
          problems.add("batch " + batch + ": " + e.getMessage());
          running.set(false);
          return;
        }
        retryCount.incrementAndGet();
        queue.retry(batch);
        sleepQuietly(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Batch {@code b} always has the same content, so a retry is an exact duplicate. */
  PushRequest batchRequest(int batch) {
    return batches.request(batch);
  }

  private long pushDuplicates(LokiHttpClient client, Random random, int batches) throws IOException, InterruptedException {
    long pushed = 0;
    int count = Math.max(1, batches / 10);
    for (int i = 0; i < count && batches > 0; i++) {
      int batch = random.nextInt(batches);
      int status = client.push(TENANT, PushEncoder.encode(batchRequest(batch), PushEncoder.Format.JSON_GZIP));
      if (status != 204) {
        problems.add("duplicate push of batch " + batch + " answered " + status);
      }
      pushed++;
    }
    return pushed;
  }

  private Result verify(LokiHttpClient client, int batchCount, long duplicatePushes) throws IOException, InterruptedException {
    NumberedBatches.ReadBack readBack = batches.readBack(client, TENANT, batchCount);
    problems.addAll(readBack.allProblems("read-back"));
    return new Result(options.kills(), acknowledgedCount.get(), readBack.expected(), readBack.returned(), readBack.missing(), readBack.duplicated(),
        readBack.unexpected(), retryCount.get(), duplicatePushes, List.copyOf(problems));
  }

  private void printSummary(Result result) {
    out.printf(
        "crash test %s: %d kills, %d batches acknowledged, %d entries expected, %d returned, %d missing, %d duplicated, %d unexpected; %d push retries, %d deliberate duplicate pushes%n",
        result.passed() ? "PASSED" : "FAILED", result.kills(), result.batchesAcknowledged(), result.entriesExpected(), result.entriesReturned(),
        result.entriesMissing(), result.entriesDuplicated(), result.entriesUnexpected(), result.pushRetries(), result.duplicatePushes());
    for (String problem : result.problems()) {
      out.println("  problem: " + problem);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

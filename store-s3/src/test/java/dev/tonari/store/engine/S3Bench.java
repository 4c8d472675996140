package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.ObjectRequestCounters.Operation;
import dev.tonari.store.object.s3.S3ObjectStore;
import dev.tonari.store.object.s3.S3ProxyServer;
import dev.tonari.store.object.s3.S3Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The S3 benchmark ({@code bench/s3.sh}): one generated corpus ingested into a store on local
 * disk and into one on s3proxy (in this JVM, on loopback); then needle, regex and metric queries
 * on a fresh server with an empty data directory (cold cache), again (warm cache), and on local
 * storage, with bytes fetched against bytes stored, S3 requests and times. Store-level (no HTTP):
 * the figures are the storage's own.
 */
public final class S3Bench {
  /** What one query cost. */
  record QueryCost(String query, long matches, double coldMillis, double warmMillis, double localMillis, long coldBytesFetched, long coldGets,
      long warmBytesFetched, long blocksRead) {}

  /** A run's figures. */
  record Result(long lines, long rawBytes, long storedBytes, long parts, double localIngestLinesPerSecond, double s3IngestLinesPerSecond,
      long ingestPuts, double openMillis, long openGets, List<QueryCost> queries) {}

  private static final String NEEDLE = "trace_id=7f3a9c2b1d5e8f40";

  private S3Bench() {}

  public static void main(String[] args) throws Exception {
    int lines = 300_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--lines") && i + 1 < args.length) {
        lines = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException("usage: S3Bench [--lines N], got " + args[i]);
      }
    }
    Path work = Files.createTempDirectory("tonari-s3-bench-");
    try (S3ProxyServer server = S3ProxyServer.start()) {
      Result result = run(server, work, lines, 5);
      print(result, System.out);
    } finally {
      deleteRecursively(work);
    }
  }

  static Result run(S3ProxyServer server, Path work, int lines, int warmRounds) throws IOException {
    S3Settings settings = server.settings(server.createBucket(), "bench");
    List<StreamBatch> corpus = corpus(lines, new Random(20261206));
    long rawBytes = 0;
    for (StreamBatch batch : corpus) {
      for (LogEntry entry : batch.entries()) {
        rawBytes += entry.line().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    Path localDir = work.resolve("local");
    double localRate = ingest(DiskLogStore.open(config(localDir)), corpus, lines);
    double s3Rate;
    long puts;
    try (S3ObjectStore objects = S3ObjectStore.open(settings)) {
      s3Rate = ingest(DiskLogStore.open(config(work.resolve("s3-writer")).withObjectStore(objects).withRemote(remote(work.resolve("s3-writer-cache")))), corpus, lines);
      puts = objects.counters().requests(Operation.PUT);
    }
    try (S3ObjectStore objects = S3ObjectStore.open(settings);
        DiskLogStore local = DiskLogStore.open(config(localDir))) {
      long stored = objects.list("").stream().filter(o -> o.key().contains("/parts/")).mapToLong(ObjectInfo::size).sum();
      long parts = objects.list("").stream().filter(o -> o.key().contains("/parts/")).count();
      long getsBefore = objects.counters().requests(Operation.GET);
      long openStart = System.nanoTime();
      DiskLogStore opened = DiskLogStore.open(config(work.resolve("s3-open")).withObjectStore(objects).withRemote(remote(work.resolve("s3-open-cache"))));
      double openMillis = (System.nanoTime() - openStart) / 1e6;
      long openGets = objects.counters().requests(Operation.GET) - getsBefore;
      opened.close();
      List<QueryCost> costs = new ArrayList<>();
      List<Query> queries = queries();
      for (int q = 0; q < queries.size(); q++) {
        // Each query gets a fresh server with an empty data directory and cache: its cold run is really cold.
        try (DiskLogStore fresh = DiskLogStore.open(config(work.resolve("s3-fresh-" + q)).withObjectStore(objects).withRemote(remote(work.resolve("s3-fresh-cache-" + q))))) {
          costs.add(measure(queries.get(q), fresh, local, objects, warmRounds));
        }
      }
      return new Result(lines, rawBytes, stored, parts, localRate, s3Rate, puts, openMillis, openGets, costs);
    }
  }

  private static DiskLogStoreConfig config(Path directory) {
    return DiskLogStoreConfig.defaults(directory).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null)
        .withFlushHeadBytes(16L << 20);
  }

  private static RemoteStorageOptions remote(Path cache) {
    return RemoteStorageOptions.defaults().withCache(cache, 1L << 30);
  }

  /** Appends the corpus in pushes of 1000 lines, flushing (uploading) as the head fills, then merges level 0 as a graceful stop does. */
  private static double ingest(DiskLogStore store, List<StreamBatch> corpus, int lines) throws IOException {
    long start = System.nanoTime();
    try (store) {
      int[] next = new int[corpus.size()];
      boolean more = true;
      while (more) {
        more = false;
        for (int s = 0; s < corpus.size(); s++) {
          List<LogEntry> entries = corpus.get(s).entries();
          if (next[s] < entries.size()) {
            int end = Math.min(entries.size(), next[s] + 1000);
            store.append("bench", List.of(new StreamBatch(corpus.get(s).labels(), entries.subList(next[s], end))));
            next[s] = end;
            more = true;
          }
        }
        if (store.metrics().headBytes() >= 16L << 20) {
          store.flush();
        }
      }
      store.flush();
      store.mergeLevelZeroParts();
    }
    return lines / ((System.nanoTime() - start) / 1e9);
  }

  /** A query at the store level: its request and how its result is reduced to one number. */
  record Query(String name, SelectRequest request, boolean countPerMinute) {}

  static List<Query> queries() {
    List<String> needle = List.of(NEEDLE);
    Pattern status5xx = Pattern.compile("status=5\\d\\d");
    LinePredicate regex = (buffer, offset, length) -> status5xx.matcher(new String(buffer, offset, length, StandardCharsets.ISO_8859_1)).find();
    List<String> error = List.of("level=error");
    return List.of(
        new Query("needle |= \"" + NEEDLE + "\"", new SelectRequest("bench", l -> true, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD,
            LiteralLinePredicate.containingAll(needle), needle), false),
        new Query("regex |~ \"status=5\\\\d\\\\d\"", new SelectRequest("bench", l -> true, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, regex, List.of()), false),
        new Query("metric count_over_time({} |= \"level=error\" [1m])", new SelectRequest("bench", l -> true, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD,
            LiteralLinePredicate.containingAll(error), error), true));
  }

  private static QueryCost measure(Query query, DiskLogStore s3, DiskLogStore local, S3ObjectStore objects, int warmRounds) throws IOException {
    long fetchedBefore = s3.metrics().remoteBytesFetched();
    long getsBefore = objects.counters().requests(Operation.GET);
    long blocksBefore = s3.metrics().blocksRead();
    long start = System.nanoTime();
    long matches = execute(s3, query);
    double cold = (System.nanoTime() - start) / 1e6;
    long coldFetched = s3.metrics().remoteBytesFetched() - fetchedBefore;
    long coldGets = objects.counters().requests(Operation.GET) - getsBefore;
    long blocks = s3.metrics().blocksRead() - blocksBefore;
    long warmFetchedBefore = s3.metrics().remoteBytesFetched();
    double warm = Double.MAX_VALUE;
    double localBest = Double.MAX_VALUE;
    for (int round = 0; round < warmRounds; round++) {
      long t = System.nanoTime();
      long warmMatches = execute(s3, query);
      warm = Math.min(warm, (System.nanoTime() - t) / 1e6);
      t = System.nanoTime();
      long localMatches = execute(local, query);
      localBest = Math.min(localBest, (System.nanoTime() - t) / 1e6);
      if (warmMatches != matches || localMatches != matches) {
        throw new IllegalStateException(query.name() + ": S3 cold " + matches + ", warm " + warmMatches + ", local " + localMatches + " results");
      }
    }
    return new QueryCost(query.name(), matches, cold, warm, localBest, coldFetched, coldGets, s3.metrics().remoteBytesFetched() - warmFetchedBefore, blocks);
  }

  /** Entries found, or for a metric query the number of non-empty (stream, minute) buckets. */
  static long execute(DiskLogStore store, Query query) throws IOException {
    long count = 0;
    java.util.HashSet<String> buckets = new java.util.HashSet<>();
    List<EntryCursor> cursors = store.select(query.request());
    try {
      for (EntryCursor cursor : cursors) {
        while (cursor.next()) {
          if (query.countPerMinute()) {
            buckets.add(cursor.labels() + "@" + cursor.timestamp() / 60_000_000_000L);
          } else {
            count++;
          }
        }
      }
    } finally {
      for (EntryCursor cursor : cursors) {
        cursor.close();
      }
    }
    return query.countPerMinute() ? buckets.size() : count;
  }

  /** Lines like a service's logs: 12 streams over 24 h, a trace id and user per line, one needle. */
  static List<StreamBatch> corpus(int lines, Random random) {
    String[] apps = {"api", "web", "worker", "billing"};
    String[] levels = {"info", "warn", "error"};
    String[] paths = {"/api/v1/users", "/api/v1/orders", "/checkout", "/login", "/static/app.js", "/api/v1/search"};
    List<List<LogEntry>> streams = new ArrayList<>();
    List<Labels> labels = new ArrayList<>();
    for (String app : apps) {
      for (String level : levels) {
        labels.add(Labels.of("app", app, "level", level, "env", "prod"));
        streams.add(new ArrayList<>());
      }
    }
    long start = 1_780_000_000_000_000_000L;
    long step = 86_400_000_000_000L / lines;
    StringBuilder line = new StringBuilder(200);
    int needleAt = lines * 2 / 3;
    for (int i = 0; i < lines; i++) {
      int app = random.nextInt(apps.length);
      int level = random.nextInt(100) < 85 ? 0 : random.nextInt(100) < 70 ? 1 : 2;
      line.setLength(0);
      line.append("level=").append(levels[level]).append(" method=").append(random.nextInt(4) == 0 ? "POST" : "GET")
          .append(" path=").append(paths[random.nextInt(paths.length)]).append('/').append(random.nextInt(10_000))
          .append(" status=").append(level == 2 ? (random.nextBoolean() ? 500 : 503) : random.nextInt(10) == 0 ? 404 : 200)
          .append(" duration=").append(1 + random.nextInt(900)).append("ms trace_id=");
      if (i == needleAt) {
        line.append(NEEDLE.substring("trace_id=".length()));
      } else {
        line.append(Long.toHexString(random.nextLong() | Long.MIN_VALUE));
      }
      line.append(" user=").append(random.nextInt(200_000)).append(" msg=\"").append(level == 2 ? "upstream timed out" : "request served").append('"');
      streams.get(app * levels.length + level).add(new LogEntry(start + i * step, line.toString()));
    }
    List<StreamBatch> corpus = new ArrayList<>();
    for (int s = 0; s < streams.size(); s++) {
      corpus.add(new StreamBatch(labels.get(s), streams.get(s)));
    }
    return corpus;
  }

  static void print(Result r, PrintStream out) {
    out.printf(Locale.ROOT, "corpus: %,d lines, %.1f MB raw, %.1f MB stored in %d parts (%.1fx)%n", r.lines(), r.rawBytes() / 1e6, r.storedBytes() / 1e6,
        r.parts(), (double) r.rawBytes() / r.storedBytes());
    out.printf(Locale.ROOT, "ingest: local %,.0f lines/s, S3 %,.0f lines/s with uploads (%.2fx), %d PUT requests%n", r.localIngestLinesPerSecond(),
        r.s3IngestLinesPerSecond(), r.s3IngestLinesPerSecond() / r.localIngestLinesPerSecond(), r.ingestPuts());
    out.printf(Locale.ROOT, "fresh server open on the bucket: %.0f ms, %d GET (one commit per part: index and bloom filters)%n", r.openMillis(), r.openGets());
    out.printf(Locale.ROOT, "%-52s %8s %9s %9s %9s %7s %11s %8s %6s %7s%n", "query", "results", "cold ms", "warm ms", "local ms", "warm/l",
        "cold fetch", "% stored", "GETs", "blocks");
    for (QueryCost q : r.queries()) {
      out.printf(Locale.ROOT, "%-52s %8d %9.1f %9.1f %9.1f %7.2f %9.2fMB %7.3f%% %6d %7d%n", q.query(), q.matches(), q.coldMillis(), q.warmMillis(),
          q.localMillis(), q.warmMillis() / q.localMillis(), q.coldBytesFetched() / 1e6, 100.0 * q.coldBytesFetched() / r.storedBytes(), q.coldGets(), q.blocksRead());
    }
    out.println("warm-cache runs fetched " + r.queries().stream().mapToLong(QueryCost::warmBytesFetched).sum() + " bytes from S3");
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}

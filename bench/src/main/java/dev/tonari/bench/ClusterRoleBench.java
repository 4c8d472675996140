package dev.tonari.bench;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.cluster.catalog.CatalogPart;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.OffsetCommit;
import dev.tonari.cluster.catalog.PasswordSource;
import dev.tonari.cluster.catalog.PostgresClusterCatalog;
import dev.tonari.cluster.catalog.PostgresSettings;
import dev.tonari.cluster.ingester.Ingester;
import dev.tonari.cluster.ingester.IngesterSettings;
import dev.tonari.cluster.log.KafkaPushLog;
import dev.tonari.cluster.log.KafkaSettings;
import dev.tonari.cluster.log.KafkaTopics;
import dev.tonari.cluster.testing.KafkaServer;
import dev.tonari.cluster.testing.PostgresServer;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.object.LocalObjectStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-role cost of a cluster, measured on this machine against the single-node store doing the
 * same work in the same run, for docs/scaling.md. Every figure is CPU time as well as wall time:
 * on a shared 2-core machine wall time says little, CPU-seconds per million lines say what a core
 * of each role does.
 *
 * <ul>
 *   <li><b>distributor</b>: the same push batches through {@link KafkaPushLog} (acks=all,
 *       idempotent; the broker is a child JVM, its CPU is counted separately) against {@link
 *       DiskLogStore#append} of a single node (WAL with group commit);
 *   <li><b>ingester</b>: an {@link Ingester} consuming the topic into parts with offsets committed
 *       in PostgreSQL, against the single node's flush of the same lines;
 *   <li><b>querier</b>: a full scan of the ingesters' parts through the catalog against the same
 *       scan on the single node's parts;
 *   <li><b>catalog</b>: commits per second of one part with its offset, and bytes per part row.
 * </ul>
 *
 * Usage: {@code ClusterRoleBench [--lines N] [--work DIR]} (see bench/cluster/roles.sh).
 */
public final class ClusterRoleBench {
  private static final int PARTITIONS = 6;
  private static final int PUSHERS = 4;
  private static final int LINES_PER_PUSH = 1000;
  /** An hour ago: within every store's retention, so nothing of the corpus expires during the run. */
  private static final long START_NANOS = (System.currentTimeMillis() - 3_600_000L) * 1_000_000L;

  private ClusterRoleBench() {}

  /** CPU-seconds and wall seconds of one phase; {@code childCpu} is the broker's and PostgreSQL's. */
  record Cost(double wallSeconds, double cpuSeconds, double childCpuSeconds) {
    String describe(long lines) {
      return String.format(
          Locale.ROOT, "%,10.0f lines/s wall  %6.2f CPU-s per M lines  (+%5.2f broker/PostgreSQL CPU-s per M lines)",
          lines / wallSeconds, cpuSeconds * 1e6 / lines, childCpuSeconds * 1e6 / lines);
    }
  }

  public static void main(String[] args) throws Exception {
    int lines = 600_000;
    Path work = Path.of("bench/work/cluster-roles");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--lines" -> lines = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        default -> {
          System.err.println("usage: ClusterRoleBench [--lines N] [--work DIR]; unknown argument: " + args[i]);
          System.exit(2);
        }
      }
    }
    if (PostgresServer.installedBin().isEmpty() || !KafkaServer.available()) {
      System.out.println("skipped: PostgreSQL or Kafka not installed");
      return;
    }
    CrashTest.deleteRecursively(work);
    Files.createDirectories(work);
    Map<String, List<List<StreamBatch>>> pushes = new TreeMap<>();
    long rawBytes = generate(lines, pushes);
    System.out.printf(Locale.ROOT, "corpus: %,d lines, %.1f MB raw, %d pushes of %d lines, %d pushers, %d partitions%n",
        lines, rawBytes / 1e6, pushes.values().stream().mapToInt(List::size).sum(), LINES_PER_PUSH, PUSHERS, PARTITIONS);

    try (KafkaServer kafka = KafkaServer.launch(Map.of("num.partitions", Integer.toString(PARTITIONS)));
        PostgresServer postgres = PostgresServer.start("roles")) {
      PostgresServer.Database database = postgres.createDatabase();
      PostgresSettings settings = new PostgresSettings(database.jdbcUrl(), database.user(), new PasswordSource.Direct(database.password()), 4, Duration.ofSeconds(5), "tonari");
      KafkaSettings topic = KafkaSettings.defaults(kafka.bootstrapServers(), "roles", PARTITIONS).withReplicationFactor(1).withConsumerGroup("roles-ingesters");
      KafkaTopics.ensure(topic);

      // Single node, the baseline: the same pushes appended, then flushed.
      Path single = work.resolve("single");
      Cost singleAppend;
      Cost singleFlush;
      try (DiskLogStore store = DiskLogStore.open(DiskLogStoreConfig.defaults(single).withFlushHeadBytes(1L << 40).withFlushAge(Duration.ofDays(1)), 0)) {
        singleAppend = measure(() -> pushAll(pushes, store::append));
        singleFlush = measure(store::flush);
      }

      Cost distributor;
      try (KafkaPushLog pushLog = new KafkaPushLog(topic, "bench-distributor")) {
        distributor = measure(() -> pushAll(pushes, pushLog::append));
      }

      long records = 0;
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(topic.adminProperties())) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
          latest.put(new org.apache.kafka.common.TopicPartition(topic.topic(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        for (var offset : admin.listOffsets(latest).all().get().values()) {
          records += offset.offset();
        }
      }
      long expectedRecords = records;

      Path objects = work.resolve("objects");
      Files.createDirectories(objects);
      Cost ingester;
      long parts;
      try (PostgresClusterCatalog catalog = PostgresClusterCatalog.open(settings);
          LocalObjectStore objectStore = new LocalObjectStore(objects)) {
        Ingester running = new Ingester(topic, catalog, objectStore,
            new IngesterSettings("bench-ingester", "127.0.0.1:0", work.resolve("ingester"), 64L << 20, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10)));
        try {
          ingester = measure(() -> {
            running.start();
            awaitCommitted(catalog, topic.topic(), expectedRecords);
          });
        } finally {
          running.close();
        }
        parts = catalog.liveParts().size();

        Cost singleScan;
        Cost querierScan;
        try (DiskLogStore store = DiskLogStore.open(DiskLogStoreConfig.defaults(single), 0)) {
          measureScan(store, lines); // warms the scan path and the page cache
          singleScan = measureScan(store, lines);
        }
        try (DiskLogStore querier = DiskLogStore.open(DiskLogStoreConfig.defaults(work.resolve("querier")).withObjectStore(objectStore)
            .withPartCatalogue(new ClusterPartCatalogue(catalog)).withRemote(dev.tonari.store.engine.RemoteStorageOptions.defaults().withReadOnly(true, Duration.ofSeconds(10))), 0)) {
          measureScan(querier, lines);
          querierScan = measureScan(querier, lines);
        }

        System.out.println();
        System.out.println("role         what                                   figure");
        System.out.println("single node  append (WAL, group commit)             " + singleAppend.describe(lines));
        System.out.println("distributor  produce to Kafka, acks=all             " + distributor.describe(lines)
            + String.format(Locale.ROOT, "  ratio CPU %.2fx", distributor.cpuSeconds() / singleAppend.cpuSeconds()));
        System.out.println("single node  flush to parts                         " + singleFlush.describe(lines));
        System.out.println("ingester     consume, head, parts, catalog commit   " + ingester.describe(lines)
            + String.format(Locale.ROOT, "  ratio CPU %.2fx (against append+flush)", ingester.cpuSeconds() / (singleAppend.cpuSeconds() + singleFlush.cpuSeconds())));
        System.out.println("single node  full scan of its parts                 " + singleScan.describe(lines)
            + String.format(Locale.ROOT, "  %.0f MB/s raw per CPU-s", rawBytes / 1e6 / singleScan.cpuSeconds()));
        System.out.println("querier      full scan of parts via the catalog     " + querierScan.describe(lines)
            + String.format(Locale.ROOT, "  %.0f MB/s raw per CPU-s, ratio CPU %.2fx", rawBytes / 1e6 / querierScan.cpuSeconds(), querierScan.cpuSeconds() / singleScan.cpuSeconds()));
        System.out.printf(Locale.ROOT, "ingester     parts registered: %d for %,d Kafka records (%,d lines per part)%n", parts, expectedRecords, lines / Math.max(1, parts));
      }
      catalogFigures(settings, postgres, database);
    }
  }

  /** Commits of one part and its offset per second from 4 threads, and the bytes a part's row takes. */
  private static void catalogFigures(PostgresSettings base, PostgresServer postgres, PostgresServer.Database database) throws Exception {
    PostgresSettings settings = new PostgresSettings(base.jdbcUrl(), base.user(), base.password(), 4, base.connectTimeout(), "catalog_bench");
    int commitsPerThread = 500;
    try (PostgresClusterCatalog catalog = PostgresClusterCatalog.open(settings)) {
      AtomicReference<Exception> failure = new AtomicReference<>();
      AtomicInteger partition = new AtomicInteger();
      Cost cost = measure(() -> {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
          int owned = partition.getAndIncrement();
          threads[t] = Thread.ofPlatform().start(() -> {
            try {
              long offset = -1;
              for (int i = 0; i < commitsPerThread; i++) {
                long sequence = catalog.nextPartSequence();
                CatalogPart part = new CatalogPart("tenant-" + owned + "/parts/00-" + String.format(Locale.ROOT, "%020d", sequence) + ".part",
                    "tenant-" + owned, START_NANOS + i, START_NANOS + i + 1_000_000_000L, 10_000, 1_500_000, owned, offset + 1, offset + 100);
                catalog.commit(List.of(part), List.of(), List.of(new OffsetCommit("bench", owned, offset, offset + 100, "member-" + owned)));
                offset += 100;
              }
            } catch (RuntimeException e) {
              failure.set(e);
            }
          });
        }
        for (Thread thread : threads) {
          thread.join();
        }
      });
      if (failure.get() != null) {
        throw failure.get();
      }
      int commits = commitsPerThread * 4;
      long tableBytes;
      long rows;
      try (Connection connection = postgres.connect(database.name());
          Statement statement = connection.createStatement()) {
        statement.execute("VACUUM ANALYZE catalog_bench.parts");
        try (ResultSet result = statement.executeQuery("SELECT pg_total_relation_size('catalog_bench.parts'), count(*) FROM catalog_bench.parts")) {
          result.next();
          tableBytes = result.getLong(1);
          rows = result.getLong(2);
        }
      }
      System.out.printf(Locale.ROOT, "catalog      commit of 1 part + its offset, 4 writers  %,.0f commits/s wall, %.2f ms CPU per commit here (+%.2f ms PostgreSQL)%n",
          commits / cost.wallSeconds(), cost.cpuSeconds() * 1e3 / commits, cost.childCpuSeconds() * 1e3 / commits);
      System.out.printf(Locale.ROOT, "catalog      parts table with indexes: %,d bytes for %,d rows = %.0f bytes per part%n", tableBytes, rows, (double) tableBytes / rows);
    }
  }

  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  @FunctionalInterface
  interface Append {
    void append(String tenant, List<StreamBatch> streams) throws Exception;
  }

  private static Cost measure(Work work) throws Exception {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    double childBefore = childrenCpuSeconds();
    long start = System.nanoTime();
    work.run();
    double wall = (System.nanoTime() - start) / 1e9;
    return new Cost(wall, (os.getProcessCpuTime() - cpuBefore) / 1e9, childrenCpuSeconds() - childBefore);
  }

  /**
   * CPU of the broker's JVM (a child of this one) and of PostgreSQL's processes (pg_ctl detaches
   * the postmaster, so they are found by name; the machine runs no other PostgreSQL meanwhile).
   */
  private static double childrenCpuSeconds() {
    java.util.Set<ProcessHandle> counted = new java.util.HashSet<>();
    ProcessHandle.current().descendants().forEach(counted::add);
    ProcessHandle.allProcesses().filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false)).forEach(counted::add);
    return counted.stream().mapToDouble(process -> process.info().totalCpuDuration().map(duration -> duration.toNanos() / 1e9).orElse(0.0)).sum();
  }

  private static void pushAll(Map<String, List<List<StreamBatch>>> pushes, Append target) throws Exception {
    List<Map.Entry<String, List<StreamBatch>>> all = new ArrayList<>();
    pushes.forEach((tenant, list) -> list.forEach(push -> all.add(Map.entry(tenant, push))));
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread[] threads = new Thread[PUSHERS];
    for (int t = 0; t < PUSHERS; t++) {
      threads[t] = Thread.ofPlatform().start(() -> {
        try {
          for (int i = next.getAndIncrement(); i < all.size() && failure.get() == null; i = next.getAndIncrement()) {
            target.append(all.get(i).getKey(), all.get(i).getValue());
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      });
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  /** Waits (bounded) until the catalog's committed offsets cover every record of the topic. */
  private static void awaitCommitted(ClusterCatalog catalog, String topic, long records) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (true) {
      long committed = catalog.committedOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
      if (committed >= records) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ingester committed " + committed + " of " + records + " records of topic " + topic + " within 10 minutes");
      }
      Thread.sleep(50);
    }
  }

  /**
   * A full scan of every tenant with a line filter no block index can answer, so every block is
   * read and none matches; then, outside the measurement, every line is counted once.
   */
  private static Cost measureScan(DiskLogStore store, long expectedLines) throws Exception {
    long[] matched = new long[1];
    Cost cost = measure(() -> {
      for (String tenant : store.tenants()) {
        SelectRequest request = new SelectRequest(tenant, labels -> true, 0, Long.MAX_VALUE, Direction.FORWARD, (buffer, offset, length) -> length < 0, List.of());
        for (EntryCursor cursor : store.select(request)) {
          try (cursor) {
            while (cursor.next()) {
              matched[0]++;
            }
          }
        }
      }
    });
    long seen = 0;
    for (String tenant : store.tenants()) {
      seen += countAll(store, tenant);
    }
    if (matched[0] != 0 || seen != expectedLines) {
      throw new IllegalStateException("the scan found " + seen + " lines, not the " + expectedLines + " pushed (lines lost or doubled), and matched " + matched[0]);
    }
    return cost;
  }

  private static long countAll(DiskLogStore store, String tenant) throws IOException {
    long count = 0;
    for (EntryCursor cursor : store.select(SelectRequest.all(tenant, 0, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          count++;
        }
      }
    }
    return count;
  }

  /** Generated lines grouped into pushes of {@link #LINES_PER_PUSH} lines per tenant, by stream as an agent batches. */
  private static long generate(int lines, Map<String, List<List<StreamBatch>>> pushes) {
    LogGenerator generator = new LogGenerator(1, GeneratorOptions.benchmark());
    Map<String, Map<Labels, List<LogEntry>>> open = new TreeMap<>();
    Map<String, Integer> openLines = new TreeMap<>();
    long rawBytes = 0;
    for (int i = 0; i < lines; i++) {
      GeneratedLine line = generator.nextLine(START_NANOS + i * 10_000L);
      rawBytes += line.entry().line().length() + 1;
      open.computeIfAbsent(line.tenant(), t -> new TreeMap<>()).computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
      if (openLines.merge(line.tenant(), 1, Integer::sum) == LINES_PER_PUSH) {
        close(line.tenant(), open, openLines, pushes);
      }
    }
    for (String tenant : List.copyOf(open.keySet())) {
      close(tenant, open, openLines, pushes);
    }
    return rawBytes;
  }

  private static void close(String tenant, Map<String, Map<Labels, List<LogEntry>>> open, Map<String, Integer> openLines, Map<String, List<List<StreamBatch>>> pushes) {
    Map<Labels, List<LogEntry>> streams = open.remove(tenant);
    openLines.remove(tenant);
    if (streams == null) {
      return;
    }
    List<StreamBatch> push = new ArrayList<>();
    streams.forEach((labels, entries) -> push.add(new StreamBatch(labels, entries)));
    pushes.computeIfAbsent(tenant, t -> new ArrayList<>()).add(push);
  }
}

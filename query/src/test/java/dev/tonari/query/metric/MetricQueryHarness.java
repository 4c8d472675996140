package dev.tonari.query.metric;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryLimits;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.MergePolicy;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A benchmark harness, not a test: runs the two metric queries of issue 3 ({@code sum by (app)
 * (rate(... | logfmt | status >= 500 [5m]))} and {@code quantile_over_time(0.99, ... | json | unwrap
 * latency_ms [5m]) by (app)}) with the {@link MetricQueryEngine} directly on a benchmark data
 * directory (a copy: opening a store may write to it), over the corpus's whole range at a 5 minute
 * step, for every tenant. Prints the fastest of the timed rounds and the heap: the peak used
 * (garbage included, polled every 5 ms) and the largest heap left after a collection during the
 * query, both after a full GC before the query.
 *
 * <p>Usage: {@code java -Xmx2g -cp <test classpath> dev.tonari.query.metric.MetricQueryHarness
 * <data dir copy> <start nanos> <end nanos> [rounds]}.
 */
public final class MetricQueryHarness {
  private static final List<String> TENANTS = List.of("payments", "search", "platform");
  private static final String RATE = "sum by (app) (rate({env=\"prod\"} | logfmt | status >= 500 [5m]))";
  private static final String QUANTILE =
      "quantile_over_time(0.99, {app=~\"fraud-scorer|billing-cron|query-api|suggest|scheduler\"} | json | unwrap latency_ms [5m]) by (app)";

  private MetricQueryHarness() {}

  public static void main(String[] arguments) throws Exception {
    Path directory = Path.of(arguments[0]);
    long start = Long.parseLong(arguments[1]);
    long end = Long.parseLong(arguments[2]);
    int rounds = arguments.length > 3 ? Integer.parseInt(arguments[3]) : 3;
    long step = Duration.ofMinutes(5).toNanos();
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(directory)
        .withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null)
        .withMergePolicy(MergePolicy.disabled());
    AtomicLong largestAfterCollection = new AtomicLong();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
          used += usage.getUsed();
        }
        largestAfterCollection.accumulateAndGet(used, Math::max);
      }, null, null);
    }
    try (DiskLogStore store = DiskLogStore.open(config)) {
      MetricQueryEngine engine = new MetricQueryEngine(store, new QueryLimits(5000, Duration.ZERO, 500));
      for (String query : List.of(RATE, QUANTILE)) {
        SampleExpr expr = LogqlParser.parseSampleExpr(query);
        long best = Long.MAX_VALUE;
        String shape = "";
        for (int round = 0; round < rounds; round++) {
          long began = System.nanoTime();
          int series = 0;
          for (String tenant : TENANTS) {
            MetricResult result = engine.evaluate(tenant, expr, start, end, step, false);
            series += ((MatrixResult) result).series().size();
          }
          best = Math.min(best, System.nanoTime() - began);
          shape = series + " series";
        }
        System.gc();
        long idle = usedHeap();
        largestAfterCollection.set(0);
        AtomicLong peak = new AtomicLong(idle);
        Thread poller = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            peak.accumulateAndGet(usedHeap(), Math::max);
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        poller.start();
        for (String tenant : TENANTS) {
          engine.evaluate(tenant, expr, start, end, step, false);
        }
        poller.interrupt();
        poller.join();
        System.out.printf(
            "%s%n  fastest of %d: %.3f s (%s); heap MB: peak %d, after GC %s, idle %d%n",
            query, rounds, best / 1e9, shape, peak.get() >> 20,
            largestAfterCollection.get() == 0 ? "no GC" : Long.toString(largestAfterCollection.get() >> 20), idle >> 20);
      }
    }
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

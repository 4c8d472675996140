package dev.tonari.bench;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Measures the heap of another JVM (the server under test) while a piece of work runs: attaches
 * with the Attach API, starts that JVM's local management agent (which accepts local connections
 * only) and reads its memory beans over JMX. No agent, no JFR, no change to how the server is
 * started.
 *
 * <p>{@link #measure} first runs a full GC in the server, so that the heap starts from its live
 * set, resets the pools' peak counters, and then polls every few milliseconds until the work is
 * done. The peak it reports is the largest of: the heap used at any poll, the sum of the heap
 * pools' peak usage (the JVM records it when a collection starts, so it catches growth between
 * polls), and the heap before any collection seen. The peak includes garbage not yet collected,
 * so it mostly follows how large the collector lets the young generation grow; the heap after
 * collections during the work is the better measure of what the work retains, and is reported
 * beside it.
 */
final class HeapSampler implements AutoCloseable {
  private static final long POLL_MILLIS = 5;

  private final long pid;
  private final JMXConnector connector;
  private final MemoryMXBean memory;
  private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
  private final Set<String> heapPoolNames = new HashSet<>();
  private final List<GarbageCollectorMXBean> collectors;

  /**
   * @param baselineBytes heap used after the full GC before the work: the live set it started from
   * @param peakBytes largest heap used seen during the work, garbage included
   * @param maxAfterGcBytes largest heap used right after a collection during the work; -1 when no
   *     collection ran during it
   * @param collections collections seen during the work (at least; two between polls count once)
   */
  record HeapPeak(long baselineBytes, long peakBytes, long maxAfterGcBytes, int collections) {}

  /** The result of the work with the heap it needed. */
  record Measured<T>(T result, HeapPeak heap) {}

  private HeapSampler(long pid, JMXConnector connector) throws IOException {
    this.pid = pid;
    this.connector = connector;
    MBeanServerConnection connection = connector.getMBeanServerConnection();
    this.memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(connection, MemoryPoolMXBean.class)) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool);
        heapPoolNames.add(pool.getName());
      }
    }
    this.collectors = ManagementFactory.getPlatformMXBeans(connection, GarbageCollectorMXBean.class);
  }

  /**
   * Attaches to a running JVM of the same user.
   *
   * @throws IOException when attaching or connecting fails; the message names the pid
   */
  static HeapSampler attach(long pid) throws IOException {
    String address;
    try {
      VirtualMachine machine = VirtualMachine.attach(Long.toString(pid));
      try {
        address = machine.startLocalManagementAgent();
      } finally {
        machine.detach();
      }
    } catch (AttachNotSupportedException | IOException e) {
      throw new IOException("cannot attach to JVM pid " + pid + " to read its heap: " + e.getMessage(), e);
    }
    try {
      return new HeapSampler(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } catch (IOException e) {
      throw new IOException("cannot connect to the management agent of JVM pid " + pid + " at " + address, e);
    }
  }

  /** Runs the work on this thread while another thread polls the server's heap. */
  <T> Measured<T> measure(Callable<T> work) throws Exception {
    memory.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    for (MemoryPoolMXBean pool : heapPools) {
      pool.resetPeakUsage();
    }
    Poller poller = new Poller(lastGcIds());
    Thread pollerThread = Thread.ofPlatform().daemon().name("heap-sampler-" + pid).start(poller);
    T result;
    try {
      result = work.call();
    } finally {
      poller.stop = true;
      pollerThread.join();
    }
    if (poller.failure != null) {
      throw new IOException("reading the heap of JVM pid " + pid + " failed", poller.failure);
    }
    poller.poll();
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      poolPeaks += pool.getPeakUsage().getUsed();
    }
    return new Measured<>(result, new HeapPeak(baseline, Math.max(poller.peak, poolPeaks), poller.maxAfterGc, poller.collections));
  }

  private long[] lastGcIds() {
    long[] ids = new long[collectors.size()];
    for (int i = 0; i < ids.length; i++) {
      GcInfo info = collectors.get(i).getLastGcInfo();
      ids[i] = info == null ? -1 : info.getId();
    }
    return ids;
  }

  private long heapUsed(Map<String, MemoryUsage> usageByPool) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : usageByPool.entrySet()) {
      if (heapPoolNames.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    return used;
  }

  /** Polls heap used and the collectors' last collection until stopped. */
  private final class Poller implements Runnable {
    private final long[] seenGcIds;
    volatile boolean stop;
    volatile Exception failure;
    long peak;
    long maxAfterGc = -1;
    int collections;

    Poller(long[] seenGcIds) {
      this.seenGcIds = seenGcIds;
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          poll();
          Thread.sleep(POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // JMX proxies wrap IOExceptions in UndeclaredThrowableException; kept for measure() to report.
        failure = e;
      }
    }

    void poll() {
      peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
      for (int i = 0; i < collectors.size(); i++) {
        GcInfo info = collectors.get(i).getLastGcInfo();
        if (info != null && info.getId() != seenGcIds[i]) {
          seenGcIds[i] = info.getId();
          collections++;
          peak = Math.max(peak, heapUsed(info.getMemoryUsageBeforeGc()));
          maxAfterGc = Math.max(maxAfterGc, heapUsed(info.getMemoryUsageAfterGc()));
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}

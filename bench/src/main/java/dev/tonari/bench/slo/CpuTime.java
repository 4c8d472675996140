package dev.tonari.bench.slo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the whole process (every thread: the caller, the store's scan threads, GC and JIT)
 * and of the calling thread, read before and after a piece of work. The process figure is the one
 * to quote, since the store decodes blocks on its own threads; the thread figure shows how much of
 * it ran in the caller.
 */
record CpuTime(long processNanos, long threadNanos, long wallNanos) {
  private static final com.sun.management.OperatingSystemMXBean OS =
      ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  static CpuTime now() {
    if (OS == null || OS.getProcessCpuTime() < 0 || !THREADS.isCurrentThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM does not report process or thread CPU time; the benchmark needs both");
    }
    return new CpuTime(OS.getProcessCpuTime(), THREADS.getCurrentThreadCpuTime(), System.nanoTime());
  }

  /** The time spent from {@code start} to this snapshot. */
  CpuTime since(CpuTime start) {
    return new CpuTime(processNanos - start.processNanos, threadNanos - start.threadNanos, wallNanos - start.wallNanos);
  }

  double processMillis() {
    return processNanos / 1e6;
  }

  double threadMillis() {
    return threadNanos / 1e6;
  }

  double wallMillis() {
    return wallNanos / 1e6;
  }
}

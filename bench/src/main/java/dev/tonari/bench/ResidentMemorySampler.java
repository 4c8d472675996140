package dev.tonari.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a process's resident memory by kind while a benchmark runs ({@code RssAnon} and {@code
 * RssFile} of {@code /proc/<pid>/status}, every {@code period}) and keeps the peaks. VmHWM, the
 * peak of their sum, counts the pages of memory-mapped part files a merge or a scan touched:
 * page cache the kernel takes back under pressure, not heap or native memory the process holds.
 * The two peaks say which one a high VmHWM is.
 */
final class ResidentMemorySampler implements AutoCloseable {
  private final long pid;
  private final AtomicLong peakAnonymousKilobytes = new AtomicLong(-1);
  private final AtomicLong peakFileKilobytes = new AtomicLong(-1);
  private final Thread sampler;
  private volatile boolean running = true;

  ResidentMemorySampler(long pid, Duration period) {
    this.pid = pid;
    this.sampler = Thread.ofVirtual().name("rss-sampler-" + pid).start(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(period);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private void sample() {
    long anonymous = ServerProcess.readProcStatusKilobytes(pid, "RssAnon:");
    long file = ServerProcess.readProcStatusKilobytes(pid, "RssFile:");
    peakAnonymousKilobytes.accumulateAndGet(anonymous, Math::max);
    peakFileKilobytes.accumulateAndGet(file, Math::max);
  }

  /** Peak anonymous resident memory (heap, native, stacks) seen, in bytes; -1 when /proc could not be read. */
  long peakAnonymousBytes() {
    long kilobytes = peakAnonymousKilobytes.get();
    return kilobytes < 0 ? -1 : kilobytes * 1024;
  }

  /** Peak file-backed resident memory (mapped part files, the JVM's own files) seen, in bytes; -1 when unreadable. */
  long peakFileBytes() {
    long kilobytes = peakFileKilobytes.get();
    return kilobytes < 0 ? -1 : kilobytes * 1024;
  }

  /** Takes a last sample and stops. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join(Duration.ofSeconds(5));
    sample();
  }
}

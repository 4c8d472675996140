package dev.tonari.bench;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.bloom.BlockTermHashes;
import dev.tonari.store.bloom.BloomFilter;
import dev.tonari.store.bloom.DistinctHashes;
import dev.tonari.store.bloom.FoldedTermCollector;
import dev.tonari.store.bloom.FoldedTerms;
import dev.tonari.store.part.PartFormat;
import dev.tonari.store.part.PartWriter;
import dev.tonari.store.part.PartWriterOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the folded filter costs the writer (flushes and merges), format 4's against the current
 * format's, on the realistic corpus, in the same run: the CPU time of writing whole parts at zstd
 * 3, and of the filter terms and the filters alone; then the current filters sized by an exact set
 * of their distinct terms (as before {@link BlockTermHashes}) against the estimate, the terms and
 * build together and the count and build alone. Best of several rounds taken in turn, in this
 * thread's CPU time (steadier than wall time on a shared machine).
 *
 * <p>Command line: {@code java -cp benchmarks.jar dev.tonari.bench.FilterWriteCostBench [--mb N] [--runs N]}.
 */
public final class FilterWriteCostBench {
  /** The scheme of the current format's folded filter (kind 4, format 6). */
  private static final FoldedTerms.Scheme CURRENT_SCHEME = FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS;

  private FilterWriteCostBench() {}

  public static void main(String[] args) throws Exception {
    long megabytes = 32;
    int runs = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mb" -> megabytes = Long.parseLong(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: FilterWriteCostBench [--mb N] [--runs N]");
      }
    }
    Map<Labels, List<LogEntry>> streams = new TreeMap<>();
    List<byte[]> lines = new ArrayList<>();
    long rawBytes = 0;
    LogGenerator generator = new LogGenerator(1, GeneratorOptions.benchmark());
    long start = 1_714_566_896_000_000_000L;
    while (rawBytes < megabytes << 20) {
      GeneratedLine line = generator.nextLine(start + lines.size() * 1_000_000L);
      byte[] bytes = line.entry().line().getBytes(StandardCharsets.UTF_8);
      lines.add(bytes);
      rawBytes += bytes.length;
      streams.computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
    }
    for (List<LogEntry> entries : streams.values()) {
      entries.sort(Comparator.comparingLong(LogEntry::timestampNanos));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] writeCpu = {Double.MAX_VALUE, Double.MAX_VALUE};
    double[] termsCpu = {Double.MAX_VALUE, Double.MAX_VALUE};
    double exactCpu = Double.MAX_VALUE;
    double[] countCpu = {Double.MAX_VALUE, Double.MAX_VALUE};
    long[][] blockHashes = blockTermHashes(lines);
    long exactBytes = 0;
    long estimatedBytes = 0;
    long[] fileBytes = new long[2];
    int[] versions = {PartFormat.VERSION_4, PartFormat.VERSION};
    Path directory = Files.createTempDirectory("tonari-filter-cost");
    try {
      for (int run = 0; run < runs; run++) {
        for (int v = 0; v < versions.length; v++) {
          Path part = directory.resolve("v" + versions[v] + ".part");
          long cpuStart = threads.getCurrentThreadCpuTime();
          try (PartWriter writer = new PartWriter(part, PartWriterOptions.defaults("bench").withFormatVersion(versions[v]))) {
            for (Map.Entry<Labels, List<LogEntry>> stream : streams.entrySet()) {
              writer.beginStream(stream.getKey());
              for (LogEntry entry : stream.getValue()) {
                writer.add(entry.timestampNanos(), entry.line().getBytes(StandardCharsets.UTF_8), entry.metadata());
              }
              writer.endStream();
            }
            writer.finish();
          }
          writeCpu[v] = Math.min(writeCpu[v], (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
          fileBytes[v] = Files.size(part);
          Files.delete(part);

          cpuStart = threads.getCurrentThreadCpuTime();
          long filterBytes = foldedTerms(lines, versions[v] == PartFormat.VERSION_4 ? FoldedTerms.Scheme.BYTE_HASHED : CURRENT_SCHEME);
          termsCpu[v] = Math.min(termsCpu[v], (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
          if (filterBytes == 0) {
            throw new IllegalStateException("no terms hashed");
          }
          if (versions[v] == PartFormat.VERSION) {
            estimatedBytes = filterBytes;
          }
        }
        long cpuStart = threads.getCurrentThreadCpuTime();
        exactBytes = foldedTermsExactlyCounted(lines);
        exactCpu = Math.min(exactCpu, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        for (int way = 0; way < 2; way++) {
          cpuStart = threads.getCurrentThreadCpuTime();
          long bytes = countAndBuild(blockHashes, way == 1);
          countCpu[way] = Math.min(countCpu[way], (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
          if (bytes == 0) {
            throw new IllegalStateException("no filter built");
          }
        }
      }
    } finally {
      Files.deleteIfExists(directory);
    }
    System.out.printf(Locale.ROOT, "%,d lines, %,d streams, %.1f MB raw; best of %d rounds, CPU time of this thread%n",
        lines.size(), streams.size(), rawBytes / 1e6, runs);
    System.out.printf(Locale.ROOT, "%-34s %14s %14s %10s%n", "", "format 4", "format " + PartFormat.VERSION, PartFormat.VERSION + " / 4");
    System.out.printf(Locale.ROOT, "%-34s %14.3f %14.3f %10.2f%n", "write a part (zstd 3), CPU s", writeCpu[0], writeCpu[1], writeCpu[1] / writeCpu[0]);
    System.out.printf(Locale.ROOT, "%-34s %14.1f %14.1f %10.2f%n", "  as raw MB/s", rawBytes / 1e6 / writeCpu[0], rawBytes / 1e6 / writeCpu[1],
        writeCpu[0] / writeCpu[1]);
    System.out.printf(Locale.ROOT, "%-34s %14.3f %14.3f %10.2f%n", "filter terms and build, CPU s", termsCpu[0], termsCpu[1], termsCpu[1] / termsCpu[0]);
    System.out.printf(Locale.ROOT, "%-34s %,14d %,14d %10.3f%n", "part file bytes", fileBytes[0], fileBytes[1], (double) fileBytes[1] / fileBytes[0]);
    System.out.printf(Locale.ROOT, "%-34s %14s %14s %10s%n", "format " + PartFormat.VERSION + " filters sized by", "exact set", "estimate", "est / exact");
    System.out.printf(Locale.ROOT, "%-34s %14.3f %14.3f %10.2f%n", "filter terms and build, CPU s", exactCpu, termsCpu[1], termsCpu[1] / exactCpu);
    System.out.printf(Locale.ROOT, "%-34s %14.3f %14.3f %10.2f%n", "  count and build only, CPU s", countCpu[0], countCpu[1], countCpu[1] / countCpu[0]);
    System.out.printf(Locale.ROOT, "%-34s %,14d %,14d %10.4f%n", "filter bytes", exactBytes, estimatedBytes, (double) estimatedBytes / exactBytes);
  }

  /** The folded terms of format 4 or 5 over every line, a filter built every 2,000 lines as blocks would be. */
  private static long foldedTerms(List<byte[]> lines, FoldedTerms.Scheme scheme) {
    BlockTermHashes terms = new BlockTermHashes();
    FoldedTermCollector collector = new FoldedTermCollector(terms, scheme);
    long total = 0;
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i);
      collector.add(line, 0, line.length);
      if (i % 2_000 == 1_999) {
        total += collector.build(0.2).serializedSize();
      }
    }
    return total + collector.build(0.2).serializedSize();
  }

  /**
   * As {@link #foldedTerms} in the current format, the filter sized by an exact set of the distinct terms as
   * the writer did before the estimate ({@link BlockTermHashes}): the baseline of the "filter terms
   * and build" line. Returns the filter bytes, to compare with the estimate's.
   */
  private static long foldedTermsExactlyCounted(List<byte[]> lines) {
    DistinctHashes terms = new DistinctHashes();
    byte[] folded = new byte[1024];
    long total = 0;
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i);
      if (folded.length < line.length) {
        folded = new byte[line.length * 2];
      }
      FoldedTerms.fold(line, 0, line.length, folded);
      FoldedTerms.forEachTermOfFolded(folded, 0, line.length, CURRENT_SCHEME, terms::add);
      if (i % 2_000 == 1_999 || i == lines.size() - 1) {
        BloomFilter filter = BloomFilter.forExpected(terms.size(), 0.2);
        terms.forEach(filter::add);
        total += filter.serializedSize();
        terms.clear();
      }
    }
    return total;
  }

  /** Every block's current-format term hashes (2,000 lines a block), repeats included, computed once. */
  private static long[][] blockTermHashes(List<byte[]> lines) {
    List<long[]> blocks = new ArrayList<>();
    long[][] current = {new long[1 << 16]};
    int[] size = {0};
    byte[] folded = new byte[1024];
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i);
      if (folded.length < line.length) {
        folded = new byte[line.length * 2];
      }
      FoldedTerms.fold(line, 0, line.length, folded);
      FoldedTerms.forEachTermOfFolded(folded, 0, line.length, CURRENT_SCHEME, hash -> {
        if (size[0] == current[0].length) {
          current[0] = java.util.Arrays.copyOf(current[0], size[0] * 2);
        }
        current[0][size[0]++] = hash;
      });
      if (i % 2_000 == 1_999 || i == lines.size() - 1) {
        blocks.add(java.util.Arrays.copyOf(current[0], size[0]));
        size[0] = 0;
      }
    }
    return blocks.toArray(long[][]::new);
  }

  /** The filters of the blocks' hashes, sized by an exact distinct set or by the estimate: the stage the estimate replaced, alone. */
  private static long countAndBuild(long[][] blocks, boolean estimate) {
    DistinctHashes exact = new DistinctHashes();
    BlockTermHashes estimated = new BlockTermHashes();
    long total = 0;
    for (long[] block : blocks) {
      BloomFilter filter;
      if (estimate) {
        for (long hash : block) {
          estimated.add(hash);
        }
        filter = BloomFilter.forExpected(estimated.distinctEstimate(), 0.2);
        estimated.addTo(filter);
        estimated.clear();
      } else {
        for (long hash : block) {
          exact.add(hash);
        }
        filter = BloomFilter.forExpected(exact.size(), 0.2);
        exact.forEach(filter::add);
        exact.clear();
      }
      total += filter.serializedSize();
    }
    return total;
  }
}

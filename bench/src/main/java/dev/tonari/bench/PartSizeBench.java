package dev.tonari.bench;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.part.PartCursor;
import dev.tonari.store.part.PartFormat;
import dev.tonari.store.part.PartReader;
import dev.tonari.store.part.PartStatistics;
import dev.tonari.store.part.PartWriter;
import dev.tonari.store.part.PartWriterOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Storage size and full-scan speed of the part formats on generated lines, in one process: the
 * seeded {@link LogGenerator} corpus is written once as a version-2 part (plain lines, the old
 * writer path) and once as a version-3 part (templated lines), at the flush level (zstd 3) and the
 * merge level (zstd 9); the raw lines go to a file that {@code zstd -3} compresses as the baseline;
 * each part is then scanned in full for {@code |= "deadlock"} on this thread, the parts taking
 * turns for several rounds, and the best CPU time and wall time of each are reported.
 *
 * <p>Command line: {@code java -cp benchmarks.jar dev.tonari.bench.PartSizeBench [--mb N]
 * [--runs N] [--block-kib N]}.
 */
public final class PartSizeBench {
  private PartSizeBench() {}

  public static void main(String[] args) throws Exception {
    long megabytes = 64;
    int runs = 5;
    int blockKib = PartWriterOptions.DEFAULT_BLOCK_TARGET_BYTES / 1024;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mb" -> megabytes = Long.parseLong(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--block-kib" -> blockKib = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: PartSizeBench [--mb N] [--runs N] [--block-kib N]");
      }
    }
    Path directory = Files.createTempDirectory("tonari-part-size");
    try {
      Map<Labels, List<LogEntry>> streams = new TreeMap<>();
      Path rawFile = directory.resolve("raw.log");
      long rawBytes = 0;
      long lines = 0;
      LogGenerator generator = new LogGenerator(1, GeneratorOptions.benchmark());
      long start = 1_714_566_896_000_000_000L;
      try (OutputStream raw = Files.newOutputStream(rawFile)) {
        while (rawBytes < megabytes << 20) {
          GeneratedLine line = generator.nextLine(start + lines * 1_000_000L);
          byte[] bytes = line.entry().line().getBytes(StandardCharsets.UTF_8);
          raw.write(bytes);
          raw.write('\n');
          rawBytes += bytes.length + 1;
          lines++;
          streams.computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
        }
      }
      for (List<LogEntry> entries : streams.values()) {
        entries.sort(Comparator.comparingLong(LogEntry::timestampNanos));
      }
      long zstdBytes = zstdSize(rawFile, 3);
      System.out.printf(Locale.ROOT, "%,d lines, %,d streams, %,d raw bytes (with newlines); zstd -3 of the raw file: %,d bytes (%.2fx)%n",
          lines, streams.size(), rawBytes, zstdBytes, (double) rawBytes / zstdBytes);
      List<Path> parts = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<Double> writeSeconds = new ArrayList<>();
      for (int level : new int[] {PartWriterOptions.DEFAULT_ZSTD_LEVEL, PartWriterOptions.MERGE_ZSTD_LEVEL}) {
        for (int version : new int[] {PartFormat.VERSION_2, PartFormat.VERSION}) {
          Path part = directory.resolve("v" + version + "-" + level + ".part");
          PartWriterOptions options = PartWriterOptions.defaults("bench").withZstdLevel(level).withFormatVersion(version)
              .withBlockTargetBytes(blockKib * 1024);
          long writeStart = System.nanoTime();
          try (PartWriter writer = new PartWriter(part, options)) {
            for (Map.Entry<Labels, List<LogEntry>> stream : streams.entrySet()) {
              writer.beginStream(stream.getKey());
              for (LogEntry entry : stream.getValue()) {
                writer.add(entry.timestampNanos(), entry.line().getBytes(StandardCharsets.UTF_8), entry.metadata());
              }
              writer.endStream();
            }
            writer.finish();
          }
          writeSeconds.add((System.nanoTime() - writeStart) / 1e9);
          parts.add(part);
          names.add("v" + version + " zstd " + level);
        }
      }
      // The parts are scanned in turn, round after round, and each scan is timed in CPU time of
      // this thread: on a shared machine that is far steadier than wall time, and taking turns
      // spreads any drift over all parts alike.
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] bestCpu = new double[parts.size()];
      double[] bestWall = new double[parts.size()];
      java.util.Arrays.fill(bestCpu, Double.MAX_VALUE);
      java.util.Arrays.fill(bestWall, Double.MAX_VALUE);
      long[] matches = new long[parts.size()];
      for (int run = 0; run < runs; run++) {
        for (int p = 0; p < parts.size(); p++) {
          long cpuStart = threads.getCurrentThreadCpuTime();
          long wallStart = System.nanoTime();
          matches[p] = scan(parts.get(p));
          bestCpu[p] = Math.min(bestCpu[p], (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
          bestWall[p] = Math.min(bestWall[p], (System.nanoTime() - wallStart) / 1e9);
        }
      }
      System.out.printf(Locale.ROOT, "%-14s %14s %14s %12s %11s %8s %14s %14s%n",
          "part", "file bytes", "block bytes", "bloom bytes", "vs zstd -3", "write s", "scan MB/s cpu", "scan MB/s wall");
      for (int p = 0; p < parts.size(); p++) {
        long fileBytes = Files.size(parts.get(p));
        PartStatistics.Totals totals = PartStatistics.measure(parts.get(p), 3);
        System.out.printf(Locale.ROOT, "%-14s %,14d %,14d %,12d %10.3fx %8.2f %14.0f %14.0f   (%d matches)%n",
            names.get(p), fileBytes, totals.compressedBlockBytes, totals.bloomBytes, (double) zstdBytes / fileBytes, writeSeconds.get(p),
            rawBytes / 1e6 / bestCpu[p], rawBytes / 1e6 / bestWall[p], matches[p]);
      }
      System.out.printf(Locale.ROOT, "scan speed (CPU time) v%d / v2: zstd 3 %.2f, zstd 9 %.2f; file bytes v%d / v2: zstd 3 %.3f, zstd 9 %.3f%n",
          PartFormat.VERSION, bestCpu[0] / bestCpu[1], bestCpu[2] / bestCpu[3], PartFormat.VERSION,
          (double) Files.size(parts.get(1)) / Files.size(parts.get(0)), (double) Files.size(parts.get(3)) / Files.size(parts.get(2)));
    } finally {
      try (var files = Files.list(directory)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.delete(file);
        }
      }
      Files.delete(directory);
    }
  }

  private static long scan(Path part) throws IOException {
    long matches = 0;
    LiteralLinePredicate filter = LiteralLinePredicate.containingAll(List.of(LogGenerator.RARE_WORD));
    try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ)) {
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      try (PartReader reader = PartReader.open(part.getFileName().toString(), mapped)) {
        for (int stream = 0; stream < reader.streams().size(); stream++) {
          try (PartCursor cursor = reader.cursor(stream, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, List.of())) {
            while (cursor.next()) {
              matches++;
            }
          }
        }
      }
    }
    return matches;
  }

  private static long zstdSize(Path file, int level) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("zstd", "-" + level, "-q", "-c", file.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long size = 0;
    byte[] buffer = new byte[1 << 16];
    try (var out = process.getInputStream()) {
      for (int n; (n = out.read(buffer)) > 0; ) {
        size += n;
      }
    }
    if (process.waitFor() != 0) {
      throw new IOException("zstd -" + level + " " + file + " exited with " + process.exitValue() + "; is zstd installed (apt-get install zstd)?");
    }
    return size;
  }
}

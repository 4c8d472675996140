package dev.tonari.bench;

import dev.tonari.store.Direction;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.engine.LocalPartBytes;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.part.PartCursor;
import dev.tonari.store.part.PartReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What reading blocks past the memory map costs a scan: every block of every part of a data
 * directory decoded, and its lines searched for {@code deadlock} (the full-scan row of the needle
 * benchmark), once with the blocks sliced from the map and once through the store's own {@link
 * LocalPartBytes} (positional reads into the heap), taking turns; CPU time of this thread, best of
 * the rounds. Prints both, their ratio, and the bytes decoded.
 *
 * <p>Command line: {@code java -cp benchmarks.jar dev.tonari.bench.PartReadPathBench --data DIR
 * [--rounds N]}.
 */
public final class PartReadPathBench {
  private PartReadPathBench() {}

  public static void main(String[] args) throws Exception {
    Path data = null;
    int rounds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: PartReadPathBench --data DIR [--rounds N]");
      }
    }
    if (data == null) {
      throw new IllegalArgumentException("--data DIR is required (a data directory with parts, e.g. bench/work/1g/data-protobuf-snappy)");
    }
    List<Path> files;
    try (var walk = Files.walk(data)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".part")).sorted().toList();
    }
    List<PartReader> mapped = new ArrayList<>();
    List<PartReader> positional = new ArrayList<>();
    Path objects = data.resolve("objects");
    LocalObjectStore store = new LocalObjectStore(objects);
    for (Path file : files) {
      ByteBuffer map;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      }
      String key = objects.relativize(file).toString();
      mapped.add(PartReader.open(file.toString(), map));
      positional.add(PartReader.open(key, new LocalPartBytes(store, key)));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
    long[] bytes = new long[2];
    LinePredicate deadlock = LiteralLinePredicate.containingAll(List.of("deadlock"));
    for (int round = 0; round < rounds + 1; round++) {
      for (int path = 0; path < 2; path++) {
        long began = threads.getCurrentThreadCpuTime();
        long[] scanned = {0};
        for (PartReader reader : path == 0 ? mapped : positional) {
          for (int s = 0; s < reader.streams().size(); s++) {
            try (PartCursor cursor = reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, deadlock, List.of())) {
              while (cursor.next()) {
                scanned[0]++;
              }
            }
          }
        }
        double seconds = (threads.getCurrentThreadCpuTime() - began) / 1e9;
        if (round > 0) {
          best[path] = Math.min(best[path], seconds);
        }
        bytes[path] = scanned[0];
      }
    }
    long raw = 0;
    for (PartReader reader : mapped) {
      raw += reader.summary().rawBytes();
    }
    System.out.printf(Locale.ROOT, "%d parts, %.1f MB raw lines, %d matching lines; best of %d rounds after one warm-up, CPU s of this thread%n",
        files.size(), raw / 1e6, bytes[0], rounds);
    System.out.printf(Locale.ROOT, "%-40s %10s %14s %8s%n", "", "mapped", "positional", "ratio");
    System.out.printf(Locale.ROOT, "%-40s %10.3f %14.3f %8.3f%n", "decode and search every block, CPU s", best[0], best[1], best[1] / best[0]);
    System.out.printf(Locale.ROOT, "%-40s %10.0f %14.0f%n", "  as raw MB/s", raw / 1e6 / best[0], raw / 1e6 / best[1]);
  }
}

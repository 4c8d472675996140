package dev.tonari.bench.jmh;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.ingest.PushRequest;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Realistic input shared by the micro-benchmarks, from {@link LogGenerator} with a fixed seed. */
final class BenchmarkData {
  static final long START_NANOS = 1_714_566_896_000_000_000L;

  private BenchmarkData() {}

  /** Generated lines of all tenants until {@code rawBytes} of line text, 1 ms apart. */
  static List<GeneratedLine> lines(long rawBytes) {
    LogGenerator generator = new LogGenerator(1, GeneratorOptions.benchmark());
    List<GeneratedLine> lines = new ArrayList<>();
    long bytes = 0;
    for (long i = 0; bytes < rawBytes; i++) {
      GeneratedLine line = generator.nextLine(START_NANOS + i * 1_000_000L);
      lines.add(line);
      bytes += line.entry().line().length() + 1;
    }
    return lines;
  }

  /** The lines as one push request, grouped by stream in arrival order, as a client batches them. */
  static PushRequest pushRequest(List<GeneratedLine> lines) {
    Map<Labels, List<LogEntry>> byStream = new TreeMap<>();
    for (GeneratedLine line : lines) {
      byStream.computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
    }
    List<StreamBatch> streams = new ArrayList<>();
    byStream.forEach((labels, entries) -> streams.add(new StreamBatch(labels, entries)));
    return new PushRequest(streams);
  }

  /** Streams sorted by labels, entries by time: the order a part is written in. */
  static List<StreamBatch> sortedStreams(List<GeneratedLine> lines) {
    List<StreamBatch> streams = new ArrayList<>(pushRequest(lines).streams());
    List<StreamBatch> sorted = new ArrayList<>();
    for (StreamBatch stream : streams) {
      List<LogEntry> entries = new ArrayList<>(stream.entries());
      entries.sort(Comparator.comparingLong(LogEntry::timestampNanos));
      sorted.add(new StreamBatch(stream.labels(), entries));
    }
    return sorted;
  }

  /** All line texts joined with newlines, as a log file holds them. */
  static byte[] rawText(List<GeneratedLine> lines) {
    StringBuilder sb = new StringBuilder();
    for (GeneratedLine line : lines) {
      sb.append(line.entry().line()).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}

package dev.tonari.bench;

import dev.tonari.store.Direction;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.BlockTermHashes;
import dev.tonari.store.bloom.DistinctHashes;
import dev.tonari.store.bloom.FoldedTerms;
import dev.tonari.store.bloom.NeedleProbes;
import dev.tonari.store.part.PartCursor;
import dev.tonari.store.part.PartReader;
import dev.tonari.store.part.PartWriterOptions;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Index share and exact false-positive rates of block filter variants, on the lines of a data
 * directory's parts (for example {@code bench/work/200m/data-protobuf-snappy} after {@code
 * bench/run.sh}): the lines are cut into blocks as the part writer cuts them, every variant builds
 * its filters for every block, and seeded needles taken from random lines (trace ids, UUIDs, IPs,
 * {@code trace_id=<id>}, a 20-digit id prefix, an uppercased id for {@code (?i)}) are probed
 * against every block. A block that passes is checked by scanning its lines, so the rates are
 * exact: false positives / blocks without the needle. No timing: the figures do not depend on load.
 *
 * <p>Command line: {@code java -cp benchmarks.jar dev.tonari.bench.FilterVariantBench --data DIR
 * [--needles N] [--block-kib N]}.
 */
public final class FilterVariantBench {
  private FilterVariantBench() {}

  private record Block(byte[] bytes, int[] offsets, int[] lengths, int count) {
    boolean contains(byte[] needle, boolean caseInsensitive) {
      for (int i = 0; i < count; i++) {
        if (indexOf(bytes, offsets[i], lengths[i], needle, caseInsensitive)) {
          return true;
        }
      }
      return false;
    }
  }

  private record Needle(String kind, String literal, boolean caseInsensitive) {}

  public static void main(String[] args) throws Exception {
    Path data = null;
    int needleLines = 100;
    int blockBytes = PartWriterOptions.DEFAULT_BLOCK_TARGET_BYTES;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--needles" -> needleLines = Integer.parseInt(args[++i]);
        case "--block-kib" -> blockBytes = Integer.parseInt(args[++i]) * 1024;
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: FilterVariantBench --data DIR [--needles N] [--block-kib N]");
      }
    }
    if (data == null) {
      throw new IllegalArgumentException("--data DIR is required (a data directory with parts, e.g. bench/work/200m/data-protobuf-snappy)");
    }
    List<Block> blocks = loadBlocks(data, blockBytes);
    long lines = blocks.stream().mapToLong(Block::count).sum();
    long raw = blocks.stream().mapToLong(b -> b.bytes.length).sum();
    List<Needle> needles = sampleNeedles(blocks, needleLines, new Random(12));
    System.out.printf(Locale.ROOT, "%,d lines, %,d raw line bytes, %,d blocks (%d KiB target), %,d needles%n", lines, raw, blocks.size(), blockBytes / 1024, needles.size());
    System.out.printf(Locale.ROOT, "%-34s %12s %9s  %s%n", "variant", "filter MB", "bits/line", "false-positive rate per needle kind (false positives / blocks without the needle)");
    if (Boolean.getBoolean("tonari.termShares")) {
      termShares(blocks, lines);
      return;
    }
    if (!Boolean.getBoolean("tonari.skipKind1")) {
      report("kind 1: tokens 0.02 + substrings 0.2", blocks, needles, lines, block -> kind1(block, 0.02, 0.2));
      report("kind 1: tokens 0.05 + substrings 0.3", blocks, needles, lines, block -> kind1(block, 0.05, 0.3));
    }
    for (String rateText : System.getProperty("tonari.rates", "0.01,0.02,0.03,0.05,0.1").split(",")) {
      double rate = Double.parseDouble(rateText);
      report("kind 2 folded, window " + FoldedTerms.WINDOW + ", p=" + rate, blocks, needles, lines, block -> folded(block, rate, FoldedTerms.Scheme.BYTE_HASHED));
      report("kind 3 word-hashed, p=" + rate, blocks, needles, lines, block -> folded(block, rate, FoldedTerms.Scheme.WORD_HASHED));
      report("kind 4 numeric spans, p=" + rate, blocks, needles, lines, block -> folded(block, rate, FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS));
    }
  }

  /** Distinct folded terms per block by kind: token terms (tags 0-2), junctions, winnowed grams. */
  private static void termShares(List<Block> blocks, long lines) {
    DistinctHashes[] sets = {new DistinctHashes(), new DistinctHashes(), new DistinctHashes(), new DistinctHashes(), new DistinctHashes()};
    long[] totals = new long[sets.length];
    for (Block block : blocks) {
      for (DistinctHashes set : sets) {
        set.clear();
      }
      byte[] folded = new byte[block.bytes.length];
      FoldedTerms.fold(block.bytes, 0, block.bytes.length, folded);
      for (int i = 0; i < block.count; i++) {
        int offset = block.offsets[i];
        int length = block.lengths[i];
        dev.tonari.store.bloom.BloomTerms.forEachTerm(folded, offset, length, h -> {
          sets[0].add(h);
        });
        dev.tonari.store.bloom.SubstringTerms.forEachJunction(folded, offset, length, sets[1]::add);
        FoldedTerms.forEachTermOfFolded(folded, offset, length, sets[4]::add);
      }
      totals[0] += sets[0].size();
      totals[1] += sets[1].size();
      totals[4] += sets[4].size();
    }
    System.out.printf(Locale.ROOT, "distinct folded terms per line: token terms %.2f, junctions %.2f, winnowed grams %.2f, all %.2f%n",
        (double) totals[0] / lines, (double) totals[1] / lines, (double) (totals[4] - totals[0] - totals[1]) / lines, (double) totals[4] / lines);
  }

  private interface FilterBuilder {
    BlockFilters build(Block block);
  }

  private static BlockFilters kind1(Block block, double tokenRate, double substringRate) {
    return NeedleProbes.filtersOf(block.bytes, block.offsets, block.lengths, block.count, tokenRate, substringRate);
  }

  private static BlockFilters folded(Block block, double rate, FoldedTerms.Scheme scheme) {
    return NeedleProbes.foldedFiltersOf(block.bytes, block.offsets, block.lengths, block.count, rate, scheme, new BlockTermHashes());
  }

  private static void report(String name, List<Block> blocks, List<Needle> needles, long lines, FilterBuilder builder) {
    long bytes = 0;
    List<BlockFilters> filters = new ArrayList<>(blocks.size());
    for (Block block : blocks) {
      BlockFilters f = builder.build(block);
      bytes += f.serializedSize();
      filters.add(f);
    }
    java.util.Map<String, long[]> byKind = new java.util.LinkedHashMap<>();
    for (Needle needle : needles) {
      NeedleProbes[] probes = needle.caseInsensitive
          ? NeedleProbes.ofCaseInsensitive(List.of(needle.literal))
          : NeedleProbes.of(List.of(needle.literal));
      byte[] needleBytes = needle.literal.getBytes(StandardCharsets.UTF_8);
      long[] counts = byKind.computeIfAbsent(needle.kind, k -> new long[3]);
      for (int b = 0; b < blocks.size(); b++) {
        boolean pass = NeedleProbes.mightContainAll(filters.get(b), probes);
        if (pass) {
          if (blocks.get(b).contains(needleBytes, needle.caseInsensitive)) {
            continue;
          }
          counts[0]++;
        }
        counts[1]++;
      }
    }
    StringBuilder rates = new StringBuilder();
    for (var entry : byKind.entrySet()) {
      rates.append(String.format(Locale.ROOT, "%s %.4f  ", entry.getKey(), (double) entry.getValue()[0] / Math.max(1, entry.getValue()[1])));
    }
    System.out.printf(Locale.ROOT, "%-34s %12.2f %9.1f  %s%n", name, bytes / 1e6, bytes * 8.0 / lines, rates);
  }

  private static List<Block> loadBlocks(Path data, int blockBytes) throws Exception {
    List<Path> parts;
    try (var walk = Files.walk(data)) {
      parts = walk.filter(p -> p.getFileName().toString().endsWith(".part")).sorted().toList();
    }
    List<Block> blocks = new ArrayList<>();
    for (Path part : parts) {
      try (FileChannel channel = FileChannel.open(part);
          PartReader reader = PartReader.open(part.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()))) {
        for (int stream = 0; stream < reader.streams().size(); stream++) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          List<int[]> spans = new ArrayList<>();
          try (PartCursor cursor = reader.cursor(stream, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, null, List.of())) {
            while (cursor.next()) {
              spans.add(new int[] {bytes.size(), cursor.lineLength()});
              bytes.write(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength());
              if (bytes.size() + 5L * spans.size() >= blockBytes) {
                blocks.add(block(bytes, spans));
                bytes = new ByteArrayOutputStream();
                spans = new ArrayList<>();
              }
            }
          }
          if (!spans.isEmpty()) {
            blocks.add(block(bytes, spans));
          }
        }
      }
    }
    return blocks;
  }

  private static Block block(ByteArrayOutputStream bytes, List<int[]> spans) {
    int[] offsets = new int[spans.size()];
    int[] lengths = new int[spans.size()];
    for (int i = 0; i < spans.size(); i++) {
      offsets[i] = spans.get(i)[0];
      lengths[i] = spans.get(i)[1];
    }
    return new Block(bytes.toByteArray(), offsets, lengths, spans.size());
  }

  private static List<Needle> sampleNeedles(List<Block> blocks, int count, Random random) {
    List<Needle> needles = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      Block block = blocks.get(random.nextInt(blocks.size()));
      int i = random.nextInt(block.count);
      String line = new String(block.bytes, block.offsets[i], block.lengths[i], StandardCharsets.UTF_8);
      String id = find(line, "[0-9a-f]{32}");
      if (id != null) {
        needles.add(new Needle("id", id, false));
        needles.add(new Needle("id20", id.substring(0, 20), false));
        needles.add(new Needle("(?i)ID", id.toUpperCase(Locale.ROOT), true));
        int at = line.indexOf(id);
        if (at > 9 && line.startsWith("trace_id=", at - 9)) {
          needles.add(new Needle("trace_id=id", "trace_id=" + id, false));
        }
      }
      String uuid = find(line, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      if (uuid != null) {
        needles.add(new Needle("uuid", uuid, false));
      }
      String ip = find(line, "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
      if (ip != null) {
        needles.add(new Needle("ip", ip, false));
      }
    }
    return needles;
  }

  private static String find(String line, String pattern) {
    com.google.re2j.Matcher matcher = com.google.re2j.Pattern.compile("(?:^|[^0-9A-Za-z.])(" + pattern + ")(?:$|[^0-9A-Za-z])").matcher(line);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static boolean indexOf(byte[] haystack, int offset, int length, byte[] needle, boolean caseInsensitive) {
    int end = offset + length - needle.length;
    outer:
    for (int start = offset; start <= end; start++) {
      for (int j = 0; j < needle.length; j++) {
        int a = haystack[start + j] & 0xff;
        int b = needle[j] & 0xff;
        if (a != b && !(caseInsensitive && Character.toLowerCase(a) == Character.toLowerCase(b) && a < 0x80 && b < 0x80)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

}

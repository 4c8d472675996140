package dev.tonari.store.part;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the bytes of parts go: per column (timestamps, line lengths, metadata, lines) the raw bytes
 * and an estimate of their compressed share, plus bloom filters, footer (the index), header and
 * trailer. A block compresses its columns together in one zstd frame, so a column's compressed
 * share is estimated by compressing that column alone at the same level and scaling the four
 * estimates to the block's real compressed size. It reads the parts exactly as a query would
 * ({@link PartReader#open}, every block checksum checked), so it also serves as an offline check.
 *
 * <p>Command line: {@code java -cp tonari.jar dev.tonari.store.part.PartStatistics [--level N]
 * PATH...}, where each path is a part file or a directory searched for {@code *.part} files; it
 * prints one line per part and a total. {@code --level} is the zstd level of the estimates
 * (default 3, the level flushes write).
 */
public final class PartStatistics {
  /** Byte counts of one or more parts; {@link #add} sums them. */
  public static final class Totals {
    public long parts;
    public long fileBytes;
    public long headerAndTrailerBytes;
    public long footerBytes;
    public long bloomBytes;
    public long compressedBlockBytes;
    public long blocks;
    public long streams;
    public long entries;
    public long rawTimestampBytes;
    public long rawLengthBytes;
    public long rawMetadataBytes;
    public long rawLineBytes;
    /** Estimated compressed share of each column (sums to compressedBlockBytes). */
    public double compressedTimestampBytes;
    public double compressedLengthBytes;
    public double compressedMetadataBytes;
    public double compressedLineBytes;

    public void add(Totals other) {
      parts += other.parts;
      fileBytes += other.fileBytes;
      headerAndTrailerBytes += other.headerAndTrailerBytes;
      footerBytes += other.footerBytes;
      bloomBytes += other.bloomBytes;
      compressedBlockBytes += other.compressedBlockBytes;
      blocks += other.blocks;
      streams += other.streams;
      entries += other.entries;
      rawTimestampBytes += other.rawTimestampBytes;
      rawLengthBytes += other.rawLengthBytes;
      rawMetadataBytes += other.rawMetadataBytes;
      rawLineBytes += other.rawLineBytes;
      compressedTimestampBytes += other.compressedTimestampBytes;
      compressedLengthBytes += other.compressedLengthBytes;
      compressedMetadataBytes += other.compressedMetadataBytes;
      compressedLineBytes += other.compressedLineBytes;
    }
  }

  private PartStatistics() {}

  /** Measures one opened part; zstdLevel is the level of the per-column estimates. */
  public static Totals measure(PartReader reader, int zstdLevel) throws IOException {
    Totals totals = new Totals();
    totals.parts = 1;
    totals.fileBytes = reader.summary().fileBytes();
    totals.headerAndTrailerBytes = PartFormat.HEADER_BYTES + PartFormat.TRAILER_BYTES;
    totals.streams = reader.streams().size();
    totals.entries = reader.summary().entries();
    int blockCount = reader.firstBlockOf(reader.streams().size());
    totals.blocks = blockCount;
    long dataEnd = PartFormat.HEADER_BYTES;
    byte[] compressed = new byte[0];
    byte[] raw = new byte[0];
    byte[] scratch = new byte[0];
    try (ZstdDecompressCtx decompressor = new ZstdDecompressCtx();
        ZstdCompressCtx compressor = new ZstdCompressCtx()) {
      compressor.setLevel(zstdLevel);
      for (int block = 0; block < blockCount; block++) {
        int compressedSize = reader.blockCompressedSize[block];
        int rawSize = reader.blockRawSize[block];
        int entries = reader.blockEntryCount[block];
        long offset = reader.blockOffset[block];
        int bloomSize = reader.blockBloom[block].serializedSize();
        dataEnd = offset + compressedSize + bloomSize;
        totals.compressedBlockBytes += compressedSize;
        totals.bloomBytes += bloomSize;
        if (compressed.length < compressedSize) {
          compressed = new byte[compressedSize];
        }
        if (raw.length < rawSize) {
          raw = new byte[rawSize];
        }
        reader.blockBytes(block).get(0, compressed, 0, compressedSize);
        int decompressed = decompressor.decompressByteArray(raw, 0, rawSize, compressed, 0, compressedSize);
        if (decompressed != rawSize) {
          throw new CorruptPartException(reader.name(), "block decompressed to " + decompressed + " bytes, expected " + rawSize, -1, block, offset, null);
        }
        // Column boundaries: timestamps and lengths are n varints each, metadata n records.
        // Version 2 starts the timestamps column with the delta divisor; version 3 starts with four
        // column sizes and two timestamp parameters (counted with the timestamps), has no lengths
        // column, and its lines column is the skeleton with its numbers and values.
        int position;
        int timestampsEnd;
        int lengthsEnd;
        if (reader.version >= PartFormat.VERSION_3) {
          position = skipVarints(raw, 0, 4 + 2 + entries);
          timestampsEnd = position;
          lengthsEnd = position;
        } else {
          position = skipVarints(raw, 0, entries + (reader.version == PartFormat.VERSION_1 ? 0 : 1));
          timestampsEnd = position;
          position = skipVarints(raw, position, entries);
          lengthsEnd = position;
        }
        for (int i = 0; i < entries; i++) {
          long[] pairsAndPosition = readVarint(raw, position);
          position = (int) pairsAndPosition[1];
          for (long p = 0; p < pairsAndPosition[0] * 2; p++) {
            long[] lengthAndPosition = readVarint(raw, position);
            position = (int) lengthAndPosition[1] + (int) lengthAndPosition[0];
          }
        }
        int metadataEnd = position;
        int[] bounds = {0, timestampsEnd, lengthsEnd, metadataEnd, rawSize};
        double[] alone = new double[4];
        double aloneSum = 0;
        for (int column = 0; column < 4; column++) {
          int length = bounds[column + 1] - bounds[column];
          int bound = (int) Zstd.compressBound(length);
          if (scratch.length < bound) {
            scratch = new byte[bound];
          }
          alone[column] = length == 0 ? 0 : compressor.compressByteArray(scratch, 0, scratch.length, raw, bounds[column], length);
          aloneSum += alone[column];
        }
        double scale = aloneSum == 0 ? 0 : compressedSize / aloneSum;
        totals.rawTimestampBytes += timestampsEnd;
        totals.rawLengthBytes += lengthsEnd - timestampsEnd;
        totals.rawMetadataBytes += metadataEnd - lengthsEnd;
        totals.rawLineBytes += rawSize - metadataEnd;
        totals.compressedTimestampBytes += alone[0] * scale;
        totals.compressedLengthBytes += alone[1] * scale;
        totals.compressedMetadataBytes += alone[2] * scale;
        totals.compressedLineBytes += alone[3] * scale;
      }
    }
    totals.footerBytes = totals.fileBytes - dataEnd - PartFormat.TRAILER_BYTES;
    return totals;
  }

  private static int skipVarints(byte[] raw, int position, int count) {
    int p = position;
    for (int i = 0; i < count; i++) {
      while (raw[p++] < 0) {
        // continuation bytes
      }
    }
    return p;
  }

  /** {value, position after it}. */
  private static long[] readVarint(byte[] raw, int position) {
    long value = 0;
    int p = position;
    for (int shift = 0; ; shift += 7) {
      byte b = raw[p++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return new long[] {value, p};
      }
    }
  }

  /**
   * What the lines of a part would take re-blocked: each stream's lines concatenated in time order,
   * cut into blocks of about {@code blockTargetBytes}, each compressed alone at {@code zstdLevel}.
   * An experiment for choosing block size and level on real data; returns the compressed bytes.
   */
  public static long recompressLines(PartReader reader, int blockTargetBytes, int zstdLevel) throws IOException {
    long total = 0;
    byte[] compressed = new byte[0];
    byte[] raw = new byte[0];
    byte[] pending = new byte[blockTargetBytes * 2 + (1 << 20)];
    byte[] scratch = new byte[(int) Zstd.compressBound(pending.length)];
    try (ZstdDecompressCtx decompressor = new ZstdDecompressCtx();
        ZstdCompressCtx compressor = new ZstdCompressCtx()) {
      compressor.setLevel(zstdLevel);
      for (int stream = 0; stream < reader.streams().size(); stream++) {
        int pendingSize = 0;
        for (int block = reader.firstBlockOf(stream); block < reader.firstBlockOf(stream + 1); block++) {
          int compressedSize = reader.blockCompressedSize[block];
          int rawSize = reader.blockRawSize[block];
          int entries = reader.blockEntryCount[block];
          if (compressed.length < compressedSize) {
            compressed = new byte[compressedSize];
          }
          if (raw.length < rawSize) {
            raw = new byte[rawSize];
          }
          reader.blockBytes(block).get(0, compressed, 0, compressedSize);
          decompressor.decompressByteArray(raw, 0, rawSize, compressed, 0, compressedSize);
          if (reader.version >= PartFormat.VERSION_3) {
            throw new IllegalArgumentException("re-blocking reads the plain lines of format versions 1 and 2; part " + reader.name() + " is version " + reader.version);
          }
          int position = skipVarints(raw, 0, entries + (reader.version == PartFormat.VERSION_1 ? 0 : 1));
          int lengthsStart = position;
          position = skipVarints(raw, position, entries);
          int lengthsEnd = position;
          long lineBytes = 0;
          for (int p = lengthsStart, i = 0; i < entries; i++) {
            long[] lengthAndPosition = readVarint(raw, p);
            lineBytes += lengthAndPosition[0];
            p = (int) lengthAndPosition[1];
          }
          int linesStart = rawSize - (int) lineBytes;
          for (int offset = linesStart; offset < rawSize; ) {
            int take = Math.min(rawSize - offset, pending.length - pendingSize);
            System.arraycopy(raw, offset, pending, pendingSize, take);
            pendingSize += take;
            offset += take;
            while (pendingSize >= blockTargetBytes) {
              total += compressor.compressByteArray(scratch, 0, scratch.length, pending, 0, blockTargetBytes);
              System.arraycopy(pending, blockTargetBytes, pending, 0, pendingSize - blockTargetBytes);
              pendingSize -= blockTargetBytes;
            }
          }
          if (lengthsEnd < 0) {
            throw new IllegalStateException("unreachable");
          }
        }
        if (pendingSize > 0) {
          total += compressor.compressByteArray(scratch, 0, scratch.length, pending, 0, pendingSize);
        }
      }
    }
    return total;
  }

  /** Measures a part file, mapped read-only. */
  public static Totals measure(Path partFile, int zstdLevel) throws IOException {
    try (FileChannel channel = FileChannel.open(partFile, StandardOpenOption.READ)) {
      ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      return measure(PartReader.open(partFile.toString(), mapped), zstdLevel);
    }
  }

  /** Prints the header line of {@link #print}'s table. */
  public static void printHeader(PrintStream out) {
    out.printf(Locale.ROOT, "%-44s %5s %7s %10s %9s | %-22s | %-22s | %-22s | %-22s | %9s %8s %9s%n",
        "part", "lvl", "blocks", "entries", "file MB", "timestamps raw>stored", "lengths raw>stored", "metadata raw>stored", "lines raw>stored",
        "bloom MB", "index MB", "KiB/block");
  }

  public static void print(PrintStream out, String name, int level, Totals t) {
    out.printf(Locale.ROOT, "%-44s %5s %7d %10d %9.2f | %s | %s | %s | %s | %9.2f %8.2f %9.1f%n",
        name.length() > 44 ? "..." + name.substring(name.length() - 41) : name, level < 0 ? "-" : Integer.toString(level), t.blocks, t.entries,
        t.fileBytes / 1e6, column(t.rawTimestampBytes, t.compressedTimestampBytes), column(t.rawLengthBytes, t.compressedLengthBytes),
        column(t.rawMetadataBytes, t.compressedMetadataBytes), column(t.rawLineBytes, t.compressedLineBytes), t.bloomBytes / 1e6,
        t.footerBytes / 1e6, t.blocks == 0 ? 0.0 : (t.rawTimestampBytes + t.rawLengthBytes + t.rawMetadataBytes + t.rawLineBytes) / 1024.0 / t.blocks);
  }

  private static String column(long raw, double stored) {
    return String.format(Locale.ROOT, "%9.2f > %9.2f MB", raw / 1e6, stored / 1e6);
  }

  public static void main(String[] args) throws IOException {
    int level = PartWriterOptions.DEFAULT_ZSTD_LEVEL;
    List<Path> files = new ArrayList<>();
    String experiments = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--try")) {
        experiments = args[++i];
        continue;
      }
      if (args[i].equals("--level")) {
        level = Integer.parseInt(args[++i]);
        continue;
      }
      Path path = Path.of(args[i]);
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(p -> p.getFileName().toString().endsWith(PartFormat.FILE_SUFFIX)).sorted().forEach(files::add);
        }
      } else {
        files.add(path);
      }
    }
    if (experiments != null) {
      for (String experiment : experiments.split(",")) {
        String[] sizeAndLevel = experiment.split(":");
        int blockBytes = Integer.parseInt(sizeAndLevel[0]) * 1024;
        int experimentLevel = Integer.parseInt(sizeAndLevel[1]);
        long total = 0;
        long t0 = System.nanoTime();
        for (Path file : files) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            total += recompressLines(PartReader.open(file.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())), blockBytes, experimentLevel);
          }
        }
        System.out.printf(Locale.ROOT, "lines re-blocked at %d KiB, zstd %d: %.2f MB (%.1f s)%n", blockBytes / 1024, experimentLevel, total / 1e6, (System.nanoTime() - t0) / 1e9);
      }
      return;
    }
    if (files.isEmpty()) {
      System.err.println("usage: PartStatistics [--level N] PART_FILE_OR_DIRECTORY...");
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    printHeader(out);
    Totals all = new Totals();
    for (Path file : files) {
      Totals totals = measure(file, level);
      int partLevel;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        partLevel = PartReader.open(file.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())).summary().level();
      }
      print(out, file.toString(), partLevel, totals);
      all.add(totals);
    }
    print(out, "total (" + all.parts + " parts)", -1, all);
    long rawLines = all.rawLineBytes;
    out.printf(Locale.ROOT, "raw lines / file bytes = %.3fx; bloom %.1f%%, index %.1f%%, blocks %.1f%% of the files%n",
        (double) rawLines / all.fileBytes, 100.0 * all.bloomBytes / all.fileBytes, 100.0 * all.footerBytes / all.fileBytes,
        100.0 * all.compressedBlockBytes / all.fileBytes);
  }
}

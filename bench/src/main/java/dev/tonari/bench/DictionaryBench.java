package dev.tonari.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDictTrainer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a zstd dictionary trained per part would save: the raw (decompressed) blocks of a data
 * directory's parts (version 3, bloom region kind 1) are compressed again one by one, without a
 * dictionary and with a dictionary trained from samples of the same part's blocks, at zstd 3 and 9.
 * Sizes only, so the figures are exact on a loaded machine.
 *
 * <p>Command line: {@code java -cp benchmarks.jar dev.tonari.bench.DictionaryBench --data DIR}.
 */
public final class DictionaryBench {
  private DictionaryBench() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[1]);
    List<Path> parts;
    try (var walk = Files.walk(data)) {
      parts = walk.filter(p -> p.getFileName().toString().endsWith(".part")).sorted().toList();
    }
    int[] levels = {3, 9};
    int[] dictSizes = {0, 32 << 10, 64 << 10, 112 << 10};
    int[] sampleChunks = {4 << 10, 16 << 10};
    long stored = 0;
    long rawTotal = 0;
    int blockCount = 0;
    long[][][] totals = new long[levels.length][dictSizes.length][sampleChunks.length];
    for (Path part : parts) {
      byte[] file = Files.readAllBytes(part);
      List<byte[]> blocks = rawBlocks(file);
      blockCount += blocks.size();
      for (byte[] b : blocks) {
        rawTotal += b.length;
      }
      stored += compressedBlockBytes(file);
      for (int s = 0; s < sampleChunks.length; s++) {
        for (int d = 0; d < dictSizes.length; d++) {
          byte[] dictionary = dictSizes[d] == 0 ? null : train(blocks, dictSizes[d], sampleChunks[s]);
          for (int l = 0; l < levels.length; l++) {
            if (dictionary == null && s > 0) {
              totals[l][d][s] = totals[l][d][0];
              continue;
            }
            long sum = dictionary == null ? 0 : dictionary.length;
            try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
              ctx.setLevel(levels[l]);
              if (dictionary != null) {
                ctx.loadDict(dictionary);
              }
              for (byte[] b : blocks) {
                sum += ctx.compress(b).length;
              }
            }
            totals[l][d][s] += sum;
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "%d parts, %d blocks, raw columns %,d bytes, stored blocks %,d bytes%n", parts.size(), blockCount, rawTotal, stored);
    for (int l = 0; l < levels.length; l++) {
      for (int d = 0; d < dictSizes.length; d++) {
        for (int s = 0; s < sampleChunks.length; s++) {
          if (d == 0 && s > 0) {
            continue;
          }
          System.out.printf(Locale.ROOT, "zstd %d, dictionary %3d KiB (samples of %2d KiB): %,12d bytes (%.3f of no dictionary)%n",
              levels[l], dictSizes[d] >> 10, sampleChunks[s] >> 10, totals[l][d][s], (double) totals[l][d][s] / totals[l][0][0]);
        }
      }
    }
  }

  private static byte[] train(List<byte[]> blocks, int dictSize, int chunk) {
    long total = 0;
    for (byte[] b : blocks) {
      total += b.length;
    }
    int budget = (int) Math.min(total, 8L << 20);
    ZstdDictTrainer trainer = new ZstdDictTrainer(budget, dictSize);
    // Evenly spaced samples over all blocks, so every stream's style is seen.
    long step = Math.max(chunk, total / Math.max(1, budget / chunk));
    long position = 0;
    for (byte[] b : blocks) {
      for (long at = Math.floorMod(-position, step); at + chunk <= b.length; at += step) {
        byte[] sample = java.util.Arrays.copyOfRange(b, (int) at, (int) at + chunk);
        if (!trainer.addSample(sample)) {
          break;
        }
      }
      position += b.length;
    }
    return trainer.trainSamples();
  }

  private static long compressedBlockBytes(byte[] file) {
    long sum = 0;
    int at = 24;
    int footer = (int) ByteBuffer.wrap(file, file.length - 32, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    while (at < footer) {
      int frame = (int) Zstd.findFrameCompressedSize(file, at, file.length - at);
      sum += frame;
      at += frame;
      at += bloomRegion(file, at);
    }
    return sum;
  }

  private static List<byte[]> rawBlocks(byte[] file) {
    List<byte[]> blocks = new ArrayList<>();
    int at = 24;
    int footer = (int) ByteBuffer.wrap(file, file.length - 32, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    while (at < footer) {
      int frame = (int) Zstd.findFrameCompressedSize(file, at, file.length - at);
      byte[] compressed = java.util.Arrays.copyOfRange(file, at, at + frame);
      blocks.add(Zstd.decompress(compressed, (int) Zstd.getFrameContentSize(compressed)));
      at += frame;
      at += bloomRegion(file, at);
    }
    return blocks;
  }

  private static int bloomRegion(byte[] file, int at) {
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int start = at;
    int filters = 1;
    if (in.getInt(at) == 0) {
      filters = (file[at + 4] & 0xff) == 1 ? 2 : 1;
      at += 5;
    }
    for (int f = 0; f < filters; f++) {
      int words = in.getInt(at);
      at += 5 + 8 * words;
    }
    return at - start;
  }
}

package dev.tonari.store.part;

import com.github.luben.zstd.Zstd;
import java.util.List;

/**
 * How a part is written.
 *
 * @param tenant the tenant whose streams the part holds (recorded in the footer)
 * @param level merge level: 0 for a part flushed from the head, n+1 for a merge of level-n parts
 * @param replaces names of the parts this one replaces (a merge's inputs), so that a crash between
 *     publishing the merge and deleting its inputs can be resolved on restart
 * @param zstdLevel zstd compression level of the blocks
 * @param blockTargetBytes a block is closed once its uncompressed columns reach this size
 * @param bloomFalsePositiveRate target false-positive rate of each block's token filter (versions 2
 *     and 3, which write two filters per block)
 * @param formatVersion the {@link PartFormat} version to write: {@link PartFormat#VERSION} (templated
 *     lines and one word-hashed folded filter with numeric spans, the default), {@link
 *     PartFormat#VERSION_5} (the same without numeric spans), {@link PartFormat#VERSION_4} (templated
 *     lines and one byte-hashed folded filter), {@link PartFormat#VERSION_3} (templated lines, token
 *     and substring filters) or {@link PartFormat#VERSION_2} (plain lines); the older two are kept so
 *     that tests and benchmarks can write the old layouts and compare
 * @param foldedFalsePositiveRate target false-positive rate per term of each block's folded filter
 *     (versions 4 to 6)
 */
public record PartWriterOptions(
    String tenant,
    int level,
    List<String> replaces,
    int zstdLevel,
    int blockTargetBytes,
    double bloomFalsePositiveRate,
    int formatVersion,
    double foldedFalsePositiveRate) {
  public static final int DEFAULT_ZSTD_LEVEL = 3;
  /**
   * Level of merged parts. They are written once, in the background, and read many times: on
   * logs, zstd 9 with 512 KiB blocks stored the lines in 16% fewer bytes than zstd 3 with 256 KiB
   * blocks, compressing at about 80 MB/s per core (zstd decompresses at the same speed whatever
   * the level). Levels 12 and 15 saved 2% and 6% more at a third and a ninth of that speed.
   */
  public static final int MERGE_ZSTD_LEVEL = 9;
  /**
   * 512 KiB: zstd found 4% more redundancy in 512 KiB than in 256 KiB blocks of one stream, and
   * nothing more in 1 MiB ones; a query holds one decoded block per stream and part it reads.
   */
  public static final int DEFAULT_BLOCK_TARGET_BYTES = 512 * 1024;
  /**
   * 1%: 9.6 bits per distinct term. At 2% the filters were 16% smaller, but a needle whose only
   * selective probe is one prefix (`|= "trace_id=<id>"`) read 42 of 2,289 blocks of the 1 GB
   * benchmark for nothing; at 1% the needle runs twice as fast (28x the full scan instead of 14-21x)
   * for 1.6% more bytes on disk (compression 1.03 of `zstd -3` instead of 1.04).
   */
  public static final double DEFAULT_BLOOM_FALSE_POSITIVE_RATE = 0.01;

  /**
   * 20% per term, 4.8 bits per distinct term of the folded filter (docs/benchmarks.md, "Filter
   * variants"): on the realistic corpus the filters shrink to about half of version 3's two, which
   * brings the parts past 1.25x smaller than {@code zstd -3}, while needles stay selective: a
   * 32-digit id is about 12 required terms (prefix, suffix, winnowed grams), an IPv4 address 5, so
   * a block without the needle passes by chance at 0.2^5 to 0.2^12 (measured: 0.2% of blocks for
   * an id, 10% for an address). 15% would cost 18% more filter bytes for about half the false
   * positives.
   */
  public static final double DEFAULT_FOLDED_FALSE_POSITIVE_RATE = 0.2;

  /** The options with the current format version. */
  public PartWriterOptions(String tenant, int level, List<String> replaces, int zstdLevel, int blockTargetBytes, double bloomFalsePositiveRate) {
    this(tenant, level, replaces, zstdLevel, blockTargetBytes, bloomFalsePositiveRate, PartFormat.VERSION);
  }

  /** The options with the default folded filter rate. */
  public PartWriterOptions(
      String tenant, int level, List<String> replaces, int zstdLevel, int blockTargetBytes, double bloomFalsePositiveRate, int formatVersion) {
    this(tenant, level, replaces, zstdLevel, blockTargetBytes, bloomFalsePositiveRate, formatVersion, DEFAULT_FOLDED_FALSE_POSITIVE_RATE);
  }

  public PartWriterOptions {
    if (tenant == null) {
      throw new IllegalArgumentException("tenant must not be null");
    }
    if (level < 0) {
      throw new IllegalArgumentException("part level must be >= 0, got " + level + " for tenant " + tenant);
    }
    replaces = List.copyOf(replaces);
    if (zstdLevel < Zstd.minCompressionLevel() || zstdLevel > Zstd.maxCompressionLevel()) {
      throw new IllegalArgumentException(
          "zstd level must be in [" + Zstd.minCompressionLevel() + ", " + Zstd.maxCompressionLevel() + "], got " + zstdLevel);
    }
    if (blockTargetBytes < 1) {
      throw new IllegalArgumentException("block target bytes must be >= 1, got " + blockTargetBytes);
    }
    if (!(bloomFalsePositiveRate > 0 && bloomFalsePositiveRate < 1)) {
      throw new IllegalArgumentException("bloom false-positive rate must be in (0, 1), got " + bloomFalsePositiveRate);
    }
    if (!(foldedFalsePositiveRate > 0 && foldedFalsePositiveRate < 1)) {
      throw new IllegalArgumentException("folded filter false-positive rate must be in (0, 1), got " + foldedFalsePositiveRate);
    }
    if (formatVersion < PartFormat.VERSION_2 || formatVersion > PartFormat.VERSION) {
      throw new IllegalArgumentException("part format version must be " + PartFormat.VERSION_2 + " to "
          + PartFormat.VERSION + ", got " + formatVersion + " for tenant " + tenant);
    }
  }

  /** Level 0, replacing nothing, zstd level 3, 512 KiB blocks, the current version with 20% per folded term. */
  public static PartWriterOptions defaults(String tenant) {
    return new PartWriterOptions(
        tenant, 0, List.of(), DEFAULT_ZSTD_LEVEL, DEFAULT_BLOCK_TARGET_BYTES, DEFAULT_BLOOM_FALSE_POSITIVE_RATE);
  }

  /** A merge's output: {@link #MERGE_ZSTD_LEVEL}, otherwise the defaults. */
  public static PartWriterOptions forMerge(String tenant, int level, List<String> replaces) {
    return defaults(tenant).withLevel(level).withReplaces(replaces).withZstdLevel(MERGE_ZSTD_LEVEL);
  }

  public PartWriterOptions withLevel(int newLevel) {
    return new PartWriterOptions(tenant, newLevel, replaces, zstdLevel, blockTargetBytes, bloomFalsePositiveRate, formatVersion, foldedFalsePositiveRate);
  }

  public PartWriterOptions withReplaces(List<String> newReplaces) {
    return new PartWriterOptions(tenant, level, newReplaces, zstdLevel, blockTargetBytes, bloomFalsePositiveRate, formatVersion, foldedFalsePositiveRate);
  }

  public PartWriterOptions withBlockTargetBytes(int bytes) {
    return new PartWriterOptions(tenant, level, replaces, zstdLevel, bytes, bloomFalsePositiveRate, formatVersion, foldedFalsePositiveRate);
  }

  public PartWriterOptions withFormatVersion(int version) {
    return new PartWriterOptions(tenant, level, replaces, zstdLevel, blockTargetBytes, bloomFalsePositiveRate, version, foldedFalsePositiveRate);
  }

  public PartWriterOptions withFoldedFalsePositiveRate(double rate) {
    return new PartWriterOptions(tenant, level, replaces, zstdLevel, blockTargetBytes, bloomFalsePositiveRate, formatVersion, rate);
  }

  public PartWriterOptions withZstdLevel(int newLevel) {
    return new PartWriterOptions(tenant, level, replaces, newLevel, blockTargetBytes, bloomFalsePositiveRate, formatVersion, foldedFalsePositiveRate);
  }
}

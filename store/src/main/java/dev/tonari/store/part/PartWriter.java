package dev.tonari.store.part;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.tonari.store.Labels;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.BloomFilter;
import dev.tonari.store.bloom.BloomTerms;
import dev.tonari.store.bloom.DistinctHashes;
import dev.tonari.store.bloom.FoldedTermCollector;
import dev.tonari.store.bloom.FoldedTerms;
import dev.tonari.store.bloom.SubstringTerms;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Writes one part file in the format of {@link PartFormat}: streams in ascending {@link Labels}
 * order, each as {@code beginStream}, its entries sorted by timestamp, entries of equal timestamp
 * in the order they were pushed (the writer keeps the order it is given), and already
 * de-duplicated, {@code endStream}; then {@link #finish()} writes the footer and trailer, forces
 * the file to the device and closes it. The engine then publishes the file with {@code
 * ObjectStore.put}.
 *
 * <p>Memory is bounded by one block's columns plus the block directory; lines are copied into the
 * block buffer, so the caller may reuse its array after {@link #add} returns. A stream with no
 * entries is left out of the part. {@link #close()} without {@link #finish()} deletes the file.
 * Not thread-safe.
 */
public final class PartWriter implements AutoCloseable {
  /**
   * Per-term false-positive rate of the substring filter: 20% (3.3 bits per distinct term, 2
   * positions). Its probes are several terms that must all be present (a bare 32-digit id has 6 or
   * 7 grams per phase), so a block passes by chance at well under 1% though each term alone
   * passes at 20%; a 1% rate per term would have tripled its size for no measurable pruning.
   */
  static final double SUBSTRING_FALSE_POSITIVE_RATE = 0.2;

  private record BlockMeta(
      long offset, int compressedSize, int rawSize, int entryCount, long minTimestamp, long maxTimestamp, int blockCrc, int bloomSize, int bloomCrc) {}

  private record StreamMeta(Labels labels, long minTimestamp, long maxTimestamp, long entries, List<BlockMeta> blocks) {}

  private final Path file;
  private final PartWriterOptions options;
  private final FileChannel channel;
  private final ZstdCompressCtx compressor;
  private final CRC32C crc = new CRC32C();
  private long position;

  private final List<StreamMeta> streams = new ArrayList<>();
  private Labels previousLabels;
  private Labels currentLabels;
  private List<BlockMeta> currentBlocks;
  private long streamEntries;
  private long streamMin;
  private long streamMax;

  // Columns of the open block, reused from block to block.
  private long[] timestamps = new long[1024];
  private int[] lineLengths = new int[1024];
  private int blockEntries;
  private final ByteBuilder metadataColumn = new ByteBuilder(1024);
  private final ByteBuilder linesColumn = new ByteBuilder(64 * 1024);
  private final ByteBuilder rawBlock = new ByteBuilder(64 * 1024);
  private byte[] compressed = new byte[0];
  private final TemplatedLinesEncoder templates = new TemplatedLinesEncoder();
  private final DistinctHashes terms = new DistinctHashes();
  private final LongConsumer termSink = terms::add;
  private final DistinctHashes substringTerms = new DistinctHashes();
  private final LongConsumer substringTermSink = substringTerms::add;
  /** Versions 4 and 5's one filter per block; versions 2 and 3 use the two term sets above instead. */
  private final FoldedTermCollector foldedTerms;
  private final boolean folded;
  private Labels lastMetadata;
  private byte[] lastMetadataEncoded;

  private long totalEntries;
  private long totalRawBytes;
  private long minTimestamp = Long.MAX_VALUE;
  private long maxTimestamp = Long.MIN_VALUE;
  private boolean finished;
  private boolean closed;

  public PartWriter(Path file, PartWriterOptions options) throws IOException {
    this.file = file;
    this.options = options;
    FoldedTerms.Scheme scheme = PartFormat.foldedScheme(options.formatVersion());
    this.folded = scheme != null;
    // Versions 2 and 3 never use the collector; its scheme there does not matter.
    this.foldedTerms = new FoldedTermCollector(folded ? scheme : FoldedTerms.Scheme.BYTE_HASHED);
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    this.compressor = new ZstdCompressCtx();
    try {
      compressor.setLevel(options.zstdLevel());
      ByteBuilder header = new ByteBuilder(PartFormat.HEADER_BYTES);
      header.write(PartFormat.MAGIC, 0, 4);
      byte[] name = PartFormat.FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
      header.write(name, 0, name.length);
      header.writeByte(0);
      header.writeIntLittleEndian(options.formatVersion());
      header.writeIntLittleEndian(0);
      writeFully(header.array(), 0, header.size());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Starts the next stream.
   *
   * @throws IllegalStateException when a stream is open or the labels do not sort after the
   *     previous stream's
   */
  public void beginStream(Labels labels) throws IOException {
    ensureWritable();
    if (currentLabels != null) {
      throw new IllegalStateException("stream " + currentLabels + " is still open in part " + file + "; call endStream first");
    }
    if (previousLabels != null && labels.compareTo(previousLabels) <= 0) {
      throw new IllegalStateException(
          "streams must be written in ascending label order: " + labels + " after " + previousLabels + " in part " + file);
    }
    currentLabels = labels;
    currentBlocks = new ArrayList<>();
    streamEntries = 0;
    streamMin = Long.MAX_VALUE;
    streamMax = Long.MIN_VALUE;
  }

  /**
   * Adds an entry to the open stream.
   *
   * @throws IllegalStateException when no stream is open
   * @throws IllegalArgumentException when the timestamp is smaller than the previous entry's
   */
  public void add(long timestampNanos, byte[] line, int offset, int length, Labels metadata) throws IOException {
    ensureWritable();
    if (currentLabels == null) {
      throw new IllegalStateException("no open stream in part " + file + "; call beginStream first");
    }
    if (streamEntries > 0 && timestampNanos < streamMax) {
      throw new IllegalArgumentException(
          "entries of stream " + currentLabels + " must be sorted by time: " + timestampNanos + " after " + streamMax + " in part " + file);
    }
    if (blockEntries == timestamps.length) {
      timestamps = Arrays.copyOf(timestamps, blockEntries * 2);
      lineLengths = Arrays.copyOf(lineLengths, blockEntries * 2);
    }
    timestamps[blockEntries] = timestampNanos;
    lineLengths[blockEntries] = length;
    blockEntries++;
    linesColumn.write(line, offset, length);
    byte[] encodedMetadata = encodeMetadata(metadata == null ? Labels.EMPTY : metadata);
    metadataColumn.write(encodedMetadata, 0, encodedMetadata.length);
    if (folded) {
      foldedTerms.add(line, offset, length);
    } else {
      BloomTerms.forEachTerm(line, offset, length, termSink);
      SubstringTerms.forEachTerm(line, offset, length, substringTermSink);
    }

    streamEntries++;
    streamMin = Math.min(streamMin, timestampNanos);
    streamMax = timestampNanos;
    totalRawBytes += length;
    // Timestamps and lengths take a few bytes each once encoded; counting 4 per entry keeps the
    // estimate cheap and close enough for choosing where a block ends.
    if (linesColumn.size() + metadataColumn.size() + 4L * blockEntries >= options.blockTargetBytes()) {
      flushBlock();
    }
  }

  public void add(long timestampNanos, byte[] line, Labels metadata) throws IOException {
    add(timestampNanos, line, 0, line.length, metadata);
  }

  /** Ends the open stream, writing its last block. */
  public void endStream() throws IOException {
    ensureWritable();
    if (currentLabels == null) {
      throw new IllegalStateException("no open stream to end in part " + file);
    }
    flushBlock();
    if (streamEntries > 0) {
      streams.add(new StreamMeta(currentLabels, streamMin, streamMax, streamEntries, List.copyOf(currentBlocks)));
      totalEntries += streamEntries;
      minTimestamp = Math.min(minTimestamp, streamMin);
      maxTimestamp = Math.max(maxTimestamp, streamMax);
    }
    previousLabels = currentLabels;
    currentLabels = null;
    currentBlocks = null;
  }

  /** Writes the footer and trailer, forces the file to the device and closes it. */
  public PartSummary finish() throws IOException {
    ensureWritable();
    if (currentLabels != null) {
      endStream();
    }
    long footerOffset = position;
    ByteBuilder footer = new ByteBuilder(4096);
    footer.writeString(options.tenant());
    footer.writeIntLittleEndian(options.level());
    footer.writeIntLittleEndian(options.replaces().size());
    for (String replaced : options.replaces()) {
      footer.writeString(replaced);
    }
    footer.writeIntLittleEndian(streams.size());
    long min = totalEntries == 0 ? 0 : minTimestamp;
    long max = totalEntries == 0 ? 0 : maxTimestamp;
    footer.writeLongLittleEndian(totalEntries);
    footer.writeLongLittleEndian(min);
    footer.writeLongLittleEndian(max);
    footer.writeLongLittleEndian(totalRawBytes);
    for (StreamMeta stream : streams) {
      footer.writeIntLittleEndian(stream.labels().size());
      for (int i = 0; i < stream.labels().size(); i++) {
        footer.writeString(stream.labels().name(i));
        footer.writeString(stream.labels().value(i));
      }
      footer.writeLongLittleEndian(stream.labels().fingerprint());
      footer.writeLongLittleEndian(stream.minTimestamp());
      footer.writeLongLittleEndian(stream.maxTimestamp());
      footer.writeLongLittleEndian(stream.entries());
      footer.writeIntLittleEndian(stream.blocks().size());
      for (BlockMeta block : stream.blocks()) {
        footer.writeLongLittleEndian(block.offset());
        footer.writeIntLittleEndian(block.compressedSize());
        footer.writeIntLittleEndian(block.rawSize());
        footer.writeIntLittleEndian(block.entryCount());
        footer.writeLongLittleEndian(block.minTimestamp());
        footer.writeLongLittleEndian(block.maxTimestamp());
        footer.writeIntLittleEndian(block.blockCrc());
        footer.writeIntLittleEndian(block.bloomSize());
        footer.writeIntLittleEndian(block.bloomCrc());
      }
    }
    writeFully(footer.array(), 0, footer.size());

    ByteBuilder trailer = new ByteBuilder(PartFormat.TRAILER_BYTES);
    trailer.writeLongLittleEndian(footerOffset);
    trailer.writeLongLittleEndian(footer.size());
    trailer.writeIntLittleEndian(crc32c(footer.array(), 0, footer.size()));
    trailer.writeIntLittleEndian(options.formatVersion());
    trailer.writeIntLittleEndian(crc32c(trailer.array(), 0, 24));
    trailer.write(PartFormat.MAGIC, 0, 4);
    writeFully(trailer.array(), 0, trailer.size());

    channel.force(true);
    finished = true;
    close();
    return new PartSummary(
        options.tenant(), options.level(), options.replaces(), streams.size(), totalEntries, min, max, totalRawBytes, position);
  }

  /** Closes the file; unless {@link #finish()} completed, the unfinished file is deleted. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      compressor.close();
      channel.close();
    } finally {
      if (!finished) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void ensureWritable() {
    if (closed) {
      throw new IllegalStateException("part writer for " + file + " is " + (finished ? "finished" : "closed"));
    }
  }

  private byte[] encodeMetadata(Labels metadata) {
    // Consecutive entries nearly always share their metadata (most often none), so one cached
    // encoding avoids re-encoding per entry.
    if (metadata == lastMetadata || metadata.equals(lastMetadata)) {
      return lastMetadataEncoded;
    }
    ByteBuilder encoded = new ByteBuilder(16);
    encoded.writeVarint(metadata.size());
    for (int i = 0; i < metadata.size(); i++) {
      byte[] name = metadata.name(i).getBytes(StandardCharsets.UTF_8);
      byte[] value = metadata.value(i).getBytes(StandardCharsets.UTF_8);
      encoded.writeVarint(name.length);
      encoded.write(name, 0, name.length);
      encoded.writeVarint(value.length);
      encoded.write(value, 0, value.length);
    }
    lastMetadata = metadata;
    lastMetadataEncoded = Arrays.copyOf(encoded.array(), encoded.size());
    return lastMetadataEncoded;
  }

  private void flushBlock() throws IOException {
    if (blockEntries == 0) {
      return;
    }
    rawBlock.clear();
    if (options.formatVersion() == PartFormat.VERSION_2) {
      writeVersion2Columns();
    } else {
      writeVersion3Columns();
    }
    int rawSize = rawBlock.size();

    int bound = (int) Zstd.compressBound(rawSize);
    if (compressed.length < bound) {
      compressed = new byte[bound];
    }
    int compressedSize = compressor.compressByteArray(compressed, 0, compressed.length, rawBlock.array(), 0, rawSize);
    long blockOffset = position;
    int blockCrc = crc32c(compressed, 0, compressedSize);
    writeFully(compressed, 0, compressedSize);

    BlockFilters filters;
    if (folded) {
      filters = foldedTerms.build(options.foldedFalsePositiveRate());
    } else {
      BloomFilter bloom = BloomFilter.forExpected(terms.size(), options.bloomFalsePositiveRate());
      terms.forEach(bloom::add);
      BloomFilter substrings = BloomFilter.forExpected(substringTerms.size(), SUBSTRING_FALSE_POSITIVE_RATE);
      substringTerms.forEach(substrings::add);
      filters = new BlockFilters(bloom, substrings);
    }
    byte[] bloomBytes = filters.toByteArray();
    writeFully(bloomBytes, 0, bloomBytes.length);

    currentBlocks.add(new BlockMeta(
        blockOffset, compressedSize, rawSize, blockEntries, timestamps[0], timestamps[blockEntries - 1], blockCrc, bloomBytes.length,
        crc32c(bloomBytes, 0, bloomBytes.length)));
    blockEntries = 0;
    metadataColumn.clear();
    linesColumn.clear();
    terms.clear();
    substringTerms.clear();
  }

  private void writeVersion2Columns() {
    long divisor = timestampDivisor();
    rawBlock.writeVarint(divisor);
    rawBlock.writeZigZag(timestamps[0]);
    for (int i = 1; i < blockEntries; i++) {
      rawBlock.writeVarint((timestamps[i] - timestamps[i - 1]) / divisor);
    }
    for (int i = 0; i < blockEntries; i++) {
      rawBlock.writeVarint(lineLengths[i]);
    }
    rawBlock.write(metadataColumn.array(), 0, metadataColumn.size());
    rawBlock.write(linesColumn.array(), 0, linesColumn.size());
  }

  private void writeVersion3Columns() {
    templates.clear();
    byte[] lines = linesColumn.array();
    int lineStart = 0;
    for (int i = 0; i < blockEntries; i++) {
      templates.addLine(lines, lineStart, lineLengths[i], timestamps[i]);
      lineStart += lineLengths[i];
    }
    rawBlock.writeVarint(linesColumn.size());
    rawBlock.writeVarint(templates.skeleton.size());
    rawBlock.writeVarint(templates.numbers.size());
    rawBlock.writeVarint(templates.values.size());
    long divisor = timestampDivisor();
    // Regular intervals (a scrape every 15 s, a batch job's fixed step) make the second difference
    // zero; irregular ones make it about as large as the first. Pick whichever is shorter.
    long deltaBytes = 0;
    long deltaOfDeltaBytes = 0;
    long previousDelta = 0;
    for (int i = 1; i < blockEntries; i++) {
      long delta = (timestamps[i] - timestamps[i - 1]) / divisor;
      deltaBytes += varintSize(delta);
      deltaOfDeltaBytes += varintSize(zigZag(delta - previousDelta));
      previousDelta = delta;
    }
    boolean deltaOfDelta = deltaOfDeltaBytes < deltaBytes;
    rawBlock.writeVarint(deltaOfDelta ? 1 : 0);
    rawBlock.writeVarint(divisor);
    rawBlock.writeZigZag(timestamps[0]);
    previousDelta = 0;
    for (int i = 1; i < blockEntries; i++) {
      long delta = (timestamps[i] - timestamps[i - 1]) / divisor;
      if (deltaOfDelta) {
        rawBlock.writeZigZag(delta - previousDelta);
      } else {
        rawBlock.writeVarint(delta);
      }
      previousDelta = delta;
    }
    rawBlock.write(metadataColumn.array(), 0, metadataColumn.size());
    rawBlock.write(templates.skeleton.array(), 0, templates.skeleton.size());
    rawBlock.write(templates.numbers.array(), 0, templates.numbers.size());
    rawBlock.write(templates.values.array(), 0, templates.values.size());
  }

  /**
   * Timestamps often share a granularity (milliseconds, a fixed step): dividing the deltas by their
   * greatest common divisor shortens the varints where zstd cannot see the pattern.
   */
  private long timestampDivisor() {
    long divisor = 0;
    for (int i = 1; i < blockEntries && divisor != 1; i++) {
      long delta = timestamps[i] - timestamps[i - 1];
      // A negative delta is an overflow (timestamps sorted, but over 2^63 apart): divisor 1 and
      // two's-complement wrap-around in the reader still restore it exactly.
      divisor = delta < 0 ? 1 : greatestCommonDivisor(divisor, delta);
    }
    return Math.max(1, divisor);
  }

  private static long zigZag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  private static int varintSize(long value) {
    return value == 0 ? 1 : (64 - Long.numberOfLeadingZeros(value) + 6) / 7;
  }

  /** Of two non-negative numbers; gcd(0, x) = x. */
  private static long greatestCommonDivisor(long a, long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      long remainder = x % y;
      x = y;
      y = remainder;
    }
    return x;
  }

  private int crc32c(byte[] bytes, int offset, int length) {
    crc.reset();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  private void writeFully(byte[] bytes, int offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    position += length;
  }
}

package dev.tonari.store.part;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.ScanListener;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.BloomTerms;
import dev.tonari.store.bloom.NeedleProbes;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a part (format in {@link PartFormat}) from a buffer, usually a read-only mapping of the
 * file, without copying it, or through {@link PartBytes} from a remote store, a block at a time. {@link #open} verifies the header, trailer, footer CRC, the footer's
 * structure and every bloom filter's CRC, so an opened reader's index can be trusted; each block's
 * CRC is verified whenever the block is read, before it is decompressed. A reader never serves
 * bytes that fail a check: it throws {@link CorruptPartException} instead.
 *
 * <p>A reader is immutable and safe to share between threads; each {@link PartCursor} belongs to
 * one thread. The buffer must stay unchanged while the reader is in use.
 */
public final class PartReader implements AutoCloseable {
  private final String name;
  /** Format version of the file: 1, 2 (they differ in the timestamps column only), 3 (templated lines) or 4 (one folded filter per block). */
  final int version;
  private final PartBytes bytes;
  private final PartSummary summary;
  private final List<PartStream> streams;
  /** Index of each stream's first block in the flat block arrays; one extra slot at the end. */
  private final int[] streamFirstBlock;
  final long[] blockOffset;
  final int[] blockCompressedSize;
  final int[] blockRawSize;
  final int[] blockEntryCount;
  final long[] blockMinTimestamp;
  final long[] blockMaxTimestamp;
  final int[] blockCrc;
  final BlockFilters[] blockBloom;
  final PartReadStats stats = new PartReadStats();

  private PartReader(String name, PartBytes bytes, FooterParser footer, int version) {
    this.name = name;
    this.version = version;
    this.bytes = bytes;
    this.summary = footer.summary;
    this.streams = Collections.unmodifiableList(footer.streams);
    this.streamFirstBlock = footer.streamFirstBlock;
    this.blockOffset = footer.blockOffset;
    this.blockCompressedSize = footer.blockCompressedSize;
    this.blockRawSize = footer.blockRawSize;
    this.blockEntryCount = footer.blockEntryCount;
    this.blockMinTimestamp = footer.blockMinTimestamp;
    this.blockMaxTimestamp = footer.blockMaxTimestamp;
    this.blockCrc = footer.blockCrc;
    this.blockBloom = footer.blockBloom;
  }

  /**
   * Opens a part held in the buffer from its position to its limit (the buffer itself is not
   * moved).
   *
   * @param name the part's name, used in every error message
   * @throws CorruptPartException when any check fails
   */
  public static PartReader open(String name, ByteBuffer buffer) throws CorruptPartException {
    try {
      return open(name, PartBytes.of(buffer));
    } catch (CorruptPartException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("a buffer-backed part cannot fail to read", e);
    }
  }

  /**
   * Opens a part read through {@code bytes}: header, trailer, footer and every bloom filter are
   * read (and checked) now, blocks when a cursor decodes them.
   *
   * @param name the part's name, used in every error message
   * @throws CorruptPartException when any check fails
   * @throws IOException when the source cannot deliver the bytes (a failed remote read)
   */
  public static PartReader open(String name, PartBytes bytes) throws IOException {
    long fileSize = bytes.size();
    if (fileSize < PartFormat.HEADER_BYTES + PartFormat.TRAILER_BYTES) {
      throw new CorruptPartException(name, "file of " + fileSize + " bytes is shorter than a header and trailer ("
          + (PartFormat.HEADER_BYTES + PartFormat.TRAILER_BYTES) + " bytes); truncated?");
    }
    if (fileSize > Integer.MAX_VALUE) {
      throw new CorruptPartException(name, "file of " + fileSize + " bytes is larger than a part can be (2 GiB)");
    }
    int size = (int) fileSize;
    checkHeader(name, bytes.read(0, PartFormat.HEADER_BYTES));
    int trailer = size - PartFormat.TRAILER_BYTES;
    ByteBuffer trailerBytes = bytes.read(trailer, PartFormat.TRAILER_BYTES);
    for (int i = 0; i < 4; i++) {
      if (trailerBytes.get(28 + i) != PartFormat.MAGIC[i]) {
        throw new CorruptPartException(name, "trailer magic is missing; the file is truncated or not a part", -1, -1, trailer + 28, null);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(trailerBytes.slice(0, 24));
    if ((int) crc.getValue() != trailerBytes.getInt(24)) {
      throw new CorruptPartException(name, "trailer checksum mismatch", -1, -1, trailer, null);
    }
    int version = bytes.read(16, 4).getInt(0);
    int trailerVersion = trailerBytes.getInt(20);
    if (trailerVersion != version) {
      throw new CorruptPartException(name, "trailer version " + trailerVersion + " differs from header version " + version, -1, -1, trailer + 20, null);
    }
    long footerOffset = trailerBytes.getLong(0);
    long footerLength = trailerBytes.getLong(8);
    if (footerOffset < PartFormat.HEADER_BYTES || footerLength < 0 || footerOffset > trailer || footerOffset + footerLength != trailer) {
      throw new CorruptPartException(name, "footer at offset " + footerOffset + " of length " + footerLength + " does not end at the trailer (" + trailer + ")", -1, -1, trailer, null);
    }
    ByteBuffer footerBytes = bytes.read(footerOffset, (int) footerLength);
    crc.reset();
    crc.update(footerBytes.duplicate());
    if ((int) crc.getValue() != trailerBytes.getInt(16)) {
      throw new CorruptPartException(name, "footer checksum mismatch", -1, -1, footerOffset, null);
    }
    FooterParser footer = new FooterParser(name, bytes, footerBytes, (int) footerOffset, size, version);
    footer.parse();
    return new PartReader(name, bytes, footer, version);
  }

  private static void checkHeader(String name, ByteBuffer data) throws CorruptPartException {
    for (int i = 0; i < 4; i++) {
      if (data.get(i) != PartFormat.MAGIC[i]) {
        throw new CorruptPartException(name, "not a tonari part: bad magic at the start", -1, -1, 0, null);
      }
    }
    byte[] formatName = PartFormat.FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < formatName.length; i++) {
      if (data.get(4 + i) != formatName[i]) {
        throw new CorruptPartException(name, "not a tonari part: format name is not " + PartFormat.FORMAT_NAME, -1, -1, 4, null);
      }
    }
    if (data.get(15) != 0) {
      throw new CorruptPartException(name, "header byte 15 must be 0", -1, -1, 15, null);
    }
    int version = data.getInt(16);
    if (version < PartFormat.VERSION_1 || version > PartFormat.VERSION) {
      throw new CorruptPartException(name, "unsupported part format version " + version + " (this reader knows " + PartFormat.VERSION_1 + " to " + PartFormat.VERSION + ")", -1, -1, 16, null);
    }
    int flags = data.getInt(20);
    if (flags != 0) {
      throw new CorruptPartException(name, "unknown header flags 0x" + Integer.toHexString(flags), -1, -1, 20, null);
    }
  }

  public String name() {
    return name;
  }

  public PartSummary summary() {
    return summary;
  }

  /** The streams in ascending label order. */
  public List<PartStream> streams() {
    return streams;
  }

  /** Index of the stream with these labels, or -1. */
  public int indexOf(Labels labels) {
    int low = 0;
    int high = streams.size() - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int c = streams.get(middle).labels().compareTo(labels);
      if (c == 0) {
        return middle;
      } else if (c < 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return -1;
  }

  public PartReadStats stats() {
    return stats;
  }

  public long blocksSkippedByBloom() {
    return stats.blocksSkippedByBloom();
  }

  public long blocksSkippedByTime() {
    return stats.blocksSkippedByTime();
  }

  /**
   * Bytes of the block filters (the needle index): {all bloom regions, token filters, substring
   * filters, blocks, folded filters}. A region's few header bytes count in the first figure only.
   */
  public long[] filterBytes() {
    int blocks = streamFirstBlock[streams.size()];
    long[] totals = new long[] {0, 0, 0, blocks, 0};
    for (int block = 0; block < blocks; block++) {
      BlockFilters filters = blockBloom[block];
      totals[0] += filters.serializedSize();
      totals[1] += filters.tokens() == null ? 0 : filters.tokens().serializedSize();
      totals[2] += filters.substrings() == null ? 0 : filters.substrings().serializedSize();
      totals[4] += filters.folded() == null ? 0 : filters.folded().serializedSize();
    }
    return totals;
  }

  public long blocksRead() {
    return stats.blocksRead();
  }

  /**
   * A cursor over the stream's entries with {@code fromNanos <= timestamp < toNanos} whose line
   * passes {@code lineFilter}, in time order or its reverse. Blocks outside the range, and blocks
   * whose bloom filter lacks a probe ({@link BloomTerms#probes}) of any required literal, are not
   * read. The literals only prune; the filter decides.
   */
  public PartCursor cursor(
      int streamIndex, long fromNanos, long toNanos, Direction direction, LinePredicate lineFilter, List<String> requiredLiterals) {
    return cursor(streamIndex, fromNanos, toNanos, direction, lineFilter, requiredLiterals, ScanListener.NONE);
  }

  /** As {@link #cursor(int, long, long, Direction, LinePredicate, List)}, reporting every block it reads to {@code scanListener}. */
  public PartCursor cursor(
      int streamIndex, long fromNanos, long toNanos, Direction direction, LinePredicate lineFilter, List<String> requiredLiterals,
      ScanListener scanListener) {
    return cursor(streamIndex, fromNanos, toNanos, direction, lineFilter, NeedleProbes.of(requiredLiterals), scanListener);
  }

  /**
   * As {@link #cursor(int, long, long, Direction, LinePredicate, List, ScanListener)}, with the
   * probes of the required literals already made ({@link NeedleProbes#of(List, List)}, once per
   * query), case-insensitive ones included.
   */
  public PartCursor cursor(
      int streamIndex, long fromNanos, long toNanos, Direction direction, LinePredicate lineFilter, NeedleProbes[] probes,
      ScanListener scanListener) {
    checkStreamIndex(streamIndex);
    return new PartCursor(
        this, streamIndex, streams.get(streamIndex).labels(), streamFirstBlock[streamIndex], streamFirstBlock[streamIndex + 1],
        fromNanos, toNanos, direction, lineFilter == null ? LinePredicate.ALL : lineFilter, probes,
        scanListener == null ? ScanListener.NONE : scanListener);
  }

  /**
   * Whether some block of the stream overlapping {@code [fromNanos, toNanos)} may hold every
   * literal of the probes (always so without probes). When none may, those blocks are counted as
   * skipped by their bloom filters, as a cursor over them would count them, so that a store can
   * leave the stream out of a needle query without making a cursor (making one for each of a
   * tenant's hundreds of streams in every part was a good share of a one-block needle query).
   */
  public boolean mayHoldAll(int streamIndex, long fromNanos, long toNanos, NeedleProbes[] probes) {
    checkStreamIndex(streamIndex);
    if (probes.length == 0) {
      return true;
    }
    int pruned = 0;
    for (int block = streamFirstBlock[streamIndex]; block < streamFirstBlock[streamIndex + 1]; block++) {
      if (blockMaxTimestamp[block] < fromNanos || blockMinTimestamp[block] >= toNanos) {
        continue;
      }
      if (NeedleProbes.mightContainAll(blockBloom[block], probes)) {
        return true;
      }
      pruned++;
    }
    stats.blocksSkippedByBloom.add(pruned);
    return false;
  }

  private void checkStreamIndex(int streamIndex) {
    if (streamIndex < 0 || streamIndex >= streams.size()) {
      throw new IndexOutOfBoundsException("stream index " + streamIndex + " out of 0.." + (streams.size() - 1) + " in part " + name);
    }
  }

  /**
   * The same entries as {@link #cursor}, with blocks decoded and filtered ahead of the consumer on
   * the pool's threads (see {@link PrefetchingPartCursor}); the line filter must be safe to call
   * from several threads at once.
   */
  public PrefetchingPartCursor prefetchingCursor(
      int streamIndex, long fromNanos, long toNanos, Direction direction, LinePredicate lineFilter, List<String> requiredLiterals,
      BlockScanPool pool) {
    return prefetchingCursor(streamIndex, fromNanos, toNanos, direction, lineFilter, requiredLiterals, pool, ScanListener.NONE);
  }

  /**
   * As {@link #prefetchingCursor(int, long, long, Direction, LinePredicate, List, BlockScanPool)},
   * reporting every block it reads to {@code scanListener}, from the thread that decodes it.
   */
  public PrefetchingPartCursor prefetchingCursor(
      int streamIndex, long fromNanos, long toNanos, Direction direction, LinePredicate lineFilter, List<String> requiredLiterals,
      BlockScanPool pool, ScanListener scanListener) {
    return prefetchingCursor(streamIndex, fromNanos, toNanos, direction, lineFilter, NeedleProbes.of(requiredLiterals), pool, scanListener);
  }

  /** As {@link #prefetchingCursor(int, long, long, Direction, LinePredicate, List, BlockScanPool, ScanListener)}, with the probes already made. */
  public PrefetchingPartCursor prefetchingCursor(
      int streamIndex, long fromNanos, long toNanos, Direction direction, LinePredicate lineFilter, NeedleProbes[] probes,
      BlockScanPool pool, ScanListener scanListener) {
    checkStreamIndex(streamIndex);
    return new PrefetchingPartCursor(
        this, pool, streamIndex, streams.get(streamIndex).labels(), streamFirstBlock[streamIndex], streamFirstBlock[streamIndex + 1],
        fromNanos, toNanos, direction, lineFilter == null ? LinePredicate.ALL : lineFilter, probes,
        scanListener == null ? ScanListener.NONE : scanListener);
  }

  /**
   * The byte ranges {@link #open} reads, as {offset, length} pairs in ascending order: the header,
   * every bloom filter, and the footer with the trailer. A remote store keeps these in the part's
   * commit object, so a reader opens the part without fetching it and fetches only the blocks
   * that queries decode.
   */
  public List<long[]> indexRanges() {
    List<long[]> ranges = new ArrayList<>();
    ranges.add(new long[] {0, PartFormat.HEADER_BYTES});
    int blocks = streamFirstBlock[streams.size()];
    for (int block = 0; block < blocks; block++) {
      ranges.add(new long[] {blockOffset[block] + blockCompressedSize[block], blockBloom[block].serializedSize()});
    }
    long footerOffset = blocks == 0 ? PartFormat.HEADER_BYTES : blockOffset[blocks - 1] + blockCompressedSize[blocks - 1] + blockBloom[blocks - 1].serializedSize();
    ranges.add(new long[] {footerOffset, bytes.size() - footerOffset});
    return ranges;
  }

  /** Where this reader's bytes come from. */
  PartBytes bytes() {
    return bytes;
  }

  /** The compressed bytes of a block (flat index), positioned at 0; not yet checked against its CRC. */
  ByteBuffer blockBytes(int block) throws IOException {
    return bytes.readBlock(blockOffset[block], blockCompressedSize[block]);
  }

  /** Lets a remote source start fetching a block that a cursor has planned to read. */
  void prefetchBlock(int block) {
    bytes.prefetch(blockOffset[block], blockCompressedSize[block]);
  }

  int firstBlockOf(int streamIndex) {
    return streamFirstBlock[streamIndex];
  }

  @Override
  public void close() {
    // Nothing to release: the buffer belongs to whoever mapped it, and is unmapped by the GC.
  }

  /** Parses and checks the footer; any inconsistency becomes a CorruptPartException. */
  private static final class FooterParser {
    private final String name;
    private final PartBytes bytes;
    private final int footerOffset;
    private final int fileSize;
    private final ByteBuffer footer;
    PartSummary summary;
    final List<PartStream> streams = new ArrayList<>();
    int[] streamFirstBlock;
    long[] blockOffset = new long[16];
    int[] blockCompressedSize = new int[16];
    int[] blockRawSize = new int[16];
    int[] blockEntryCount = new int[16];
    long[] blockMinTimestamp = new long[16];
    long[] blockMaxTimestamp = new long[16];
    int[] blockCrc = new int[16];
    BlockFilters[] blockBloom = new BlockFilters[16];
    int blockCount;
    private final int version;

    FooterParser(String name, PartBytes bytes, ByteBuffer footer, int footerOffset, int fileSize, int version) {
      this.version = version;
      this.name = name;
      this.bytes = bytes;
      this.footerOffset = footerOffset;
      this.fileSize = fileSize;
      this.footer = footer.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    void parse() throws IOException {
      try {
        parseChecked();
      } catch (BufferUnderflowException e) {
        throw corrupt(-1, -1, "footer ends in the middle of a field", e);
      } catch (IllegalArgumentException e) {
        throw corrupt(-1, -1, "footer holds an invalid value: " + e.getMessage(), e);
      }
      if (footer.hasRemaining()) {
        throw corrupt(-1, -1, footer.remaining() + " unexpected bytes after the stream index", null);
      }
    }

    private void parseChecked() throws IOException {
      String tenant = string();
      int level = footer.getInt();
      int replacesCount = count("replaced part");
      List<String> replaces = new ArrayList<>(replacesCount);
      for (int i = 0; i < replacesCount; i++) {
        replaces.add(string());
      }
      int streamCount = count("stream");
      long entries = footer.getLong();
      long minTimestamp = footer.getLong();
      long maxTimestamp = footer.getLong();
      long rawBytes = footer.getLong();
      streamFirstBlock = new int[streamCount + 1];
      long expectedOffset = PartFormat.HEADER_BYTES;
      long entrySum = 0;
      long minSeen = Long.MAX_VALUE;
      long maxSeen = Long.MIN_VALUE;
      Labels previous = null;
      for (int s = 0; s < streamCount; s++) {
        int labelCount = count("label");
        String[] pairs = new String[labelCount * 2];
        for (int i = 0; i < pairs.length; i++) {
          pairs[i] = string();
        }
        Labels labels = Labels.of(pairs);
        long fingerprint = footer.getLong();
        if (fingerprint != labels.fingerprint()) {
          throw corrupt(s, -1, "stream fingerprint " + Long.toHexString(fingerprint) + " does not match its labels " + labels, null);
        }
        if (previous != null && labels.compareTo(previous) <= 0) {
          throw corrupt(s, -1, "streams are not in ascending label order: " + labels + " after " + previous, null);
        }
        previous = labels;
        long streamMin = footer.getLong();
        long streamMax = footer.getLong();
        long streamEntries = footer.getLong();
        int blocks = count("block");
        if (blocks == 0) {
          throw corrupt(s, -1, "stream " + labels + " has no blocks", null);
        }
        streamFirstBlock[s] = blockCount;
        long streamEntrySum = 0;
        long previousMax = Long.MIN_VALUE;
        for (int b = 0; b < blocks; b++) {
          long offset = footer.getLong();
          int compressedSize = footer.getInt();
          int rawSize = footer.getInt();
          int entryCount = footer.getInt();
          long blockMin = footer.getLong();
          long blockMax = footer.getLong();
          int crc = footer.getInt();
          int bloomSize = footer.getInt();
          int bloomCrc = footer.getInt();
          if (offset != expectedOffset) {
            throw corrupt(s, b, "block offset " + offset + " is not where the previous region ends (" + expectedOffset + ")", null);
          }
          if (compressedSize <= 0 || rawSize <= 0 || entryCount <= 0 || bloomSize <= 0) {
            throw corrupt(s, b, "block sizes must be positive: compressed " + compressedSize + ", raw " + rawSize
                + ", entries " + entryCount + ", bloom " + bloomSize, null);
          }
          long bloomOffset = offset + compressedSize;
          expectedOffset = bloomOffset + bloomSize;
          if (expectedOffset > footerOffset) {
            throw corrupt(s, b, "block and bloom filter run past the footer at " + footerOffset, null);
          }
          if (blockMin > blockMax || blockMin < previousMax) {
            throw corrupt(s, b, "block time range [" + blockMin + ", " + blockMax + "] is out of order", null);
          }
          previousMax = blockMax;
          CRC32C bloomChecksum = new CRC32C();
          // Checked and parsed on a copy; the filters keep the words of the part's own bytes
          // (a mapped file's pages are touched when a query probes them, not at open).
          ByteBuffer bloomBytes = bytes.copy(bloomOffset, bloomSize).order(ByteOrder.LITTLE_ENDIAN);
          bloomChecksum.update(bloomBytes.duplicate());
          if ((int) bloomChecksum.getValue() != bloomCrc) {
            throw new CorruptPartException(name, "bloom filter checksum mismatch", s, b, bloomOffset, null);
          }
          BlockFilters bloom;
          try {
            bloom = BlockFilters.readFrom(bloomBytes, bytes.read(bloomOffset, bloomSize));
          } catch (IllegalArgumentException e) {
            throw new CorruptPartException(name, "bloom region is invalid: " + e.getMessage(), s, b, bloomOffset, e);
          }
          // Each version has its region form (4: the folded filter, 5: its word-hashed form): a part
          // with another form was not written by a writer of its version.
          if (!PartFormat.hasRegionOfItsVersion(version, bloom.kind())) {
            throw new CorruptPartException(name, "bloom region is invalid: a version " + version + " part must have "
                + PartFormat.regionKindsOf(version) + " filters, found kind " + bloom.kind(), s, b, bloomOffset, null);
          }
          addBlock(offset, compressedSize, rawSize, entryCount, blockMin, blockMax, crc, bloom);
          streamEntrySum += entryCount;
        }
        if (streamEntrySum != streamEntries || streamMin != blockMinTimestamp[streamFirstBlock[s]]
            || streamMax != blockMaxTimestamp[blockCount - 1]) {
          throw corrupt(s, -1, "stream totals (entries " + streamEntries + ", time [" + streamMin + ", " + streamMax
              + "]) disagree with its blocks", null);
        }
        entrySum += streamEntries;
        minSeen = Math.min(minSeen, streamMin);
        maxSeen = Math.max(maxSeen, streamMax);
        streams.add(new PartStream(labels, fingerprint, streamMin, streamMax, streamEntries, blocks));
      }
      streamFirstBlock[streamCount] = blockCount;
      if (expectedOffset != footerOffset) {
        throw corrupt(-1, -1, "blocks end at " + expectedOffset + ", not at the footer (" + footerOffset + ")", null);
      }
      boolean empty = entrySum == 0;
      if (entrySum != entries || minTimestamp != (empty ? 0 : minSeen) || maxTimestamp != (empty ? 0 : maxSeen) || level < 0 || rawBytes < 0) {
        throw corrupt(-1, -1, "part totals disagree with its streams", null);
      }
      summary = new PartSummary(tenant, level, replaces, streamCount, entries, minTimestamp, maxTimestamp, rawBytes, fileSize);
    }

    private void addBlock(long offset, int compressedSize, int rawSize, int entryCount, long min, long max, int crc, BlockFilters bloom) {
      if (blockCount == blockOffset.length) {
        int n = blockCount * 2;
        blockOffset = java.util.Arrays.copyOf(blockOffset, n);
        blockCompressedSize = java.util.Arrays.copyOf(blockCompressedSize, n);
        blockRawSize = java.util.Arrays.copyOf(blockRawSize, n);
        blockEntryCount = java.util.Arrays.copyOf(blockEntryCount, n);
        blockMinTimestamp = java.util.Arrays.copyOf(blockMinTimestamp, n);
        blockMaxTimestamp = java.util.Arrays.copyOf(blockMaxTimestamp, n);
        blockCrc = java.util.Arrays.copyOf(blockCrc, n);
        blockBloom = java.util.Arrays.copyOf(blockBloom, n);
      }
      blockOffset[blockCount] = offset;
      blockCompressedSize[blockCount] = compressedSize;
      blockRawSize[blockCount] = rawSize;
      blockEntryCount[blockCount] = entryCount;
      blockMinTimestamp[blockCount] = min;
      blockMaxTimestamp[blockCount] = max;
      blockCrc[blockCount] = crc;
      blockBloom[blockCount] = bloom;
      blockCount++;
    }

    private int count(String what) throws CorruptPartException {
      int n = footer.getInt();
      // Every counted item takes at least 4 footer bytes, so a larger count is damage, not data.
      if (n < 0 || n > footer.remaining() / 4) {
        throw corrupt(-1, -1, what + " count " + Integer.toUnsignedString(n) + " is larger than the footer can hold", null);
      }
      return n;
    }

    private String string() throws CorruptPartException {
      int length = footer.getInt();
      if (length < 0 || length > footer.remaining()) {
        throw corrupt(-1, -1, "string length " + Integer.toUnsignedString(length) + " runs past the footer", null);
      }
      ByteBuffer bytes = footer.slice(footer.position(), length);
      footer.position(footer.position() + length);
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bytes)
            .toString();
      } catch (CharacterCodingException e) {
        throw corrupt(-1, -1, "a string in the footer is not valid UTF-8", e);
      }
    }

    private CorruptPartException corrupt(int stream, int block, String problem, Throwable cause) {
      return new CorruptPartException(name, problem, stream, block, footerOffset + footer.position(), cause);
    }
  }
}

package dev.tonari.store.part;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Iterates one stream of a part (see {@link PartReader#cursor}). Blocks are read one at a time:
 * the CRC of the compressed bytes is checked, then zstd decompresses straight from the part's
 * buffer into a byte array that is reused for every block, and the columns are decoded into
 * reused arrays. Lines are tested and exposed in place, so scanning allocates nothing per entry;
 * structured metadata is decoded only when asked for.
 *
 * <p>One thread at a time. {@link #close()} frees the native zstd context.
 */
public final class PartCursor implements EntryCursor {
  private final PartReader reader;
  private final int streamIndex;
  private final Labels labels;
  private final int firstBlock;
  private final int endBlock;
  private final long fromNanos;
  private final long toNanos;
  private final boolean forward;
  private final LinePredicate lineFilter;
  /**
   * Set when the filter is a {@link LiteralLinePredicate}: the literals as Latin-1 strings (one
   * char per byte, so matching stays byte-exact), the longest first. A block is then searched as
   * a whole with {@link String#indexOf}, which the JVM vectorizes, and hits are mapped to lines.
   */
  private final String[] literalKeys;
  /** Entries of the loaded block that pass the literal filter, ascending. */
  private int[] matches = new int[0];
  private int matchCount;
  private int matchPosition;
  private final long[][] probes;
  private final ByteBuffer data;
  private final CRC32C crc = new CRC32C();
  private ZstdDecompressCtx decompressor;
  private byte[] compressedCopy = new byte[0];

  /** Next block to consider: counts up when forward, down when backward. */
  private int nextBlock;
  private boolean exhausted;

  // The decoded block, reused from block to block.
  private byte[] raw = new byte[0];
  private long[] timestamps = new long[0];
  private int[] lineOffsets = new int[0];
  private int[] lineLengths = new int[0];
  /** Start of each entry's metadata record; one extra slot holds the column's end. */
  private int[] metadataOffsets = new int[1];
  /** Entries [low, high) of the current block are inside the time range. */
  private int low;
  private int high;
  private int index;
  private boolean blockLoaded;
  private boolean positioned;

  private byte[] cachedMetadataBytes = new byte[0];
  private Labels cachedMetadata;

  PartCursor(
      PartReader reader, int streamIndex, Labels labels, int firstBlock, int endBlock, long fromNanos, long toNanos,
      Direction direction, LinePredicate lineFilter, long[][] probes) {
    this.reader = reader;
    this.streamIndex = streamIndex;
    this.labels = labels;
    this.firstBlock = firstBlock;
    this.endBlock = endBlock;
    this.fromNanos = fromNanos;
    this.toNanos = toNanos;
    this.forward = direction == Direction.FORWARD;
    this.lineFilter = lineFilter;
    this.literalKeys = lineFilter instanceof LiteralLinePredicate literal ? latin1Keys(literal) : null;
    this.probes = probes;
    this.data = reader.data();
    this.nextBlock = forward ? firstBlock : endBlock - 1;
  }

  @Override
  public Labels labels() {
    return labels;
  }

  public int streamIndex() {
    return streamIndex;
  }

  @Override
  public boolean next() throws CorruptPartException {
    positioned = false;
    while (!exhausted) {
      if (blockLoaded && literalKeys != null) {
        if (forward ? ++matchPosition < matchCount : --matchPosition >= 0) {
          reader.stats.entriesScanned.increment();
          index = matches[matchPosition];
          positioned = true;
          return true;
        }
        blockLoaded = false;
      } else if (blockLoaded) {
        if (forward) {
          while (++index < high) {
            reader.stats.entriesScanned.increment();
            if (lineFilter.test(raw, lineOffsets[index], lineLengths[index])) {
              positioned = true;
              return true;
            }
          }
        } else {
          while (--index >= low) {
            reader.stats.entriesScanned.increment();
            if (lineFilter.test(raw, lineOffsets[index], lineLengths[index])) {
              positioned = true;
              return true;
            }
          }
        }
        blockLoaded = false;
      }
      loadNextBlock();
    }
    return false;
  }

  /** Loads the next block in the direction that may hold wanted entries, or marks the end. */
  private void loadNextBlock() throws CorruptPartException {
    while (forward ? nextBlock < endBlock : nextBlock >= firstBlock) {
      int block = nextBlock;
      nextBlock += forward ? 1 : -1;
      long min = reader.blockMinTimestamp[block];
      long max = reader.blockMaxTimestamp[block];
      // Blocks of a stream are in time order, so the first block past the range ends the scan.
      if (forward ? min >= toNanos : max < fromNanos) {
        reader.stats.blocksSkippedByTime.increment();
        break;
      }
      if (max < fromNanos || min >= toNanos) {
        reader.stats.blocksSkippedByTime.increment();
        continue;
      }
      if (!bloomMayMatch(block)) {
        reader.stats.blocksSkippedByBloom.increment();
        continue;
      }
      decode(block);
      low = lowerBound(fromNanos);
      high = lowerBound(toNanos);
      if (low < high) {
        index = forward ? low - 1 : high;
        if (literalKeys != null) {
          findLiteralMatches();
          if (matchCount == 0) {
            continue;
          }
          matchPosition = forward ? -1 : matchCount;
        }
        blockLoaded = true;
        return;
      }
    }
    exhausted = true;
  }

  private static String[] latin1Keys(LiteralLinePredicate filter) {
    List<byte[]> literals = new ArrayList<>();
    for (byte[] literal : filter.literals()) {
      // Every line contains the empty literal; searching for it would not advance.
      if (literal.length > 0) {
        literals.add(literal);
      }
    }
    // The longest literal is usually the rarest: search it first, check the others per hit line.
    literals.sort(Comparator.comparingInt((byte[] literal) -> literal.length).reversed());
    String[] keys = new String[literals.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new String(literals.get(i), StandardCharsets.ISO_8859_1);
    }
    return keys;
  }

  /**
   * Fills {@link #matches} with the entries in [low, high) whose line holds every literal: the
   * first key is searched over the lines of the range as one Latin-1 string; a hit inside a line
   * selects that line (binary search over the offsets) if the other keys are in it too, and the
   * search goes on after that line; a hit that runs over a line's end is no match.
   */
  private void findLiteralMatches() {
    if (matches.length < high - low) {
      matches = new int[Math.max(high - low, matches.length * 2)];
    }
    matchCount = 0;
    int start = lineOffsets[low];
    int end = lineOffsets[high - 1] + lineLengths[high - 1];
    if (literalKeys.length == 0) {
      for (int i = low; i < high; i++) {
        matches[matchCount++] = i;
      }
      return;
    }
    String lines = new String(raw, start, end - start, StandardCharsets.ISO_8859_1);
    String key = literalKeys[0];
    int from = 0;
    while (from <= lines.length() - key.length()) {
      int hit = lines.indexOf(key, from);
      if (hit < 0) {
        break;
      }
      int absolute = start + hit;
      int line = lineContaining(absolute);
      int lineStart = lineOffsets[line] - start;
      int lineEnd = lineStart + lineLengths[line];
      if (hit + key.length() > lineEnd) {
        from = hit + 1;
        continue;
      }
      boolean all = true;
      for (int k = 1; k < literalKeys.length && all; k++) {
        int other = lines.indexOf(literalKeys[k], lineStart);
        all = other >= 0 && other + literalKeys[k].length() <= lineEnd;
      }
      if (all) {
        matches[matchCount++] = line;
      }
      from = lineEnd;
    }
  }

  /** The entry in [low, high) whose line holds byte {@code position}: the last one starting at or before it. */
  private int lineContaining(int position) {
    int lo = low;
    int hi = high - 1;
    while (lo < hi) {
      int middle = (lo + hi + 1) >>> 1;
      if (lineOffsets[middle] <= position) {
        lo = middle;
      } else {
        hi = middle - 1;
      }
    }
    return lo;
  }

  private boolean bloomMayMatch(int block) {
    for (long[] literalProbes : probes) {
      for (long probe : literalProbes) {
        if (!reader.blockBloom[block].mightContain(probe)) {
          return false;
        }
      }
    }
    return true;
  }

  /** First entry index of the decoded block with timestamp >= t. */
  private int lowerBound(long t) {
    int lo = 0;
    int hi = reader.blockEntryCount[currentBlock];
    while (lo < hi) {
      int middle = (lo + hi) >>> 1;
      if (timestamps[middle] < t) {
        lo = middle + 1;
      } else {
        hi = middle;
      }
    }
    return lo;
  }

  private int currentBlock = -1;

  private void decode(int block) throws CorruptPartException {
    currentBlock = block;
    int blockInStream = block - firstBlock;
    long offset = reader.blockOffset[block];
    int compressedSize = reader.blockCompressedSize[block];
    int rawSize = reader.blockRawSize[block];
    int entries = reader.blockEntryCount[block];
    ByteBuffer compressed = data.slice((int) offset, compressedSize);
    crc.reset();
    crc.update(compressed);
    if ((int) crc.getValue() != reader.blockCrc[block]) {
      throw new CorruptPartException(reader.name(), "block checksum mismatch", streamIndex, blockInStream, offset, null);
    }
    if (raw.length < rawSize) {
      raw = new byte[Math.max(rawSize, raw.length * 2)];
    }
    if (decompressor == null) {
      decompressor = new ZstdDecompressCtx();
    }
    int decompressed;
    try {
      if (data.isDirect()) {
        decompressed = decompressor.decompressDirectByteBufferToByteArray(raw, 0, rawSize, data, (int) offset, compressedSize);
      } else if (data.hasArray()) {
        decompressed = decompressor.decompressByteArray(raw, 0, rawSize, data.array(), data.arrayOffset() + (int) offset, compressedSize);
      } else {
        // A read-only heap buffer hides its array: one copy of the compressed bytes, into a reused array.
        if (compressedCopy.length < compressedSize) {
          compressedCopy = new byte[Math.max(compressedSize, compressedCopy.length * 2)];
        }
        data.get((int) offset, compressedCopy, 0, compressedSize);
        decompressed = decompressor.decompressByteArray(raw, 0, rawSize, compressedCopy, 0, compressedSize);
      }
    } catch (ZstdException e) {
      throw new CorruptPartException(reader.name(), "block does not decompress: " + e.getMessage(), streamIndex, blockInStream, offset, e);
    }
    if (decompressed != rawSize) {
      throw new CorruptPartException(reader.name(), "block decompressed to " + decompressed + " bytes, expected " + rawSize,
          streamIndex, blockInStream, offset, null);
    }
    reader.stats.blocksRead.increment();
    reader.stats.compressedBytesRead.add(compressedSize);
    reader.stats.rawBytesDecompressed.add(rawSize);
    decodeColumns(entries, rawSize, blockInStream, offset);
  }

  private int parsePosition;
  private int parseLimit;

  private void decodeColumns(int entries, int rawSize, int blockInStream, long offset) throws CorruptPartException {
    if (timestamps.length < entries) {
      int n = Math.max(entries, timestamps.length * 2);
      timestamps = new long[n];
      lineOffsets = new int[n];
      lineLengths = new int[n];
      metadataOffsets = new int[n + 1];
    }
    parsePosition = 0;
    parseLimit = rawSize;
    try {
      if (reader.version == PartFormat.VERSION_1) {
        long previous = 0;
        for (int i = 0; i < entries; i++) {
          long encoded = readVarint();
          previous += (encoded >>> 1) ^ -(encoded & 1);
          timestamps[i] = previous;
        }
      } else {
        long divisor = readVarint();
        if (divisor < 1) {
          throw new IllegalStateException("timestamp delta divisor must be at least 1");
        }
        long encoded = readVarint();
        long previous = (encoded >>> 1) ^ -(encoded & 1);
        timestamps[0] = previous;
        for (int i = 1; i < entries; i++) {
          previous += readVarint() * divisor;
          timestamps[i] = previous;
        }
      }
      long totalLineBytes = 0;
      for (int i = 0; i < entries; i++) {
        long length = readVarint();
        if (length > rawSize) {
          throw new IllegalStateException("line length " + length + " exceeds the block");
        }
        lineLengths[i] = (int) length;
        totalLineBytes += length;
      }
      for (int i = 0; i < entries; i++) {
        metadataOffsets[i] = parsePosition;
        long pairs = readVarint();
        for (long p = 0; p < pairs * 2; p++) {
          long length = readVarint();
          if (length > parseLimit - parsePosition) {
            throw new IllegalStateException("metadata string runs past the block");
          }
          parsePosition += (int) length;
        }
      }
      metadataOffsets[entries] = parsePosition;
      if (parsePosition + totalLineBytes != rawSize) {
        throw new IllegalStateException("columns take " + (parsePosition + totalLineBytes) + " bytes, the block has " + rawSize);
      }
      int lineStart = parsePosition;
      for (int i = 0; i < entries; i++) {
        lineOffsets[i] = lineStart;
        lineStart += lineLengths[i];
      }
    } catch (IllegalStateException e) {
      throw new CorruptPartException(reader.name(), "block columns are inconsistent: " + e.getMessage(), streamIndex, blockInStream, offset, e);
    }
  }

  private long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (parsePosition >= parseLimit) {
        throw new IllegalStateException("varint runs past the block at byte " + parsePosition);
      }
      byte b = raw[parsePosition++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalStateException("varint longer than 10 bytes at byte " + parsePosition);
  }

  private void ensurePositioned() {
    if (!positioned) {
      throw new IllegalStateException("cursor of part " + reader.name() + " is not on an entry; call next() first");
    }
  }

  @Override
  public long timestamp() {
    ensurePositioned();
    return timestamps[index];
  }

  @Override
  public byte[] lineBuffer() {
    ensurePositioned();
    return raw;
  }

  @Override
  public int lineOffset() {
    ensurePositioned();
    return lineOffsets[index];
  }

  @Override
  public int lineLength() {
    ensurePositioned();
    return lineLengths[index];
  }

  @Override
  public Labels metadata() {
    ensurePositioned();
    int start = metadataOffsets[index];
    int end = metadataOffsets[index + 1];
    if (raw[start] == 0) {
      return Labels.EMPTY;
    }
    // Neighbouring entries usually carry the same metadata: reuse the last decoded labels.
    if (cachedMetadata != null && Arrays.equals(raw, start, end, cachedMetadataBytes, 0, cachedMetadataBytes.length)) {
      return cachedMetadata;
    }
    parsePosition = start;
    parseLimit = end;
    int pairs = (int) readVarint();
    String[] namesAndValues = new String[pairs * 2];
    for (int i = 0; i < namesAndValues.length; i++) {
      int length = (int) readVarint();
      namesAndValues[i] = new String(raw, parsePosition, length, StandardCharsets.UTF_8);
      parsePosition += length;
    }
    cachedMetadata = Labels.of(namesAndValues);
    cachedMetadataBytes = Arrays.copyOfRange(raw, start, end);
    return cachedMetadata;
  }

  @Override
  public void close() {
    if (decompressor != null) {
      decompressor.close();
      decompressor = null;
    }
    exhausted = true;
    positioned = false;
  }
}

package dev.tonari.store.part;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.PrefilteredLinePredicate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Decodes one block of a part at a time into arrays that are reused from block to block (and from
 * part to part): checks the block's CRC, decompresses it straight from the part's buffer, splits
 * the columns, and finds the entries whose line passes a filter. Used by {@link PartCursor} (one
 * decoder per cursor) and by the block tasks of {@link PrefetchingPartCursor} (decoders borrowed
 * from a {@link BlockScanPool}).
 *
 * <p>One thread at a time. {@link #close()} frees the native zstd context.
 */
final class BlockDecoder implements AutoCloseable {
  private final CRC32C crc = new CRC32C();
  private ZstdDecompressCtx decompressor;
  /** A bound on line bytes per byte of the template columns, far above what any marker gives. */
  private static final long MAX_TEMPLATE_EXPANSION = 32;
  private byte[] compressedCopy = new byte[0];
  /** The largest zstd frame header (4 magic + 14), read to check the content size before allocating. */
  private final byte[] frameHeader = new byte[18];
  /** A version-3 block as decompressed, before its lines are rebuilt into {@link #raw}. */
  private byte[] encoded = new byte[0];

  byte[] raw = new byte[0];
  long[] timestamps = new long[0];
  int[] lineOffsets = new int[0];
  int[] lineLengths = new int[0];
  /** Start of each entry's metadata record; one extra slot holds the column's end. */
  int[] metadataOffsets = new int[1];
  /** Entries of the decoded block. */
  int entries;
  /** Entries that passed the last {@link #findMatches}, ascending. */
  int[] matches = new int[0];
  int matchCount;

  private byte[] parseBuffer = raw;
  private int parsePosition;
  private int parseLimit;

  /**
   * The literals of a {@link LiteralLinePredicate} or of a {@link PrefilteredLinePredicate} as
   * Latin-1 strings (one char per byte, so matching stays byte-exact), the longest first; null for
   * any other filter. A block is then
   * searched as a whole with {@link String#indexOf}, which the JVM vectorizes, and hits are mapped
   * to lines.
   */
  static String[] latin1Keys(LinePredicate filter) {
    List<byte[]> filterLiterals;
    if (filter instanceof LiteralLinePredicate literalFilter) {
      filterLiterals = literalFilter.literals();
    } else if (filter instanceof PrefilteredLinePredicate prefiltered) {
      filterLiterals = prefiltered.literals();
    } else {
      return null;
    }
    List<byte[]> literals = new ArrayList<>();
    for (byte[] literal : filterLiterals) {
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

  /** Decompresses and splits a block; counts it in the reader's statistics. */
  void decode(PartReader reader, int block, int streamIndex, int blockInStream) throws IOException {
    long offset = reader.blockOffset[block];
    int compressedSize = reader.blockCompressedSize[block];
    int rawSize = reader.blockRawSize[block];
    int count = reader.blockEntryCount[block];
    ByteBuffer data = reader.blockBytes(block);
    crc.reset();
    crc.update(data.duplicate());
    if ((int) crc.getValue() != reader.blockCrc[block]) {
      throw new CorruptPartException(reader.name(), "block checksum mismatch", streamIndex, blockInStream, offset, null);
    }
    // The directory's raw size decides the buffer; a damaged directory behind a re-computed footer
    // checksum must not make it allocate gigabytes, so the frame's own content size must agree first.
    int headerBytes = Math.min(compressedSize, frameHeader.length);
    data.get(0, frameHeader, 0, headerBytes);
    long frameContentSize = Zstd.getFrameContentSize(frameHeader, 0, headerBytes);
    if (frameContentSize != rawSize) {
      throw new CorruptPartException(reader.name(), "block's zstd frame declares " + frameContentSize + " bytes (negative: no valid frame header), the directory "
          + rawSize, streamIndex, blockInStream, offset, null);
    }
    boolean templated = reader.version >= PartFormat.VERSION_3;
    if (templated && encoded.length < rawSize) {
      encoded = new byte[Math.max(rawSize, encoded.length * 2)];
    } else if (!templated && raw.length < rawSize) {
      raw = new byte[Math.max(rawSize, raw.length * 2)];
    }
    byte[] target = templated ? encoded : raw;
    if (decompressor == null) {
      decompressor = new ZstdDecompressCtx();
    }
    int decompressed;
    try {
      if (data.isDirect()) {
        decompressed = decompressor.decompressDirectByteBufferToByteArray(target, 0, rawSize, data, 0, compressedSize);
      } else if (data.hasArray()) {
        decompressed = decompressor.decompressByteArray(target, 0, rawSize, data.array(), data.arrayOffset() + data.position(), compressedSize);
      } else {
        // A read-only heap buffer hides its array: one copy of the compressed bytes, into a reused array.
        if (compressedCopy.length < compressedSize) {
          compressedCopy = new byte[Math.max(compressedSize, compressedCopy.length * 2)];
        }
        data.get(0, compressedCopy, 0, compressedSize);
        decompressed = decompressor.decompressByteArray(target, 0, rawSize, compressedCopy, 0, compressedSize);
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
    decodeDecompressed(reader.name(), reader.version, count, rawSize, streamIndex, blockInStream, offset);
  }

  /**
   * Splits the columns of a block already decompressed into {@link #encoded} (version 3) or
   * {@link #raw} (versions 1 and 2); any inconsistency is a {@link CorruptPartException}.
   */
  private void decodeDecompressed(String partName, int version, int count, int rawSize, int streamIndex, int blockInStream, long offset)
      throws CorruptPartException {
    try {
      if (version >= PartFormat.VERSION_3) {
        decodeTemplatedColumns(count, rawSize);
      } else {
        decodeColumns(version, count, rawSize);
      }
    } catch (IllegalStateException e) {
      throw new CorruptPartException(partName, "block columns are inconsistent: " + e.getMessage(), streamIndex, blockInStream, offset, e);
    }
    entries = count;
  }

  /**
   * Decodes the columns of a block given as its decompressed bytes, as {@link #decode} does after
   * decompressing: for fuzzing the column decoders with garbage that passes the checksum.
   */
  void decodeDecompressedForTest(int version, byte[] decompressed, int count) throws CorruptPartException {
    if (version >= PartFormat.VERSION_3) {
      encoded = decompressed.clone();
    } else {
      raw = decompressed.clone();
    }
    decodeDecompressed("fuzz", version, count, decompressed.length, 0, 0, 0);
  }

  private void ensureEntryCapacity(int count) {
    if (timestamps.length < count) {
      int n = Math.max(count, timestamps.length * 2);
      timestamps = new long[n];
      lineOffsets = new int[n];
      lineLengths = new int[n];
      metadataOffsets = new int[n + 1];
      matches = new int[n];
    }
  }

  /**
   * Version 3: the sizes, the timestamps, the metadata records (copied to the start of {@link
   * #raw}, where the cursors expect them), then the lines rebuilt after them from the skeleton and
   * its variables.
   */
  private void decodeTemplatedColumns(int count, int rawSize) {
    ensureEntryCapacity(count);
    byte[] source = encoded;
    parseBuffer = source;
    parsePosition = 0;
    parseLimit = rawSize;
    long lineBytes = readVarint();
    long skeletonBytes = readVarint();
    long numberBytes = readVarint();
    long valueBytes = readVarint();
    if (skeletonBytes < 0 || skeletonBytes > rawSize || numberBytes < 0 || numberBytes > rawSize || valueBytes < 0 || valueBytes > rawSize) {
      throw new IllegalStateException("column sizes " + skeletonBytes + ", " + numberBytes + ", " + valueBytes + " exceed the block of " + rawSize + " bytes");
    }
    // No variable expands its skeleton bytes more than 128 times (a 255-digit hex run takes two),
    // so a larger claim is corruption, not a reason to allocate gigabytes.
    if (lineBytes < 0 || lineBytes > 128 * skeletonBytes) {
      throw new IllegalStateException("line bytes " + lineBytes + " cannot come from a skeleton of " + skeletonBytes + " bytes");
    }
    long timestampMode = readVarint();
    if (timestampMode > 1) {
      throw new IllegalStateException("unknown timestamp encoding " + timestampMode);
    }
    long divisor = readVarint();
    if (divisor < 1) {
      throw new IllegalStateException("timestamp delta divisor must be at least 1");
    }
    long first = readVarint();
    long previous = (first >>> 1) ^ -(first & 1);
    timestamps[0] = previous;
    long delta = 0;
    for (int i = 1; i < count; i++) {
      long encodedValue = readVarint();
      delta = timestampMode == 0 ? encodedValue : delta + ((encodedValue >>> 1) ^ -(encodedValue & 1));
      previous += delta * divisor;
      timestamps[i] = previous;
    }
    int metadataStart = parsePosition;
    skipMetadata(count);
    int metadataBytes = parsePosition - metadataStart;
    if (skeletonBytes + numberBytes + valueBytes != rawSize - parsePosition) {
      throw new IllegalStateException("columns take " + (parsePosition + skeletonBytes + numberBytes + valueBytes) + " bytes, the block has " + rawSize);
    }
    if (lineBytes > Integer.MAX_VALUE - 16 - metadataBytes) {
      throw new IllegalStateException("line bytes " + lineBytes + " exceed what one block can hold");
    }
    // No marker expands its skeleton, number and value bytes more than tenfold (a UUID: 17 bytes to
    // 36, a date-time: 3 to 29), so a larger L is damage; checked before the buffer is grown to L.
    if (lineBytes > MAX_TEMPLATE_EXPANSION * (skeletonBytes + numberBytes + valueBytes)) {
      throw new IllegalStateException("line bytes " + lineBytes + " exceed " + MAX_TEMPLATE_EXPANSION + " times the template columns ("
          + (skeletonBytes + numberBytes + valueBytes) + " bytes)");
    }
    int decodedSize = metadataBytes + (int) lineBytes;
    if (raw.length < decodedSize) {
      raw = new byte[Math.max(decodedSize, (int) Math.min(Integer.MAX_VALUE - 16, raw.length * 2L))];
    }
    System.arraycopy(source, metadataStart, raw, 0, metadataBytes);
    for (int i = 0; i <= count; i++) {
      metadataOffsets[i] -= metadataStart;
    }
    int skeletonStart = parsePosition;
    int skeletonEnd = skeletonStart + (int) skeletonBytes;
    int numbersEnd = skeletonEnd + (int) numberBytes;
    TemplatedLinesDecoder.decode(source, skeletonStart, skeletonEnd, numbersEnd, source, numbersEnd, rawSize,
        count, timestamps, raw, metadataBytes, decodedSize, lineOffsets, lineLengths);
    parseBuffer = raw;
  }

  /** Records each entry's metadata start in {@link #metadataOffsets} (and the column's end after the last). */
  private void skipMetadata(int count) {
    for (int i = 0; i < count; i++) {
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
    metadataOffsets[count] = parsePosition;
  }

  private void decodeColumns(int version, int count, int rawSize) {
    ensureEntryCapacity(count);
    parseBuffer = raw;
    parsePosition = 0;
    parseLimit = rawSize;
    if (version == PartFormat.VERSION_1) {
      long previous = 0;
      for (int i = 0; i < count; i++) {
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
      for (int i = 1; i < count; i++) {
        previous += readVarint() * divisor;
        timestamps[i] = previous;
      }
    }
    long totalLineBytes = 0;
    for (int i = 0; i < count; i++) {
      long length = readVarint();
      if (length > rawSize) {
        throw new IllegalStateException("line length " + length + " exceeds the block");
      }
      lineLengths[i] = (int) length;
      totalLineBytes += length;
    }
    skipMetadata(count);
    if (parsePosition + totalLineBytes != rawSize) {
      throw new IllegalStateException("columns take " + (parsePosition + totalLineBytes) + " bytes, the block has " + rawSize);
    }
    int lineStart = parsePosition;
    for (int i = 0; i < count; i++) {
      lineOffsets[i] = lineStart;
      lineStart += lineLengths[i];
    }
  }

  private long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (parsePosition >= parseLimit) {
        throw new IllegalStateException("varint runs past the block at byte " + parsePosition);
      }
      byte b = parseBuffer[parsePosition++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalStateException("varint longer than 10 bytes at byte " + parsePosition);
  }

  /** First entry index of the decoded block with timestamp >= t. */
  int lowerBound(long t) {
    int lo = 0;
    int hi = entries;
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

  /** Bytes of the lines of entries [low, high): lines are stored back to back, so this is one subtraction. */
  long lineBytes(int low, int high) {
    return low >= high ? 0 : (long) lineOffsets[high - 1] + lineLengths[high - 1] - lineOffsets[low];
  }

  /**
   * Fills {@link #matches} with the entries in [low, high) whose line passes the filter: with
   * literal keys (of a {@link LiteralLinePredicate} or {@link PrefilteredLinePredicate}) the block
   * is searched as a whole and a prefiltered filter's confirmation runs on the hit lines only;
   * otherwise the filter is called per line.
   */
  void findMatches(int low, int high, LinePredicate filter, String[] literalKeys) {
    matchCount = 0;
    if (literalKeys != null) {
      // A prefiltered filter's own test would search the literals again: only its confirmation runs per hit line.
      findLiteralMatches(low, high, literalKeys, filter instanceof PrefilteredLinePredicate prefiltered ? prefiltered.confirmation() : null);
      return;
    }
    for (int i = low; i < high; i++) {
      if (filter.test(raw, lineOffsets[i], lineLengths[i])) {
        matches[matchCount++] = i;
      }
    }
  }

  /**
   * The first key is searched over the lines of the range as one Latin-1 string; a hit inside a
   * line selects that line (binary search over the offsets) if the other keys are in it too and
   * the confirmation (when not null) accepts it, and the search goes on after that line; a hit
   * that runs over a line's end is no match.
   */
  private void findLiteralMatches(int low, int high, String[] literalKeys, LinePredicate confirmation) {
    if (literalKeys.length == 0) {
      for (int i = low; i < high; i++) {
        if (confirmation == null || confirmation.test(raw, lineOffsets[i], lineLengths[i])) {
          matches[matchCount++] = i;
        }
      }
      return;
    }
    if (low >= high) {
      return;
    }
    int start = lineOffsets[low];
    int end = lineOffsets[high - 1] + lineLengths[high - 1];
    String lines = new String(raw, start, end - start, StandardCharsets.ISO_8859_1);
    String key = literalKeys[0];
    int from = 0;
    while (from <= lines.length() - key.length()) {
      int hit = lines.indexOf(key, from);
      if (hit < 0) {
        break;
      }
      int line = lineContaining(low, high, start + hit);
      int lineStart = lineOffsets[line] - start;
      int lineEnd = lineStart + lineLengths[line];
      if (hit + key.length() > lineEnd) {
        from = hit + 1;
        continue;
      }
      boolean all = true;
      for (int k = 1; k < literalKeys.length && all; k++) {
        // Bounded to the line: a key missing from it must not cost a search through the rest of the block.
        all = lines.indexOf(literalKeys[k], lineStart, lineEnd) >= 0;
      }
      if (all && confirmation != null) {
        all = confirmation.test(raw, lineOffsets[line], lineLengths[line]);
      }
      if (all) {
        matches[matchCount++] = line;
      }
      from = lineEnd;
    }
  }

  /** The entry in [low, high) whose line holds byte {@code position}: the last one starting at or before it. */
  private int lineContaining(int low, int high, int position) {
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

  /**
   * Copies the matched entries into a block of their own, so that the decoder can move on while
   * a consumer reads them. Only matched lines are copied: a selective filter keeps the copy small.
   */
  ScannedBlock copyMatches() {
    int n = matchCount;
    long lineBytes = 0;
    long metadataBytes = 0;
    for (int m = 0; m < n; m++) {
      int i = matches[m];
      lineBytes += lineLengths[i];
      metadataBytes += metadataOffsets[i + 1] - metadataOffsets[i];
    }
    long[] copiedTimestamps = new long[n];
    int[] copiedOffsets = new int[n];
    int[] copiedLengths = new int[n];
    int[] copiedMetadataOffsets = new int[n + 1];
    byte[] lines = new byte[Math.toIntExact(lineBytes)];
    byte[] metadata = new byte[Math.toIntExact(metadataBytes)];
    int linePosition = 0;
    int metadataPosition = 0;
    for (int m = 0; m < n; m++) {
      int i = matches[m];
      copiedTimestamps[m] = timestamps[i];
      copiedOffsets[m] = linePosition;
      copiedLengths[m] = lineLengths[i];
      System.arraycopy(raw, lineOffsets[i], lines, linePosition, lineLengths[i]);
      linePosition += lineLengths[i];
      copiedMetadataOffsets[m] = metadataPosition;
      int metadataLength = metadataOffsets[i + 1] - metadataOffsets[i];
      System.arraycopy(raw, metadataOffsets[i], metadata, metadataPosition, metadataLength);
      metadataPosition += metadataLength;
    }
    copiedMetadataOffsets[n] = metadataPosition;
    return new ScannedBlock(n, copiedTimestamps, lines, copiedOffsets, copiedLengths, metadata, copiedMetadataOffsets);
  }

  /**
   * Decodes a metadata record (a varint count of pairs, then varint-length-prefixed UTF-8 names
   * and values) from {@code buffer[start, end)}.
   */
  static Labels decodeMetadata(byte[] buffer, int start, int end) {
    int[] position = {start};
    int pairs = (int) readVarint(buffer, position, end);
    String[] namesAndValues = new String[pairs * 2];
    for (int i = 0; i < namesAndValues.length; i++) {
      int length = (int) readVarint(buffer, position, end);
      namesAndValues[i] = new String(buffer, position[0], length, StandardCharsets.UTF_8);
      position[0] += length;
    }
    return Labels.of(namesAndValues);
  }

  private static long readVarint(byte[] buffer, int[] position, int limit) {
    long value = 0;
    for (int shift = 0; shift < 64 && position[0] < limit; shift += 7) {
      byte b = buffer[position[0]++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalStateException("metadata varint runs past its record at byte " + position[0]);
  }

  @Override
  public void close() {
    if (decompressor != null) {
      decompressor.close();
      decompressor = null;
    }
  }
}
